package com.keyhold.kms.customkeystoreconnection.local.runner;

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

/**
 * {@code keyhold demo}: the whole loop on one machine in under a minute. Starts the emulator with a CloudHSM and an
 * external key store, deploys examples/maintenance-window.yaml, flips the CloudHSM key store to DISCONNECTED through
 * a change set, disconnects the other out of band and lets drift detection find it, and deletes the stack. Time is
 * compressed: the emulator's transitions last minutes of emulated time, waited for in a fraction of real time.
 */
public final class Demo {
    public static final String STACK = "keyhold-demo";
    public static final String HSM = "cks-1234567890abcdef0";
    public static final String XKS = "cks-0fedcba0987654321";
    /** Emulated durations, closer to KMS's than the emulator's defaults (a CloudHSM connect: up to 20 minutes). */
    static final Duration HSM_CONNECT = Duration.ofMinutes(8);
    static final Duration XKS_CONNECT = Duration.ofMinutes(2);
    static final Duration DISCONNECT = Duration.ofMinutes(1);
    /** 200 times faster than real time: about 13 emulated minutes pass in a few seconds. */
    public static final double DEFAULT_TIME_SCALE = 0.005;
    static final String TEMPLATE_PATH = "examples/maintenance-window.yaml";
    private static final String SEED = """
        {"stores": [
          {"id": "cks-1234567890abcdef0", "name": "demo-hsm", "type": "AWS_CLOUDHSM", "state": "DISCONNECTED",
           "cloudHsmClusterId": "cluster-234567abcdefg"},
          {"id": "cks-0fedcba0987654321", "name": "demo-xks", "type": "EXTERNAL_KEY_STORE", "state": "DISCONNECTED",
           "xksProxy": {"uriEndpoint": "https://xks.example.com", "uriPath": "/kms/xks/v1",
                        "connectivity": "PUBLIC_ENDPOINT"}}
        ]}
        """;
    static final String HELP = """
        Usage: keyhold demo [--time-scale <x>] [--state-dir <dir>]

        Runs the whole loop against an in-process KMS + SSM emulator (never real AWS): starts it with a CloudHSM
        and an external key store (both DISCONNECTED), deploys examples/maintenance-window.yaml (both CONNECTED),
        creates and executes a change set that disconnects the CloudHSM key store, disconnects the external key
        store out of band and shows drift detection finding it, then deletes the stack.

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
            // Under the original temporary directory: the wrapper scrubs the private one it gets (SPEC section 8).
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
                out, target.region(), target.accountId(), target.keyStores());
            out.println("Keyhold demo: " + TEMPLATE_PATH + (fromRepository ? "" : " (the copy packaged in keyhold.jar)")
                + " against an in-process KMS + SSM emulator (never real AWS).");
            out.println(time.note());
            out.println("In the emulator a CloudHSM connect takes " + minutes(HSM_CONNECT) + " (up to 20m in KMS), an "
                + "external key store connect " + minutes(XKS_CONNECT) + ", a disconnect " + minutes(DISCONNECT) + ".");
            out.println("Key stores at the start:");
            printStores(emulator, out);

            heading(out, "1. Deploy the stack: both key stores CONNECTED, at the same time (as CloudFormation runs "
                + "independent resources)");
            command(out, "keyhold deploy --stack-name " + STACK + " --template-file " + TEMPLATE_PATH);
            ChangeSet cs = runner.createChangeSet(STACK, "deploy", template, TEMPLATE_PATH, Map.of());
            ChangeSets.print(cs, out);
            if (RunnerCli.result(runner.executeChangeSet(STACK, "deploy"), out, err) != RunnerCli.OK) {
                return RunnerCli.FAILED;
            }

            heading(out, "2. Maintenance window: a change set disconnects the CloudHSM key store");
            command(out, "keyhold create-change-set --stack-name " + STACK + " --change-set-name maintenance "
                + "--use-previous-template --parameter-overrides HsmKeyStoreState=DISCONNECTED");
            cs = runner.createChangeSet(STACK, "maintenance", null, null, Map.of("HsmKeyStoreState", "DISCONNECTED"));
            ChangeSets.print(cs, out);
            command(out, "keyhold execute-change-set --stack-name " + STACK + " --change-set-name maintenance");
            if (RunnerCli.result(runner.executeChangeSet(STACK, "maintenance"), out, err) != RunnerCli.OK) {
                return RunnerCli.FAILED;
            }

            heading(out, "3. Someone disconnects the external key store out of band");
            out.println("  (DisconnectCustomKeyStore " + XKS + ", by another caller, outside the stack)");
            emulator.outOfBandDisconnect(XKS);
            time.advance(DISCONNECT.plusSeconds(1));
            printStores(emulator, out);
            command(out, "keyhold detect-stack-drift --stack-name " + STACK);
            RunnerCli.printDrift(runner.detectDrift(STACK), out);

            heading(out, "4. Clean up: delete the stack (ConnectionStateOnDelete UNCHANGED leaves the key stores as "
                + "they are)");
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
