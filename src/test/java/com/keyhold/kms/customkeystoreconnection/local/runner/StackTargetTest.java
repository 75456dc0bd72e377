package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.Keyhold;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack is bound to the target it was made on (in-process emulator, endpoint, --aws, and Region): a command aimed
 * elsewhere is refused with exit code 2 before anything runs, naming both targets and how to aim at the stack's;
 * the stack, its key stores and its ownership records stay as they were.
 */
class StackTargetTest {
    private static final String RECORD = "/keyhold/kms/custom-key-store-connection/" + RunnerFixture.HSM;
    private static final String ONE_STORE = """
        Resources:
          Hsm:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: cks-1234567890abcdef0
              ConnectionState: CONNECTED
        """;

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run keyhold(final Map<String, String> env, final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", state().toString()));
        final int code = Keyhold.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), env, Sleeper.NONE, RunnerFixture.FIXED, dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path state() {
        return dir.resolve("state");
    }

    private Path stackFile() {
        return state().resolve("stacks/mw/stack.json");
    }

    private String template(final String body) throws Exception {
        final Path file = dir.resolve("t.yaml");
        Files.writeString(file, body);
        return file.toString();
    }

    /** A stack made on the in-process emulator (seeded with the fixture's key stores): the connection CONNECTED. */
    private void deployOnTheEmulator() throws Exception {
        final Path seed = dir.resolve("seed.json");
        Files.writeString(seed, RunnerFixture.SEED);
        final Run run = keyhold(Map.of(), "deploy", "--stack-name", "mw", "--template-file", template(ONE_STORE),
            "--emulator-seed", seed.toString(), "--time-scale", "0");
        assertThat(run.code()).as(run.err()).isZero();
    }

    /** Every command naming the stack, as the operator would type it. */
    private static List<String[]> everyStackCommand() {
        return List.of(new String[]{"delete-stack", "--stack-name", "mw"},
            new String[]{"detect-stack-drift", "--stack-name", "mw"},
            new String[]{"recover-stack", "--stack-name", "mw", "--resume"},
            new String[]{"describe-stacks", "--stack-name", "mw"},
            new String[]{"describe-stack-events", "--stack-name", "mw"},
            new String[]{"describe-change-set", "--stack-name", "mw", "--change-set-name", "x"},
            new String[]{"execute-change-set", "--stack-name", "mw", "--change-set-name", "x"},
            new String[]{"create-change-set", "--stack-name", "mw", "--change-set-name", "x",
                "--use-previous-template"});
    }

    private void assertEveryCommandRefused(final Map<String, String> env, final List<String> extra,
                                           final String... expected) throws Exception {
        final String stackBefore = Files.readString(stackFile());
        final String eventsBefore = Files.readString(stackFile().resolveSibling("events.json"));
        final List<String[]> commands = new ArrayList<>(everyStackCommand());
        commands.add(new String[]{"deploy", "--stack-name", "mw", "--template-file", template(ONE_STORE)});
        for (String[] command : commands) {
            final List<String> args = new ArrayList<>(List.of(command));
            args.addAll(extra);
            final Run run = keyhold(env, args.toArray(String[]::new));
            assertThat(run.code()).as(command[0] + ": " + run.err() + run.out()).isEqualTo(2);
            assertThat(run.err()).as(command[0]).contains(expected).contains("nothing was run");
            assertThat(run.out()).as(command[0]).doesNotContain("Target:");
        }
        assertThat(Files.readString(stackFile())).isEqualTo(stackBefore);
        assertThat(Files.readString(stackFile().resolveSibling("events.json"))).isEqualTo(eventsBefore);
    }

    /** The in-process emulator's key store and ownership record, read from its saved state. */
    private void assertKeyStoreStillManagedOnTheEmulator() {
        try (RunnerFixture f = new RunnerFixture(state())) {
            assertThat(f.emulator().describedState(RunnerFixture.HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().parameterValue(RECORD)).get().asString().contains("mw");
        }
    }

    @Test
    void aStackMadeOnTheInProcessEmulatorRefusesAnEndpointAwsOrAnotherRegion() throws Exception {
        deployOnTheEmulator();
        assertThat(Files.readString(stackFile())).contains("\"kind\" : \"IN_PROCESS_EMULATOR\"",
            "\"region\" : \"us-east-1\"");

        final Map<String, String> endpoint = Map.of("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:1",
            "AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:1");
        assertEveryCommandRefused(endpoint, List.of(), "stack mw was made on the in-process emulator (state in "
            + state().resolve("emulator") + ") in us-east-1", "this command is aimed at the endpoint "
            + "http://127.0.0.1:1 (AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL_SSM) in us-east-1",
            "To work on it, unset AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM.");
        assertEveryCommandRefused(Map.of(), List.of("--aws", "--region", "us-east-1"), "aimed at real AWS (--aws) in "
            + "us-east-1", "To work on it, drop --aws.");
        assertEveryCommandRefused(Map.of(), List.of("--region", "eu-west-2"), "aimed at the in-process emulator",
            "in eu-west-2", "To work on it, give --region us-east-1.");
        assertEveryCommandRefused(Map.of("AWS_REGION", "eu-west-2"), List.of(), "To work on it, give --region "
            + "us-east-1.");
        assertEveryCommandRefused(endpoint, List.of("--region", "eu-west-2"), "To work on it, unset "
            + "AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM and give --region us-east-1.");

        // Listing every stack shows those of the target and Region asked, and names the others.
        Run run = keyhold(endpoint, "describe-stacks");
        assertThat(run.code()).isZero();
        assertThat(run.out()).doesNotContain("Stack mw:").contains("Not shown, made on another target or Region: mw "
            + "(the in-process emulator");
        assertKeyStoreStillManagedOnTheEmulator();

        run = keyhold(Map.of(), "delete-stack", "--stack-name", "mw");
        assertThat(run.code()).as(run.err()).isZero();
    }

    @Test
    void aStackMadeOnAnEndpointIsWorkedOnThereOnlyAndTheInProcessEmulatorIsNeverStarted() throws Exception {
        // create-change-set makes the stack (REVIEW_IN_PROGRESS) without calling the endpoint.
        final Map<String, String> endpoint = Map.of("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:4566/",
            "AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:4566");
        final Run run = keyhold(endpoint, "create-change-set", "--stack-name", "mw", "--change-set-name", "first",
            "--template-file", template(ONE_STORE));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(Files.readString(stackFile())).contains("\"kind\" : \"ENDPOINT\"",
            "\"kmsEndpoint\" : \"http://127.0.0.1:4566\"");

        assertEveryCommandRefused(Map.of(), List.of(), "stack mw was made on the endpoint http://127.0.0.1:4566 "
            + "(AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL_SSM) in us-east-1", "aimed at the in-process emulator",
            "To work on it, set AWS_ENDPOINT_URL_KMS=http://127.0.0.1:4566 and "
                + "AWS_ENDPOINT_URL_SSM=http://127.0.0.1:4566.");
        assertEveryCommandRefused(Map.of("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:1", "AWS_ENDPOINT_URL_SSM",
            "http://127.0.0.1:2"), List.of(), "aimed at the endpoint http://127.0.0.1:1 (AWS_ENDPOINT_URL_KMS; "
            + "AWS_ENDPOINT_URL_SSM http://127.0.0.1:2)", "set AWS_ENDPOINT_URL_KMS=http://127.0.0.1:4566");
        assertEveryCommandRefused(Map.of(), List.of("--aws", "--region", "us-east-1"), "aimed at real AWS",
            "To work on it, drop --aws, set AWS_ENDPOINT_URL_KMS=http://127.0.0.1:4566");
        // Refused before anything ran: the in-process emulator of the state folder was never started.
        assertThat(state().resolve("emulator")).doesNotExist();
        assertThat(keyhold(endpoint, "describe-change-set", "--stack-name", "mw", "--change-set-name", "first")
            .code()).isZero();
    }

    @Test
    void aStackOfAnOlderRunnerWithoutARecordedTargetIsTakenAsTheInProcessEmulatorsAndSaysSo() throws Exception {
        deployOnTheEmulator();
        final ObjectNode legacy = (ObjectNode) Json.MAPPER.readTree(stackFile().toFile());
        legacy.remove("target");
        legacy.remove("region");
        Json.writeAtomically(stackFile(), legacy);

        final Map<String, String> endpoint = Map.of("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:1",
            "AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:1");
        assertEveryCommandRefused(endpoint, List.of(), "stack mw was made on the in-process emulator",
            "in us-east-1 (the Region of its stack id)", "written by an older keyhold that did not record the target, "
                + "so it is taken as made on the in-process emulator", "\"target\": {\"kind\":\"ENDPOINT\","
                + "\"kmsEndpoint\":\"http://127.0.0.1:1\",\"ssmEndpoint\":\"http://127.0.0.1:1\"}");
        assertKeyStoreStillManagedOnTheEmulator();

        // On the in-process emulator it works as before, and the next operation records the target.
        Run run = keyhold(Map.of(), "describe-stacks", "--stack-name", "mw");
        assertThat(run.code()).as(run.err()).isZero();
        run = keyhold(Map.of(), "deploy", "--stack-name", "mw", "--template-file",
            template(ONE_STORE.replace("CONNECTED", "DISCONNECTED")), "--time-scale", "0");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(Files.readString(stackFile())).contains("\"kind\" : \"IN_PROCESS_EMULATOR\"");
    }
}
