package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.HandlerConfig;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StateLock;
import com.keyhold.kms.customkeystoreconnection.aws.AwsInvoker;
import com.keyhold.kms.customkeystoreconnection.aws.KmsKeyStores;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Where the handlers' calls go, and with what time:
 * <ul>
 * <li>default (no AWS_ENDPOINT_URL_KMS, no --aws): an emulator started in this process, its key stores kept in
 * {@code <state-dir>/emulator/state.json}, sharing a compressed clock with the runner;</li>
 * <li>AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM set: that endpoint (e.g. {@code keyhold emulator}), real time;</li>
 * <li>--aws: real AWS with the default credential chain, real time.</li>
 * </ul>
 */
public final class Target implements AutoCloseable {
    static final String EMULATOR_ACCESS_KEY = "AKIAKEYHOLDEMULATOR1";
    static final String EMULATOR_SECRET_KEY = "keyhold-emulator-secret";
    static final String EMULATOR_SESSION_TOKEN = "keyhold-emulator-session";
    /** The emulator's account (its SSM ARNs use it). */
    static final String EMULATOR_ACCOUNT = "111122223333";
    /** Default time scale against the in-process emulator: a tenth of the waiting is real. */
    public static final double DEFAULT_TIME_SCALE = 0.1;
    /**
     * Stores the in-process emulator starts with when there is neither a seed nor a saved state: the examples', and
     * the Secrets Manager secrets their dynamic references read (test values, never real ones). Their cluster and
     * proxy are not those key-stores.yaml creates by default: KMS gives each key store its own cluster and proxy
     * address, so the demo's template deploys on a fresh state folder.
     */
    static final String DEFAULT_SEED = """
        {"stores": [
          {"id": "cks-1234567890abcdef0", "name": "example-hsm", "type": "AWS_CLOUDHSM", "state": "DISCONNECTED",
           "cloudHsmClusterId": "cluster-exampleseeded"},
          {"id": "cks-0fedcba0987654321", "name": "example-xks", "type": "EXTERNAL_KEY_STORE", "state": "DISCONNECTED",
           "xksProxy": {"uriEndpoint": "https://xks-seeded.example.com", "uriPath": "/kms/xks/v1",
                        "connectivity": "PUBLIC_ENDPOINT"}}
        ],
         "secrets": [
          {"name": "payments/kmsuser", "secretString": "{\\"password\\": \\"examplePw1\\"}"},
          {"name": "xks/proxy", "secretString": "{\\"secret\\": \\"exampleXksProxySecretAccessKey0123456789+/=\\"}"}
         ]}
        """;

    private static final java.util.regex.Pattern REGION = java.util.regex.Pattern.compile(
        "[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

    /** What the command line (or a test, or the demo) decided. */
    public static final class Options {
        public Path stateDir = Path.of(".keyhold");
        public boolean aws;
        public Path emulatorSeed;
        public Double timeScale;
        public String region;
        public boolean debug;
        public Map<String, String> env = System.getenv();
        /** Real waiting; tests pass {@link Sleeper#NONE}. */
        public Sleeper sleeper = Sleeper.REAL;
        /** The base of the in-process emulator's clock; tests pass a fixed one. */
        public Clock baseClock = Clock.systemUTC();
        /** Extra emulator settings (the demo's durations). */
        public Consumer<KmsEmulator.Builder> emulatorSetup = b -> {
        };
        /** Seed used when there is neither --emulator-seed nor a saved emulator state. */
        public String defaultSeed = DEFAULT_SEED;
    }

    private final ProviderRegistry providers;
    private final Turns time;
    private final KeyStoreStates keyStores;
    private final String region;
    private final String accountId;
    private final KmsEmulator emulator;
    private final String description;
    private final PrintStream handlerLog;

    private Target(final ProviderRegistry providers, final Turns time, final KeyStoreStates keyStores,
                   final String region,
                   final String accountId, final KmsEmulator emulator, final String description,
                   final PrintStream handlerLog) {
        this.providers = providers;
        this.time = time;
        this.keyStores = keyStores;
        this.region = region;
        this.accountId = accountId;
        this.emulator = emulator;
        this.description = description;
        this.handlerLog = handlerLog;
    }

    /** The types a template may use, for checking a template without connecting anywhere. */
    public static ProviderRegistry offlineRegistry() {
        final ProviderRegistry registry = new ProviderRegistry();
        for (ResourceSchema schema : List.of(ResourceSchema.keyhold(), ResourceSchema.keyStore())) {
            registry.register(schema.typeName(), offline(schema));
        }
        return registry.customResources(offline(null));
    }

    private static ResourceProvider offline(final ResourceSchema schema) {
        return new ResourceProvider() {
            @Override
            public ResourceSchema schema() {
                return schema;
            }

            @Override
            public ProviderResult run(final ProviderCall call, final ProgressListener listener) {
                throw new IllegalStateException("offline registry");
            }
        };
    }

    public static Target open(final Options o, final PrintStream err) {
        final String kmsEndpoint = o.env.get("AWS_ENDPOINT_URL_KMS");
        final String ssmEndpoint = o.env.get("AWS_ENDPOINT_URL_SSM");
        if (o.aws && (kmsEndpoint != null || ssmEndpoint != null)) {
            throw new UsageException("--aws talks to real AWS, but AWS_ENDPOINT_URL_KMS or AWS_ENDPOINT_URL_SSM is "
                + "set (the SDK would use it): unset them, or drop --aws to use that endpoint");
        }
        if ((kmsEndpoint == null) != (ssmEndpoint == null)) {
            throw new UsageException("AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM go together (the ownership "
                + "records live in SSM): set both to the emulator's URL, or neither to use the in-process emulator");
        }
        final boolean inProcess = !o.aws && kmsEndpoint == null;
        if (!inProcess && (o.emulatorSeed != null || o.timeScale != null)) {
            throw new UsageException("--emulator-seed and --time-scale apply only to the in-process emulator (used "
                + "when neither --aws nor AWS_ENDPOINT_URL_KMS is given)");
        }
        final String regionSource = o.region != null ? "--region" : o.env.containsKey("AWS_REGION") ? "AWS_REGION"
            : "AWS_DEFAULT_REGION";
        String region = o.region != null ? o.region : o.env.getOrDefault("AWS_REGION", o.env.get("AWS_DEFAULT_REGION"));
        if (region != null) {
            checkRegion(region, regionSource);
        } else {
            if (o.aws) {
                throw new UsageException("--aws needs a Region: give --region (e.g. --region us-east-1) or set "
                    + "AWS_REGION");
            }
            region = "us-east-1";
        }
        final PrintStream log = o.debug ? err : handlerLog(o.stateDir);
        final ResourceSchema schema = ResourceSchema.keyhold();
        if (!inProcess) {
            final Supplier<AwsCredentials> credentials = credentials(o.aws);
            final Turns time = new Turns(Timekeeper.real());
            final HandlerConfig config = HandlerConfig.defaults();
            final String account = o.env.getOrDefault("AWS_ACCOUNT_ID", o.aws ? "000000000000" : EMULATOR_ACCOUNT);
            final ProviderRegistry providers = registry(schema, config, time, log, region, account, credentials);
            final String ssmUrl = o.env.get("AWS_ENDPOINT_URL_SSM");
            // The keyhold emulator serves every service at one URL; another Secrets Manager has its own variable.
            final String secretsUrl = o.env.getOrDefault("AWS_ENDPOINT_URL_SECRETS_MANAGER", ssmUrl);
            providers.references(ReferenceSource.of(ssmUrl == null ? null : URI.create(ssmUrl),
                secretsUrl == null ? null : URI.create(secretsUrl), region, credentials, o.aws ? "real AWS in "
                + region : "the endpoint " + ssmUrl));
            final String describeRegion = region;
            // Through the adapter, which looks a key store up by its id only (never the account's first one).
            final KeyStoreStates keyStores = new KeyStoreStates(id -> new KmsKeyStores(
                () -> config.clients().kms(describeRegion), AwsInvoker.DIRECT).describe(id).rawState());
            return new Target(providers, time, keyStores, region, account, null, o.aws
                ? "real AWS in " + region + " (default credential chain)"
                : "the endpoint " + kmsEndpoint + " (AWS_ENDPOINT_URL_KMS) in " + region, log);
        }
        final Path emulatorDir = o.stateDir.resolve("emulator");
        final Path stateFile = emulatorDir.resolve("state.json");
        final Path clockFile = emulatorDir.resolve("clock.json");
        final double scale = o.timeScale != null ? o.timeScale : DEFAULT_TIME_SCALE;
        final Path clockLock = emulatorDir.resolve("clock.json.lock");
        final CompressedTime compressed = new CompressedTime(o.baseClock, readOffset(clockFile), scale, o.sleeper,
            offset -> {
                // Another keyhold process on this state folder may be further on: keep the larger offset.
                try (StateLock.Held ignored = StateLock.acquire(clockLock)) {
                    final long shared = Math.max(offset, readOffset(clockFile));
                    Json.writeAtomically(clockFile, Map.of("offsetMillis", shared));
                    return shared;
                }
            });
        // Resource operations that run at the same time take turns on the one compressed clock.
        final Turns time = new Turns(compressed);
        final KmsEmulator.Builder builder = KmsEmulator.builder().clock(compressed).stateFile(stateFile);
        o.emulatorSetup.accept(builder);
        if (Files.exists(stateFile)) {
            if (o.emulatorSeed != null) {
                err.println("keyhold: note: " + stateFile + " exists, so --emulator-seed is ignored (delete that file "
                    + "to start the emulator from the seed)");
            }
        } else if (o.emulatorSeed != null) {
            if (!Files.isRegularFile(o.emulatorSeed)) {
                throw new UsageException("--emulator-seed file '" + o.emulatorSeed + "' does not exist or is not a file");
            }
            builder.seedFile(o.emulatorSeed);
        } else {
            builder.seed(o.defaultSeed);
        }
        final KmsEmulator emulator;
        try {
            emulator = builder.build().start();
        } catch (IllegalArgumentException e) {
            throw new UsageException("the emulator cannot start from " + (o.emulatorSeed != null ? o.emulatorSeed
                : stateFile) + ": " + e.getMessage());
        }
        // The handlers ask it whether a record's stack still holds a key store, about this folder's stacks.
        emulator.stacks(new LocalStacks(new StateStore(o.stateDir)));
        final HandlerConfig config = new HandlerConfig(compressed, new EmulatorClients(emulator.endpoint(),
            SharedHttpClient.get(), ClientFactory.STANDARD_RETRIES), PollSchedule.DEFAULT, RetryPolicy.DEFAULT);
        final Supplier<AwsCredentials> credentials = () -> AwsBasicCredentials.create(EMULATOR_ACCESS_KEY,
            EMULATOR_SECRET_KEY);
        final ProviderRegistry providers = registry(schema, config, time, log, region, EMULATOR_ACCOUNT,
            credentials).references(ReferenceSource.of(emulator.endpoint(), emulator.endpoint(), region, credentials,
            "the in-process emulator"));
        final KeyStoreStates keyStores = new KeyStoreStates(id -> emulator.storeIds().contains(id)
            ? emulator.describedState(id).name() : null);
        return new Target(providers, time, keyStores, region, EMULATOR_ACCOUNT, emulator, "the in-process emulator ("
            + emulator.storeIds().size() + " key stores, state in " + stateFile + ")", log);
    }

    /**
     * The runner's clock for commands that start no target (create-change-set, describe-*), so that their events
     * (REVIEW_IN_PROGRESS) are on the same clock as the others: the in-process emulator's emulated time, read from
     * its clock.json without moving it, or real time.
     */
    public static Timekeeper offlineTime(final Options o) {
        if (o.aws || o.env.get("AWS_ENDPOINT_URL_KMS") != null) {
            return Timekeeper.real();
        }
        final long offset = readOffset(o.stateDir.resolve("emulator").resolve("clock.json"));
        return new CompressedTime(o.baseClock, offset, 0, Sleeper.NONE, shared -> shared);
    }

    /** An AWS Region code (us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ...), or a usage error. */
    public static String checkRegion(final String region, final String source) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new UsageException(source + " '" + region + "' is not an AWS Region code: use one such as "
                + "us-east-1, eu-west-2 or ap-southeast-1 (lowercase, as 'aws ec2 describe-regions' lists them)");
        }
        return region;
    }

    private static ProviderRegistry registry(final ResourceSchema schema, final HandlerConfig config,
                                             final Timekeeper time, final PrintStream log, final String region,
                                             final String account, final Supplier<AwsCredentials> credentials) {
        // What the handlers log goes to the state folder's handler.log (or stderr with --debug), never into events.
        // The registry handlers call back long before Lambda's 15 minutes.
        final Clock clock = Clock.systemUTC();
        final LocalLambdaContext context = new LocalLambdaContext("keyhold-local-runner", null, clock,
            clock.instant().plus(Duration.ofDays(1)), line -> {
                synchronized (log) {
                    log.println(line);
                    log.flush();
                }
            });
        // One provider class for both types; each plays CloudFormation for its own type's wrapper.
        final ResourceSchema keyStoreSchema = ResourceSchema.keyStore();
        final com.keyhold.kms.customkeystore.HandlerConfig keyStoreConfig =
            new com.keyhold.kms.customkeystore.HandlerConfig(config.clock(), config.clients(), PollSchedule.DEFAULT,
                RetryPolicy.DEFAULT);
        return new ProviderRegistry()
            .register(keyStoreSchema.typeName(), new KeyholdProvider(keyStoreSchema,
                new com.keyhold.kms.customkeystore.HandlerWrapper(keyStoreConfig, HandlerHost.guard()), time, context,
                region, account, credentials))
            .register(schema.typeName(),
                new KeyholdProvider(schema, config, time, context, region, account, credentials))
            .customResources(new CustomResourceProvider(config.clients(), time, log, region, account));
    }

    private static Supplier<AwsCredentials> credentials(final boolean required) {
        final DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        try {
            chain.resolveCredentials();
        } catch (RuntimeException e) {
            if (required) {
                throw new UsageException("--aws: no AWS credentials found by the default credential chain ("
                    + e.getMessage() + "). Configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY) and try again");
            }
            // An emulator accepts any well-formed signature unless it verifies a key pair.
            return () -> AwsBasicCredentials.create(EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY);
        }
        if (required && !(chain.resolveCredentials() instanceof AwsSessionCredentials)) {
            // The plugin's proxy signs every call with session credentials, as CloudFormation's always are.
            throw new UsageException("--aws needs temporary (session) credentials, as CloudFormation passes to "
                + "handlers; the default credential chain found long-term keys. Use an SSO or assume-role profile "
                + "(AWS_PROFILE), or export the output of 'aws sts get-session-token'");
        }
        return chain::resolveCredentials;
    }

    private static long readOffset(final Path clockFile) {
        if (!Files.exists(clockFile)) {
            return 0;
        }
        final JsonNode node = Json.read(clockFile, JsonNode.class);
        return Math.max(0, node.path("offsetMillis").asLong(0));
    }

    private static PrintStream handlerLog(final Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            return new PrintStream(new FileOutputStream(stateDir.resolve("handler.log").toFile(), true), true,
                StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateDir.resolve("handler.log") + ": " + e.getMessage(), e);
        }
    }

    public ProviderRegistry providers() {
        return providers;
    }

    /** The time the handlers and the runner share (resource operations take turns on it). */
    public Timekeeper time() {
        return time;
    }

    /** The in-process emulator's compressed clock, or null against a real endpoint. */
    public CompressedTime compressedTime() {
        return time.base() instanceof CompressedTime c ? c : null;
    }

    /** Reads key store states directly, for reports after a rollback. */
    public KeyStoreStates keyStores() {
        return keyStores;
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    /** The in-process emulator, or null. */
    public KmsEmulator emulator() {
        return emulator;
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (emulator != null) {
            emulator.close();
        }
        if (handlerLog != System.err && handlerLog != System.out) {
            handlerLog.flush();
        }
    }
}
