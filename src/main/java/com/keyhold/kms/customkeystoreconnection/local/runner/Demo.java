package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KeyStoreType;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.OriginType;

/**
 * {@code keyhold demo}: the whole story of both types on one machine in well under a minute. Deploys
 * examples/key-stores.yaml (a CloudHSM and an external key store, each created by Keyhold::KMS::CustomKeyStore and
 * connected by Keyhold::KMS::CustomKeyStoreConnection), renames one while connected, rotates the kmsuser password
 * (disconnect, update, reconnect), finds drift after an out-of-band disconnect, and deletes the stack: refused while
 * a key store holds a KMS key, done once the key's scheduled deletion has passed. The secrets come through NoEcho
 * parameters. Time is compressed: the emulator's transitions last minutes of emulated time (and the key's waiting
 * period 7 days), waited for in a fraction of real time.
 */
public final class Demo {
    public static final String STACK = "keyhold-demo";
    /** Emulated durations, closer to KMS's than the emulator's defaults (a CloudHSM connect: up to 20 minutes). */
    static final Duration HSM_CONNECT = Duration.ofMinutes(8);
    static final Duration XKS_CONNECT = Duration.ofMinutes(2);
    static final Duration DISCONNECT = Duration.ofMinutes(1);
    /** 200 times faster than real time: the connects' minutes pass in a few seconds. */
    public static final double DEFAULT_TIME_SCALE = 0.005;
    static final String TEMPLATE_PATH = "examples/key-stores.yaml";
    /** The template's default cluster, where the operator resets kmsuser's password. */
    static final String CLUSTER = "cluster-234567abcdefg";
    /** Demo secrets: put in the emulator's Secrets Manager, never printed (the demo's output is checked for them). */
    static final String PASSWORD = "kmsPswd1";
    static final String NEW_PASSWORD = "resetPw22";
    static final String XKS_SECRET = "s3cretXksProxyKeyThatIsLongEnough0123456789+/=";
    /** KMS's shortest waiting period before a key scheduled for deletion is deleted. */
    static final int KEY_WAITING_DAYS = 7;
    private static final String SEED = "{\"stores\": []}";
    static final String HELP = """
        Usage: keyhold demo [--time-scale <x>] [--state-dir <dir>]

        Runs the whole story against an in-process KMS + SSM emulator (never real AWS): deploys
        examples/key-stores.yaml (a CloudHSM and an external key store with their connections, secrets through
        Secrets Manager dynamic references), renames the external key store while connected (no disconnect),
        bumps the kmsuser password version (disconnect, update, reconnect), disconnects the external key store
        out of band and shows drift detection finding it, then deletes the stack: refused while the CloudHSM key
        store holds a KMS key, done once the key's scheduled deletion has passed.

        Options:
          --time-scale <x>   share of each wait that is waited for real, 0 to 1 (default 0.005: 200x faster)
          --state-dir <dir>  keep the demo's state folder here (default: a temporary folder, removed at the end)
          --help             print this text
        """;

    private Demo() {
    }

    /** The example template, as the build packages it in keyhold.jar for runs outside the repository. */
    static String packagedTemplate() {
        try (InputStream in = Demo.class.getResourceAsStream("/" + TEMPLATE_PATH)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATE_PATH + " is missing from keyhold.jar; rebuild with mvn package");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int run(final String[] argv, final PrintStream out, final PrintStream err, final Path workingDir,
                          final Sleeper sleeper, final Clock baseClock) {
        final List<Args.Option> options = List.of(
            Args.Option.value("--time-scale", "<x>", "share of each wait that is real"),
            Args.Option.value("--state-dir", "<dir>", "keep the state folder here"),
            Args.Option.flag("--help", "print this text"));
        final Args args;
        final double scale;
        try {
            args = Args.parse("demo", options, argv);
            scale = args.has("--time-scale") ? RunnerCli.timeScale(args.value("--time-scale")) : DEFAULT_TIME_SCALE;
        } catch (UsageException e) {
            err.println("keyhold demo: " + e.getMessage());
            err.println("Run 'keyhold demo --help' for the options.");
            return RunnerCli.USAGE;
        }
        if (args.has("--help")) {
            out.print(HELP);
            return RunnerCli.OK;
        }
        final Path stateDir;
        try {
            // Under the original temporary directory: the wrapper scrubs the private one it gets (guides/RELIABILITY.md).
            stateDir = args.has("--state-dir") ? Path.of(args.value("--state-dir"))
                : Files.createTempDirectory(HandlerHost.ORIGINAL_TMP, "keyhold-demo-");
        } catch (IOException e) {
            err.println("keyhold demo: cannot create a temporary state folder: " + e.getMessage());
            return RunnerCli.FAILED;
        }
        try {
            return demo(out, err, workingDir, stateDir, scale, sleeper, baseClock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("keyhold demo: interrupted");
            return RunnerCli.FAILED;
        } catch (RuntimeException e) {
            err.println("keyhold demo: failed: " + e.getMessage());
            return RunnerCli.FAILED;
        } finally {
            if (!args.has("--state-dir")) {
                deleteTree(stateDir);
            }
        }
    }

    private static int demo(final PrintStream out, final PrintStream err, final Path workingDir, final Path stateDir,
                            final double scale, final Sleeper sleeper, final Clock baseClock)
        throws InterruptedException {
        final long startedNanos = System.nanoTime();
        final Target.Options o = new Target.Options();
        o.stateDir = stateDir;
        o.timeScale = scale;
        o.sleeper = sleeper;
        o.baseClock = baseClock;
        o.region = "us-east-1";
        // Never real AWS, and never an endpoint from the environment: the demo runs its own emulator.
        o.env = Map.of();
        o.defaultSeed = SEED;
        o.emulatorSetup = b -> b.connectDuration(KeyStoreType.AWS_CLOUDHSM, HSM_CONNECT)
            .connectDuration(KeyStoreType.EXTERNAL_KEY_STORE, XKS_CONNECT).disconnectSeconds(DISCONNECT.toSeconds());
        final Path examples = workingDir.resolve(TEMPLATE_PATH);
        final boolean fromRepository = Files.isRegularFile(examples);
        final String template;
        try {
            template = fromRepository ? Files.readString(examples, StandardCharsets.UTF_8) : packagedTemplate();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + examples + ": " + e.getMessage(), e);
        }
        try (Target target = Target.open(o, err)) {
            final KmsEmulator emulator = target.emulator();
            final CompressedTime time = target.compressedTime();
            final Instant emulatedStart = time.instant();
            final StackRunner runner = new StackRunner(new StateStore(stateDir), target.providers(), target.time(),
                out, target.region(), target.accountId(), target.keyStores()).boundTo(StackTarget.aimedBy(false, o.env));
            out.println("Keyhold demo: " + TEMPLATE_PATH + (fromRepository ? "" : " (the copy packaged in keyhold.jar)")
                + " against an in-process KMS + SSM emulator (never real AWS).");
            out.println(time.note());
            out.println("In the emulator a CloudHSM connect takes " + minutes(HSM_CONNECT) + " (up to 20m in KMS), an "
                + "external key store connect " + minutes(XKS_CONNECT) + ", a disconnect " + minutes(DISCONNECT) + ".");
            out.println("The secrets come from Secrets Manager through dynamic references, as in AWS: the runner reads "
                + "them when it calls a handler, and never prints or stores them.");

            heading(out, "1. One stack, two types: each key store is created, then its connection connects it");
            out.println("  (the operator stores the secrets in the emulator's Secrets Manager first)");
            command(out, "aws secretsmanager create-secret --name payments/kmsuser "
                + "--secret-string file://kmsuser.json");
            emulator.putSecret("payments/kmsuser", "{\"password\": \"" + PASSWORD + "\"}");
            command(out, "aws secretsmanager create-secret --name xks/proxy --secret-string file://xks-proxy.json");
            emulator.putSecret("xks/proxy", "{\"secret\": \"" + XKS_SECRET + "\"}");
            command(out, "keyhold deploy --stack-name " + STACK + " --template-file " + TEMPLATE_PATH);
            out.println("  (KeyStorePassword: {{resolve:secretsmanager:payments/kmsuser:SecretString:password}})");
            if (!step(runner, "deploy", template, Map.of(), out, err)) {
                return RunnerCli.FAILED;
            }
            final StackState deployed = runner.requireStack(STACK);
            final String hsm = deployed.resources.get("HsmStore").physicalId;
            final String xks = deployed.resources.get("XksStore").physicalId;
            out.println("Key stores in the emulator:");
            printStores(emulator, out);

            heading(out, "2. Rename the external key store while it is connected: no disconnect");
            command(out, "keyhold create-change-set --stack-name " + STACK + " --change-set-name rename "
                + "--use-previous-template --parameter-overrides XksStoreName=payments-xks");
            if (!step(runner, "rename", null, Map.of("XksStoreName", "payments-xks"), out, err)) {
                return RunnerCli.FAILED;
            }

            heading(out, "3. Rotate the kmsuser password: disconnect, update, reconnect");
            out.println("  (the operator resets kmsuser's password in " + CLUSTER + " and puts it in the secret)");
            emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
            command(out, "aws secretsmanager put-secret-value --secret-id payments/kmsuser --secret-string "
                + "file://kmsuser.json");
            emulator.putSecret("payments/kmsuser", "{\"password\": \"" + NEW_PASSWORD + "\"}");
            command(out, "keyhold create-change-set --stack-name " + STACK + " --change-set-name rotate "
                + "--use-previous-template --parameter-overrides KmsUserPasswordVersion=2");
            if (!step(runner, "rotate", null, Map.of("KmsUserPasswordVersion", "2"), out, err)) {
                return RunnerCli.FAILED;
            }

            heading(out, "4. Someone disconnects the external key store out of band");
            out.println("  (DisconnectCustomKeyStore " + xks + ", by another caller, outside the stack)");
            emulator.outOfBandDisconnect(xks);
            time.advance(DISCONNECT.plusSeconds(1));
            printStores(emulator, out);
            command(out, "keyhold detect-stack-drift --stack-name " + STACK);
            RunnerCli.printDrift(runner.detectDrift(STACK), out);

            heading(out, "5. Delete the stack while the CloudHSM key store holds a KMS key: refused");
            final KmsClient kms = new EmulatorClients(emulator.endpoint(), SharedHttpClient.get(),
                ClientFactory.STANDARD_RETRIES).kms(target.region());
            final String keyId = kms.createKey(r -> r.customKeyStoreId(hsm).origin(OriginType.AWS_CLOUDHSM)
                .description("keyhold demo key")).keyMetadata().keyId();
            command(out, "aws kms create-key --custom-key-store-id " + hsm + " --origin AWS_CLOUDHSM   # " + keyId);
            command(out, "keyhold delete-stack --stack-name " + STACK);
            final StackState refused = runner.deleteStack(STACK);
            if (refused == null || !"DELETE_FAILED".equals(refused.status)) {
                err.println("keyhold demo: the delete was expected to be refused while " + hsm + " holds a key");
                return RunnerCli.FAILED;
            }
            RunnerCli.result(refused, out, out);

            heading(out, "6. Schedule the key's deletion, let its " + KEY_WAITING_DAYS + " days pass, delete again");
            command(out, "aws kms schedule-key-deletion --key-id " + keyId + " --pending-window-in-days "
                + KEY_WAITING_DAYS);
            kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(KEY_WAITING_DAYS));
            time.advance(Duration.ofDays(KEY_WAITING_DAYS).plusHours(1));
            out.println("  (" + KEY_WAITING_DAYS + " days later, in emulated time: KMS has deleted the key)");
            command(out, "keyhold delete-stack --stack-name " + STACK);
            final StackState deleted = runner.deleteStack(STACK);
            if (deleted != null && !"DELETE_COMPLETE".equals(deleted.status)) {
                return RunnerCli.result(deleted, out, err);
            }
            out.println("Successfully deleted stack - " + STACK);
            out.println("Key stores at the end:");
            printStores(emulator, out);
            out.println();
            out.printf("Demo finished in %.1f s of real time (%s of emulated time).%n",
                (System.nanoTime() - startedNanos) / 1e9,
                EventPrinter.elapsed(Duration.between(emulatedStart, time.instant())));
            out.println("Next: guides/RUNNER.md (every command), guides/EMULATOR.md (the emulator), keyhold --help.");
            return RunnerCli.OK;
        }
    }

    /** Creates a change set (null template: the stack's), prints it, executes it; false when it did not succeed. */
    private static boolean step(final StackRunner runner, final String name, final String template,
                                final Map<String, String> overrides, final PrintStream out, final PrintStream err)
        throws InterruptedException {
        final ChangeSet cs = runner.createChangeSet(STACK, name, template, template == null ? null : TEMPLATE_PATH,
            overrides);
        ChangeSets.print(cs, out);
        if (template == null) {
            command(out, "keyhold execute-change-set --stack-name " + STACK + " --change-set-name " + name);
        }
        return RunnerCli.result(runner.executeChangeSet(STACK, name), out, err) == RunnerCli.OK;
    }

    private static String minutes(final Duration d) {
        return d.toMinutes() + "m";
    }

    private static void heading(final PrintStream out, final String text) {
        out.println();
        out.println("== " + text);
    }

    private static void command(final PrintStream out, final String command) {
        out.println("$ " + command);
    }

    private static void printStores(final KmsEmulator emulator, final PrintStream out) {
        if (emulator.storeIds().isEmpty()) {
            out.println("  (none)");
        }
        for (String id : emulator.storeIds()) {
            out.println("  " + id + "  " + emulator.state(id));
        }
    }

    private static void deleteTree(final Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
