package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * {@code keyhold emulator}: runs the KMS + SSM emulator in the foreground until interrupted (Ctrl-C).
 * Exit codes: 0 after a clean stop or {@code --help}, 2 for bad arguments, 1 when it cannot start.
 */
public final class EmulatorCommand {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String HELP = """
            Usage: keyhold emulator --port <port> [options]

            Runs a local AWS KMS + SSM endpoint (AWS JSON 1.1), on 127.0.0.1 by default, for the operations Keyhold uses:
            KMS Create/Describe/Connect/Disconnect/Update/DeleteCustomKeyStore(s), CreateKey, ScheduleKeyDeletion,
            ListKeys, DescribeKey, SSM PutParameter, GetParameter, DeleteParameter, GetParametersByPath, and
            CloudHSM v2 DescribeClusters (from the declared clusters).
            Runs until interrupted (Ctrl-C).

            Options:
              --port <port>              TCP port (required; 0 picks a free port, printed at start)
              --bind-address <addr>      IP address to listen on (default 127.0.0.1: this machine only);
                                         0.0.0.0 listens on every interface, e.g. for SAM CLI's containers,
                                         which cannot reach 127.0.0.1. Anyone who can reach it can use it.
              --seed <file.json>         stores, parameters and faults to start with; ignored when --state-file
                                         already exists (see guides/EMULATOR.md for the format)
              --state-file <file>        load state from this file if it exists, and rewrite it (atomically)
                                         after every change, so state survives restarts
              --connect-seconds <N>      how long CONNECTING lasts, whole seconds >= 0
                                         (default: 20 for AWS_CLOUDHSM, 5 for EXTERNAL_KEY_STORE)
              --disconnect-seconds <N>   how long DISCONNECTING lasts, whole seconds >= 0 (default 5)
              --describe-lag-seconds <N> DescribeCustomKeyStores shows state changes N seconds late (default 0)
              --time-scale <X>           multiply every duration above: 1.0 = as given, 0.1 = ten times faster
                                         (a number > 0; default 1.0)
              --no-throttling            do not throttle KMS operations at 5 requests per second each
                                         (throttling is on by default, as in KMS)
              --cloudhsm-rename-needs-disconnected
                                         refuse a CloudHSM key store's rename unless it is DISCONNECTED, as the
                                         API reference's NewCustomKeyStoreName says (default: renamed while
                                         connected, as its CustomKeyStoreInvalidStateException text says)
              --access-key <K>           with --secret-key: verify SigV4 signatures against this key pair;
              --secret-key <S>           without them any well-formed signature is accepted
              --help                     print this text

            keyhold emulator reset-kmsuser-password --help: reset kmsuser's password in an emulated CloudHSM cluster.

            Point clients at it (every service shares the one port):
              export AWS_ENDPOINT_URL_KMS=http://127.0.0.1:<port> AWS_ENDPOINT_URL_SSM=http://127.0.0.1:<port>
              export AWS_ENDPOINT_URL_CLOUDHSM_V2=http://127.0.0.1:<port>
              export AWS_ACCESS_KEY_ID=<K or anything> AWS_SECRET_ACCESS_KEY=<S or anything> AWS_REGION=us-east-1
              aws kms describe-custom-key-stores
            """;

    private EmulatorCommand() {
    }

    public static void main(String[] args) {
        Thread main = Thread.currentThread();
        int code = run(args, System.out, System.err, emulator ->
            // Ctrl-C: interrupt the waiting main thread so run() stops the server and returns. Registered only once
            // the emulator runs: a usage error exits at once instead of waiting here for a thread that is exiting.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                main.interrupt();
                try {
                    main.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })));
        if (code != OK) {
            System.exit(code);
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** With standard input given ({@code reset-kmsuser-password} reads the password from it). */
    public static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err) {
        if (args.length > 0 && ResetKmsuserPassword.COMMAND.equals(args[0])) {
            return ResetKmsuserPassword.run(java.util.Arrays.copyOfRange(args, 1, args.length), in, out, err);
        }
        return run(args, out, err, emulator -> {
        });
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, handing the started emulator to {@code started}. */
    static int run(String[] args, PrintStream out, PrintStream err, Consumer<KmsEmulator> started) {
        if (args.length > 0 && ResetKmsuserPassword.COMMAND.equals(args[0])) {
            return ResetKmsuserPassword.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.in, out, err);
        }
        KmsEmulator.Builder builder = KmsEmulator.builder().quotaThrottling(true);
        boolean portGiven = false;
        boolean renameNeedsDisconnected = false;
        String accessKey = null;
        String secretKey = null;
        KmsEmulator emulator;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--help", "-h" -> {
                        out.print(HELP);
                        return OK;
                    }
                    case "--no-throttling" -> builder.quotaThrottling(false);
                    case "--cloudhsm-rename-needs-disconnected" -> renameNeedsDisconnected = true;
                    case "--port" -> {
                        builder.port(integer(flag, value(args, ++i, flag), 0, 65535));
                        portGiven = true;
                    }
                    case "--bind-address" -> builder.bindAddress(value(args, ++i, flag));
                    case "--seed" -> builder.seedFile(existingFile(flag, value(args, ++i, flag)));
                    case "--state-file" -> builder.stateFile(Path.of(value(args, ++i, flag)));
                    case "--connect-seconds" -> builder.connectSeconds(integer(flag, value(args, ++i, flag), 0,
                            Integer.MAX_VALUE));
                    case "--disconnect-seconds" -> builder.disconnectSeconds(integer(flag, value(args, ++i, flag), 0,
                            Integer.MAX_VALUE));
                    case "--describe-lag-seconds" -> builder.describeLag(Duration.ofSeconds(
                            integer(flag, value(args, ++i, flag), 0, Integer.MAX_VALUE)));
                    case "--time-scale" -> builder.timeScale(positive(flag, value(args, ++i, flag)));
                    case "--access-key" -> accessKey = value(args, ++i, flag);
                    case "--secret-key" -> secretKey = value(args, ++i, flag);
                    default -> throw new UsageException("unknown option '" + flag + "'");
                }
            }
            if (!portGiven) {
                throw new UsageException("--port is required: a TCP port 0-65535 (0 picks a free port)");
            }
            if ((accessKey == null) != (secretKey == null)) {
                throw new UsageException("--access-key and --secret-key go together: give both or neither");
            }
            if (accessKey != null) {
                builder.credentials(accessKey, secretKey);
            }
            // Building reads the seed and state files: a bad one is bad input too.
            emulator = builder.build();
            if (renameNeedsDisconnected) {
                emulator.faults().cloudHsmRenameNeedsDisconnected(true);
            }
        } catch (UsageException | IllegalArgumentException e) {
            err.println("keyhold emulator: " + e.getMessage());
            err.println("Run 'keyhold emulator --help' for the options.");
            return USAGE;
        }
        try {
            emulator.start();
        } catch (RuntimeException e) {
            err.println("keyhold emulator: cannot start: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            return FAILED;
        }
        try {
            String url = emulator.endpoint().toString();
            out.println("Keyhold KMS + SSM emulator listening on " + (emulator.bindAddress().isAnyLocalAddress()
                    ? "every interface (" + emulator.bindAddress().getHostAddress() + ") port " + emulator.port()
                    + "; from this machine: " + url : url) + " ("
                    + emulator.storeIds().size() + " custom key stores"
                    + (emulator.verifiesSignatures() ? ", verifying SigV4 signatures" : "") + ")");
            out.println("  export AWS_ENDPOINT_URL_KMS=" + url + " AWS_ENDPOINT_URL_SSM=" + url);
            if (emulator.bindAddress().isAnyLocalAddress()) {
                out.println("  (from a container, use this machine's address as the containers see it, e.g. "
                        + "http://host.docker.internal:" + emulator.port() + ")");
            }
            out.println("Press Ctrl-C to stop.");
            out.flush();
            started.accept(emulator);
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            out.println("Keyhold emulator stopped.");
        } finally {
            emulator.stop();
        }
        return OK;
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(flag + " needs a value");
        }
        return args[i];
    }

    private static int integer(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be a whole number from " + min + " to " + max + ", got '" + value + "'");
    }

    private static double positive(String flag, String value) {
        try {
            double d = Double.parseDouble(value);
            if (d > 0 && !Double.isInfinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be a number greater than 0 (1.0 = real time, 0.1 = ten times "
                + "faster), got '" + value + "'");
    }

    private static Path existingFile(String flag, String value) {
        Path p = Path.of(value);
        if (!Files.isRegularFile(p)) {
            throw new UsageException(flag + " file '" + value + "' does not exist or is not a file");
        }
        return p;
    }
}
