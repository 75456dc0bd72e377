package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.local.Keyhold;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code keyhold} as an operator runs it: each command a separate run sharing only the state folder (stacks and the
 * in-process emulator's key stores), exit codes, help and error messages.
 */
class KeyholdCommandLineTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run keyhold(final Map<String, String> env, final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = Keyhold.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), env, Sleeper.NONE, RunnerFixture.FIXED, dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A stack command on the test's state folder, seeded with the fixture's key stores. */
    private Run stack(final String... args) throws Exception {
        final Path seed = dir.resolve("seed.json");
        if (!Files.exists(seed)) {
            Files.writeString(seed, RunnerFixture.SEED);
        }
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", dir.resolve("state").toString(), "--emulator-seed", seed.toString(),
            "--time-scale", "0"));
        return keyhold(Map.of(), all.toArray(String[]::new));
    }

    private Path template() throws Exception {
        final Path file = dir.resolve("two.yaml");
        Files.writeString(file, RunnerFixture.TWO_STORES);
        return file;
    }

    @Test
    void helpListsEveryCommand() {
        final Run run = keyhold(Map.of(), "--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("deploy", "create-change-set", "describe-change-set", "execute-change-set",
            "describe-stack-events", "detect-stack-drift", "delete-stack", "recover-stack", "continue-update-rollback",
            "emulator", "demo", "--aws", "Keyhold::KMS::CustomKeyStore            a KMS custom key store",
            "Keyhold::KMS::CustomKeyStoreConnection  a key store's connection state");
        assertThat(keyhold(Map.of()).code()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy", "create-change-set", "describe-change-set", "execute-change-set",
        "describe-stack-events", "describe-stacks", "detect-stack-drift", "delete-stack", "recover-stack", "demo",
        "emulator", "continue-update-rollback"})
    void everyCommandHasHelp(final String command) {
        final Run run = keyhold(Map.of(), command, "--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("Usage: keyhold " + command);
    }

    @Test
    void badUsageExitsTwoSayingWhatIsWrongAndWhatIsAllowed() throws Exception {
        Run run = keyhold(Map.of(), "launch");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("unknown command 'launch'; commands: deploy, create-change-set");
        run = keyhold(Map.of(), "deploy", "--stack", "x");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("unknown option '--stack' for keyhold deploy; allowed: --stack-name");
        run = keyhold(Map.of(), "deploy", "--template-file", template().toString());
        assertThat(run.err()).contains("keyhold deploy needs --stack-name <name>");
        run = stack("deploy", "--stack-name", "s", "--template-file", template().toString(),
            "--parameter-overrides", "HsmState=ON");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("parameter HsmState: 'ON' is not allowed; allowed values: CONNECTED, "
            + "DISCONNECTED");
        run = stack("deploy", "--stack-name", "s", "--template-file", template().toString(),
            "--parameter-overrides", "HsmState");
        assertThat(run.err()).contains("--parameter-overrides takes Key=Value pairs, got 'HsmState'");
        run = stack("deploy", "--stack-name", "9s", "--template-file", template().toString());
        assertThat(run.err()).contains("stack name '9s' is not valid");
        run = keyhold(Map.of(), "deploy", "--stack-name", "s", "--template-file", "missing.yaml");
        assertThat(run.err()).contains("--template-file 'missing.yaml' cannot be read: looked at "
            + Path.of("missing.yaml").toAbsolutePath() + " and there is no such file",
            "Relative paths are resolved from " + Path.of("").toAbsolutePath());
        // Started through ./keyhold from another folder: the message points at the file the operator meant.
        Files.writeString(dir.resolve("missing.yaml"), "Resources: {}");
        run = keyhold(Map.of("KEYHOLD_CALLER_DIR", dir.toString()), "deploy", "--stack-name", "s",
            "--template-file", "missing.yaml");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("(./keyhold runs from the repository root)", "The file exists at "
            + dir.resolve("missing.yaml") + ": give that absolute path");
        run = keyhold(Map.of(), "deploy", "--stack-name", "s", "--template-file", dir.toString());
        assertThat(run.err()).contains("it is a folder, not a file");
        run = stack("deploy", "--stack-name", "s", "--template-file", template().toString(), "--region", "Mars");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--region 'Mars' is not an AWS Region code: use one such as us-east-1");
        run = keyhold(Map.of("AWS_REGION", "us-east"), "deploy", "--stack-name", "s", "--template-file",
            template().toString(), "--state-dir", dir.resolve("r").toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("AWS_REGION 'us-east' is not an AWS Region code");
        assertThat(Target.checkRegion("us-gov-west-1", "x")).isEqualTo("us-gov-west-1");
        assertThat(Target.checkRegion("ap-southeast-5", "x")).isEqualTo("ap-southeast-5");
        run = stack("deploy", "--stack-name", "s", "--template-file", template().toString(), "--time-scale", "2");
        assertThat(run.err()).contains("--time-scale is given twice");
        run = keyhold(Map.of(), "recover-stack", "--stack-name", "s", "--resume", "--rollback");
        assertThat(run.err()).contains("exactly one of --resume or --rollback");
    }

    /**
     * While an update is in flight (here: stopped by a crash), describe-stacks shows the resource being updated as
     * UPDATE_IN_PROGRESS and the others as the last operation left them; describe-stack-events shows the elapsed
     * times the live events printed; a multi-line value stays on one line.
     */
    @Test
    void describeShowsTheResourceInFlightEmulatedElapsedTimesAndOneLineValues() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir.resolve("state"))) {
            assertThat(f.deploy("mw", RunnerFixture.TWO_STORES, Map.of()).status).isEqualTo("CREATE_COMPLETE");
            f.runner = f.runner(new ProviderRegistry().register(RunnerFixture.TYPE,
                new RunnerFixture.CrashingProvider(f.target.providers().find(RunnerFixture.TYPE), 1)));
            try {
                f.deploy("mw", RunnerFixture.TWO_STORES, Map.of("HsmState", "DISCONNECTED"));
            } catch (RunnerFixture.SimulatedCrash expected) {
                // the process "dies" mid-update
            }
        }
        Run run = stack("describe-stacks", "--stack-name", "mw");
        assertThat(run.out()).contains("Stack mw: UPDATE_IN_PROGRESS");
        assertThat(run.out().lines().filter(l -> l.contains(RunnerFixture.HSM)).toList()).as(run.out())
            .singleElement().asString().contains(RunnerFixture.HSM).endsWith("UPDATE_IN_PROGRESS");
        assertThat(run.out().lines().filter(l -> l.contains(RunnerFixture.XKS)).toList()).as(run.out())
            .singleElement().asString().endsWith("CREATE_COMPLETE");
        run = stack("describe-stack-events", "--stack-name", "mw");
        assertThat(run.out().lines().filter(l -> l.contains("Timestamp")).toList()).as(run.out()).singleElement()
            .asString().containsPattern("Timestamp +Elapsed +LogicalResourceId");
        assertThat(run.out()).contains("+0:00");
        // Every event is on the emulated clock (the tests' base is 2025-01-01), REVIEW_IN_PROGRESS included, which
        // create-change-set records without starting the emulator.
        assertThat(stack("create-change-set", "--stack-name", "fresh", "--change-set-name", "c", "--template-file",
            template().toString()).code()).isZero();
        run = stack("describe-stack-events", "--stack-name", "fresh");
        assertThat(run.out().lines().filter(l -> l.contains("REVIEW_IN_PROGRESS")).toList()).singleElement()
            .asString().startsWith("  2025-01-01T");
        assertThat(run.out()).doesNotContain(String.valueOf(java.time.Year.now(java.time.ZoneOffset.UTC)) + "-");
        assertThat(RunnerCli.oneLine("-----BEGIN CERTIFICATE-----\nMIIB\r\n-----END CERTIFICATE-----"))
            .isEqualTo("-----BEGIN CERTIFICATE-----\\nMIIB\\r\\n-----END CERTIFICATE-----");
    }

    /** Nothing is created for a stack name CloudFormation would refuse: not even the state folder. */
    @Test
    void anInvalidStackNameIsRefusedBeforeAnythingIsCreated() throws Exception {
        final Path seed = dir.resolve("seed.json");
        Files.writeString(seed, RunnerFixture.SEED);
        final Path state = dir.resolve("state");
        for (String[] command : List.of(new String[]{"deploy", "--template-file", template().toString()},
            new String[]{"delete-stack"}, new String[]{"recover-stack", "--resume"}, new String[]{"detect-stack-drift"},
            new String[]{"create-change-set", "--change-set-name", "c", "--template-file", template().toString()})) {
            final List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--stack-name", "1bad_name", "--state-dir", state.toString(), "--emulator-seed",
                seed.toString()));
            final Run run = keyhold(Map.of(), args.toArray(String[]::new));
            assertThat(run.code()).as(command[0]).isEqualTo(2);
            assertThat(run.err()).as(command[0]).contains("stack name '1bad_name' is not valid: it must start with a "
                + "letter and contain only letters, digits and hyphens");
            assertThat(state).as(command[0]).doesNotExist();
        }
    }

    @Test
    void endpointSettingsAreChecked() throws Exception {
        final String t = template().toString();
        Run run = keyhold(Map.of("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:1"), "deploy", "--stack-name", "s",
            "--template-file", t, "--state-dir", dir.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM go together");
        run = keyhold(Map.of("AWS_ENDPOINT_URL_KMS", "http://x", "AWS_ENDPOINT_URL_SSM", "http://x"), "deploy",
            "--stack-name", "s", "--template-file", t, "--aws", "--state-dir", dir.toString());
        assertThat(run.err()).contains("--aws talks to real AWS, but AWS_ENDPOINT_URL_KMS");
        run = keyhold(Map.of(), "deploy", "--stack-name", "s", "--template-file", t, "--aws",
            "--state-dir", dir.toString());
        assertThat(run.err()).contains("--aws needs a Region");
    }

    @Test
    void twoResourcesNamingOneKeyStoreAreRefusedBeforeAnythingRuns() throws Exception {
        final Path file = dir.resolve("twice.yaml");
        Files.writeString(file, RunnerFixture.TWO_STORES.replace("cks-0fedcba0987654321", "cks-1234567890abcdef0"));
        final Run run = stack("deploy", "--stack-name", "s", "--template-file", file.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Resources Hsm and Xks all manage key store cks-1234567890abcdef0",
            "nothing was changed");
        assertThat(dir.resolve("state").resolve("stacks").resolve("s").resolve("stack.json")).doesNotExist();
        try (Target target = Target.open(RunnerFixture.options(dir.resolve("state")), System.err)) {
            assertThat(target.emulator().state(RunnerFixture.HSM)).isEqualTo(
                com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState.DISCONNECTED);
        }
    }

    @Test
    void noEchoParametersPrintAsStars() throws Exception {
        final Path file = dir.resolve("secret.yaml");
        Files.writeString(file, RunnerFixture.TWO_STORES.replace("Resources:",
            "  Token: {Type: String, NoEcho: true, Default: hunter2}\nResources:"));
        assertThat(stack("deploy", "--stack-name", "s", "--template-file", file.toString()).code()).isZero();
        final Run run = stack("describe-stacks", "--stack-name", "s");
        assertThat(run.out()).contains("Token = ****", "HsmState = CONNECTED").doesNotContain("hunter2");
    }

    @Test
    void anEmulatorSeedGivenToCreateChangeSetIsAppliedForTheCommandsThatFollow() throws Exception {
        final Path seed = dir.resolve("own-seed.json");
        Files.writeString(seed, """
            {"stores": [{"id": "cks-00000000000000abc", "name": "spare", "type": "AWS_CLOUDHSM",
                         "state": "DISCONNECTED"}]}
            """);
        final Path file = dir.resolve("spare.yaml");
        Files.writeString(file, """
            Resources:
              Spare:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Properties: {CustomKeyStoreId: cks-00000000000000abc, ConnectionState: CONNECTED}
            """);
        final String state = dir.resolve("own").toString();
        Run run = keyhold(Map.of(), "create-change-set", "--stack-name", "s", "--change-set-name", "c",
            "--template-file", file.toString(), "--state-dir", state, "--emulator-seed", seed.toString(),
            "--time-scale", "0");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Emulator seeded from " + seed);
        run = keyhold(Map.of(), "execute-change-set", "--stack-name", "s", "--change-set-name", "c",
            "--state-dir", state, "--time-scale", "0");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("(1 key stores", "Successfully created stack - s");
    }

    @Test
    void anUnsupportedResourceIsReportedBeforeAnythingRuns() throws Exception {
        final Path file = dir.resolve("bad.yaml");
        Files.writeString(file, RunnerFixture.TWO_STORES.replace("Outputs:", "  Key:\n    Type: AWS::KMS::Key\n"
            + "Outputs:"));
        final Run run = stack("deploy", "--stack-name", "s", "--template-file", file.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Resources.Key: AWS::KMS::Key is not supported by keyhold", "nothing was "
            + "changed");
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void successiveCommandsShareTheStateFolderAndTheEmulatorsKeyStores() throws Exception {
        final String t = template().toString();
        Run run = stack("deploy", "--stack-name", "mw", "--template-file", t);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Target: the in-process emulator", "Add     Hsm",
            "Successfully created stack - mw", "HsmName = hsm");

        run = stack("deploy", "--stack-name", "mw", "--template-file", t);
        assertThat(run.out()).contains("No changes to deploy. Stack mw is up to date");

        run = stack("create-change-set", "--stack-name", "mw", "--change-set-name", "flip",
            "--use-previous-template", "--parameter-overrides", "XksState=DISCONNECTED");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Modify  Xks", "False", "execute-change-set --stack-name mw "
            + "--change-set-name flip");
        run = stack("describe-change-set", "--stack-name", "mw", "--change-set-name", "flip");
        assertThat(run.out()).contains("execution AVAILABLE", "Xks.ConnectionState: CONNECTED -> DISCONNECTED");
        run = stack("execute-change-set", "--stack-name", "mw", "--change-set-name", "flip");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Xks                    UPDATE_IN_PROGRESS",
            "DisconnectCustomKeyStore accepted while CONNECTED", "Successfully updated stack - mw");

        // The emulator's state was saved by the previous run: drift sees the disconnected store as deployed.
        run = stack("detect-stack-drift", "--stack-name", "mw");
        assertThat(run.out()).contains("Stack drift status: IN_SYNC");

        run = stack("describe-stacks", "--stack-name", "mw");
        assertThat(run.out()).contains("Stack mw: UPDATE_COMPLETE", "XksState = DISCONNECTED",
            "Xks                cks-0fedcba0987654321");
        run = stack("describe-stack-events", "--stack-name", "mw");
        assertThat(run.out()).contains("REVIEW_IN_PROGRESS", "CREATE_COMPLETE", "UPDATE_COMPLETE");

        run = stack("deploy", "--stack-name", "mw", "--template-file", t, "--parameter-overrides",
            "HsmState=DISCONNECTED", "--no-execute-changeset");
        assertThat(run.out()).contains("Changeset created successfully");

        run = stack("delete-stack", "--stack-name", "mw");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Successfully deleted stack - mw");
        run = stack("describe-stacks", "--stack-name", "mw");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("Stack with id mw does not exist");
        assertThat(stack("delete-stack", "--stack-name", "mw").out()).contains("does not exist; nothing to delete");
    }

    @Test
    void continueUpdateRollbackRefusesAStackWhoseRollbackDidNotFail() throws Exception {
        assertThat(stack("deploy", "--stack-name", "mw", "--template-file", template().toString()).code()).isZero();
        final Run run = stack("continue-update-rollback", "--stack-name", "mw", "--resources-to-skip", "Hsm", "Xks");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("stack mw is CREATE_COMPLETE: continue-update-rollback applies only to a stack "
            + "in UPDATE_ROLLBACK_FAILED; nothing was changed");
    }

    @Test
    void aFailedUpdateExitsOneAndSaysWhatToDo() throws Exception {
        final Path seed = dir.resolve("seed.json");
        Files.writeString(seed, RunnerFixture.SEED.replace("\"name\": \"xks\",",
            "\"name\": \"xks\", \"failNextConnect\": [\"XKS_PROXY_INVALID_TLS_CONFIGURATION\"],"));
        final Run run = stack("deploy", "--stack-name", "mw", "--template-file", template().toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("Stack mw is ROLLBACK_COMPLETE", "XKS_PROXY_INVALID_TLS_CONFIGURATION",
            "keyhold delete-stack --stack-name mw");
    }

    @Test
    void anInterruptedStackIsReportedAndRecovered() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir.resolve("state"))) {
            f.runner = f.runner(new ProviderRegistry().register(RunnerFixture.TYPE,
                new RunnerFixture.CrashingProvider(f.target.providers().find(RunnerFixture.TYPE), 3)));
            try {
                f.deploy("mw", RunnerFixture.TWO_STORES, Map.of());
            } catch (RunnerFixture.SimulatedCrash expected) {
                // the process "dies" here
            }
        }
        Run run;
        // While another command holds the stack's lock, readers say so instead of calling the process dead.
        try (StateStore.Lock held = new StateStore(dir.resolve("state")).lock("mw")) {
            run = stack("describe-stacks", "--stack-name", "mw");
            assertThat(run.out()).contains("another keyhold command is running its CREATE right now")
                .doesNotContain("stopped before it finished");
            run = stack("describe-stack-events", "--stack-name", "mw");
            assertThat(run.out()).contains("another keyhold command is running its CREATE right now");
            run = stack("detect-stack-drift", "--stack-name", "mw");
            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err()).contains("another keyhold command is running its CREATE right now",
                "describe-stack-events --stack-name mw");
        }
        run = stack("describe-stacks", "--stack-name", "mw");
        assertThat(run.out()).contains("CREATE_IN_PROGRESS", "WARNING: stack mw is CREATE_IN_PROGRESS",
            "recover-stack --stack-name mw --resume");
        run = stack("deploy", "--stack-name", "mw", "--template-file", template().toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("stopped before it finished");
        run = stack("recover-stack", "--stack-name", "mw", "--resume");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Resuming the CREATE of stack mw", "Successfully created stack - mw");
    }

    /**
     * The README's headline form on the command line: the kmsuser password from Secrets Manager (seeded through the
     * emulator seed), the other values from a file:// parameter file, or the NoEcho form from a "Key=Value" list
     * file; neither password appears in any output, event, handler.log or state file the runner writes.
     */
    @Test
    void secretsComeFromSecretsManagerOrAParameterFileAndAreNeverShown() throws Exception {
        final String fromSecretsManager = "cliPswd77";
        final String fromFile = "cliPswd88";
        final String seed = RunnerFixture.SEED.strip();
        Files.writeString(dir.resolve("seed.json"), seed.substring(0, seed.length() - 1) + ", \"secrets\": [{\"name\": "
            + "\"payments/kmsuser\", \"secretString\": \"{\\\"password\\\": \\\"" + fromSecretsManager + "\\\"}\"}]}");
        final Path params = dir.resolve("params.json");
        Files.writeString(params, """
            [{"ParameterKey": "ClusterId", "ParameterValue": "cluster-765432hgfedcb"},
             {"ParameterKey": "TrustAnchorCertificate", "ParameterValue": "-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----"}]
            """);
        final String template = Path.of("examples/cloudhsm-key-store.yaml").toAbsolutePath().toString();
        final List<Run> runs = new ArrayList<>();
        runs.add(stack("deploy", "--stack-name", "hsm", "--template-file", template, "--parameter-overrides",
            "file://" + params));
        assertThat(runs.get(0).code()).as(runs.get(0).err()).isZero();
        assertThat(runs.get(0).out()).contains("Successfully created stack - hsm");
        final Path list = dir.resolve("list.json");
        Files.writeString(list, "[\"ClusterId=cluster-abcdefghijk23\", \"KmsUserPassword=" + fromFile + "\"]");
        runs.add(stack("deploy", "--stack-name", "hsm2", "--template-file", template, "--parameter-overrides",
            "file://" + list, "TrustAnchorCertificate=-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----"));
        assertThat(runs.get(1).code()).as(runs.get(1).err()).isZero();
        runs.add(stack("describe-stacks"));
        runs.add(stack("describe-stack-events", "--stack-name", "hsm"));
        runs.add(stack("describe-stack-events", "--stack-name", "hsm2"));
        assertThat(runs.get(2).out()).contains("KmsUserPassword = ****");
        final String written = DynamicReferencesTest.runnerFiles(dir.resolve("state"));
        assertThat(written).contains("handler.log").contains("{{resolve:secretsmanager:");
        assertThat(written).doesNotContain(fromSecretsManager);
        for (String secret : List.of(fromSecretsManager, fromFile)) {
            runs.forEach(r -> assertThat(r.out() + r.err()).doesNotContain(secret));
            for (String file : List.of("handler.log", "stacks/hsm/events.json", "stacks/hsm2/events.json")) {
                assertThat(Files.readString(dir.resolve("state").resolve(file))).as(file).doesNotContain(secret);
            }
        }
        // The NoEcho form's value is kept in the state (a rollback sends it again; owner-only, as RUNNER.md says);
        // the dynamic reference's value never is.
        assertThat(Files.readString(dir.resolve("state/stacks/hsm2/stack.json"))).contains(fromFile);
    }

    @Test
    void aBadParameterFileIsRefusedWithoutShowingItsContent() throws Exception {
        final Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[{\"ParameterKey\": \"Pw\", \"ParameterValue\": \"hunter2\"");
        Run run = stack("deploy", "--stack-name", "s", "--template-file", template().toString(),
            "--parameter-overrides", "file://" + bad);
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("file://" + bad + " is not valid JSON; it must be a JSON list of")
            .doesNotContain("hunter2");
        Files.writeString(bad, "{\"Pw\": \"hunter2\"}");
        run = stack("deploy", "--stack-name", "s", "--template-file", template().toString(),
            "--parameter-overrides", "file://" + bad);
        assertThat(run.err()).contains("is not a list").doesNotContain("hunter2");
        Files.writeString(bad, "[42]");
        run = stack("deploy", "--stack-name", "s", "--template-file", template().toString(),
            "--parameter-overrides", "file://" + bad);
        assertThat(run.err()).contains("item 0 is neither \"Key=Value\" nor");
        run = stack("deploy", "--stack-name", "s", "--template-file", template().toString(),
            "--parameter-overrides", "file://" + dir.resolve("none.json"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("none.json: no such file");
        Files.writeString(bad, "[\"HsmState=CONNECTED\"]");
        run = stack("deploy", "--stack-name", "s", "--template-file", template().toString(),
            "--parameter-overrides", "file://" + bad, "HsmState=DISCONNECTED");
        assertThat(run.err()).contains("HsmState is given twice");
    }

    /** create-change-set reaches no target, so a missing secret is found by execute-change-set, before anything runs. */
    @Test
    void aMissingSecretIsRefusedWhenTheChangeSetIsExecutedWithNothingChanged() throws Exception {
        final String template = Path.of("examples/cloudhsm-key-store.yaml").toAbsolutePath().toString();
        Run run = stack("create-change-set", "--stack-name", "hsm", "--change-set-name", "c", "--template-file",
            template, "--parameter-overrides", "ClusterId=cluster-765432hgfedcb", "TrustAnchorCertificate=x",
            "KmsUserPasswordSecret=not/there");
        assertThat(run.code()).as(run.err()).isZero();
        run = stack("execute-change-set", "--stack-name", "hsm", "--change-set-name", "c");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("change set c cannot be executed", "Resources.KeyStore.Properties."
            + "KeyStorePassword", "secret not/there is not in Secrets Manager of the in-process emulator");
        assertThat(stack("describe-stacks", "--stack-name", "hsm").out()).contains("REVIEW_IN_PROGRESS");
    }
}
