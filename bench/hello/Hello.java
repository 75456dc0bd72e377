/** The JVM start-up floor: a fresh JVM that prints one line and exits. */
public final class Hello {
    public static void main(final String[] args) {
        System.out.println("hello");
    }
}
