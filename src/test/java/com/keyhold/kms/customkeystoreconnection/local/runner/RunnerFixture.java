package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * An in-process emulator and a stack runner on a state folder, with time that moves only when the runner waits
 * (Sleeper.NONE on a fixed base clock): no test sleeps.
 */
final class RunnerFixture implements AutoCloseable {
    static final Clock FIXED = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final String TYPE = "Keyhold::KMS::CustomKeyStoreConnection";
    static final String HSM = "cks-1234567890abcdef0";
    static final String XKS = "cks-0fedcba0987654321";
    static final String SPARE = "cks-00000000000000abc";
    /** Three stores, all DISCONNECTED. */
    static final String SEED = """
        {"stores": [
          {"id": "cks-1234567890abcdef0", "name": "hsm", "type": "AWS_CLOUDHSM", "state": "DISCONNECTED"},
          {"id": "cks-0fedcba0987654321", "name": "xks", "type": "EXTERNAL_KEY_STORE", "state": "DISCONNECTED",
           "xksProxy": {"uriEndpoint": "https://xks.example.com", "uriPath": "/kms/xks/v1",
                        "connectivity": "PUBLIC_ENDPOINT"}},
          {"id": "cks-00000000000000abc", "name": "spare", "type": "AWS_CLOUDHSM", "state": "DISCONNECTED"}
        ]}
        """;

    final Path stateDir;
    final Target target;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    StackRunner runner;

    RunnerFixture(final Path stateDir) {
        this(stateDir, b -> {
        });
    }

    RunnerFixture(final Path stateDir, final java.util.function.Consumer<KmsEmulator.Builder> emulatorSetup) {
        this(stateDir, SEED, emulatorSetup);
    }

    /** With its own key stores (the seed-file format of docs/EMULATOR.md). */
    RunnerFixture(final Path stateDir, final String seed,
                  final java.util.function.Consumer<KmsEmulator.Builder> emulatorSetup) {
        this.stateDir = stateDir;
        final Target.Options o = options(stateDir);
        o.defaultSeed = seed;
        o.emulatorSetup = emulatorSetup;
        this.target = Target.open(o, new PrintStream(err, true, StandardCharsets.UTF_8));
        this.runner = runner(target.providers());
    }

    static Target.Options options(final Path stateDir) {
        final Target.Options o = new Target.Options();
        o.stateDir = stateDir;
        o.env = Map.of();
        o.sleeper = Sleeper.NONE;
        o.baseClock = FIXED;
        o.defaultSeed = SEED;
        o.timeScale = 0.0;
        return o;
    }

    StackRunner runner(final ProviderRegistry providers) {
        return new StackRunner(new StateStore(stateDir), providers, target.time(), outStream, "us-east-1",
            "111122223333", target.keyStores());
    }

    KmsEmulator emulator() {
        return target.emulator();
    }

    String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    StackState deploy(final String stack, final String template, final Map<String, String> overrides)
        throws InterruptedException {
        final String name = "cs" + System.nanoTime();
        final ChangeSet cs = runner.createChangeSet(stack, name, template, "test.yaml", overrides);
        return runner.executeChangeSet(stack, cs.changeSetName);
    }

    @Override
    public void close() {
        target.close();
    }

    /** Two key stores with parameters for their states, one depending on the other. */
    static final String TWO_STORES = """
        Parameters:
          HsmState: {Type: String, Default: CONNECTED, AllowedValues: [CONNECTED, DISCONNECTED]}
          XksState: {Type: String, Default: CONNECTED, AllowedValues: [CONNECTED, DISCONNECTED]}
        Resources:
          Hsm:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: cks-1234567890abcdef0
              ConnectionState: !Ref HsmState
          Xks:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            DependsOn: Hsm
            Properties:
              CustomKeyStoreId: cks-0fedcba0987654321
              ConnectionState: !Ref XksState
        Outputs:
          HsmName:
            Value: !GetAtt Hsm.CustomKeyStoreName
        """;

    /**
     * Fails the {@code crashAfter}-th in-progress callback, as if the process died right after saving it (or, with
     * {@code beforeSaving}, right before: the handler's work of that invocation is done, the runner never learns it).
     */
    static final class CrashingProvider implements ResourceProvider {
        private final ResourceProvider delegate;
        private final int crashAfter;
        private final boolean beforeSaving;
        private int seen;

        CrashingProvider(final ResourceProvider delegate, final int crashAfter) {
            this(delegate, crashAfter, false);
        }

        CrashingProvider(final ResourceProvider delegate, final int crashAfter, final boolean beforeSaving) {
            this.delegate = delegate;
            this.crashAfter = crashAfter;
            this.beforeSaving = beforeSaving;
        }

        @Override
        public ResourceSchema schema() {
            return delegate.schema();
        }

        @Override
        public ProviderResult run(final ProviderCall call, final ProgressListener listener)
            throws InterruptedException {
            return delegate.run(call, (c, message) -> {
                final boolean crash = ++seen == crashAfter;
                if (crash && beforeSaving) {
                    throw new SimulatedCrash();
                }
                listener.inProgress(c, message);
                if (crash) {
                    throw new SimulatedCrash();
                }
            });
        }
    }

    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash");
        }
    }
}
