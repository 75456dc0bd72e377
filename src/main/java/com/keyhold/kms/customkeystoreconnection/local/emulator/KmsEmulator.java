package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A local AWS KMS + SSM endpoint for the operations Keyhold uses, speaking AWS JSON 1.1 on 127.0.0.1 so that
 * the AWS SDKs and the AWS CLI talk to it as to the service (point them at it with {@code AWS_ENDPOINT_URL_KMS}
 * and {@code AWS_ENDPOINT_URL_SSM}, or {@code endpointOverride(emu.endpoint())}).
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();
 * try (KmsEmulator emu = KmsEmulator.builder().clock(clock).build().start()) {
 *     String id = emu.seedStore(StoreSpec.cloudHsm("hsm").state(ConnectionState.DISCONNECTED));
 *     emu.faults().failNextConnect(id, "INVALID_CREDENTIALS");
 *     ... KmsClient.builder().endpointOverride(emu.endpoint()) ...
 *     clock.advance(Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class KmsEmulator implements AutoCloseable {
    private static final Pattern STORE_ID = Pattern.compile("cks-[a-zA-Z0-9]+");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static {
        // The JDK server writes headers and body separately; with Nagle on, every answer waits ~40 ms for the
        // client's delayed ACK. Read once, when the JDK's server configuration first loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Guards the server's lifecycle. */
    private final Object lock = new Object();
    /** The Region in the ARN of a secret put without a request (seed, {@link #putSecret}). */
    private static final String SEED_REGION = "us-east-1";
    /** Guards the state (with the state file's lock when there is one, see {@link #hold()}). */
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Clock clock;
    private final Faults faults;
    private final RequestLog log = new RequestLog();
    private final KmsService kms;
    private final SsmService ssm;
    private final SecretsManagerService secretsManager;
    private final SigV4Verifier verifier;
    private final Path stateFile;
    private final Path lockFile;
    /** The state file's bytes as this emulator last wrote or read them: anything else is another process's. */
    private byte[] lastSeen;
    private boolean loading;
    private final int requestedPort;
    private final InetAddress bindAddress;
    private HttpServer server;
    private ExecutorService executor;
    private volatile CloudFormationService.Stacks stacks;

    private KmsEmulator(Builder b) {
        this.clock = b.clock;
        this.faults = new Faults(clock, b.randomSeed, b.quotaThrottling);
        if (b.describeLag != null) {
            faults.describeLag(b.describeLag);
        }
        Random random = new Random(b.randomSeed);
        this.kms = new KmsService(clock, b.timing, faults, random, new KeyStoreBackends(random), b.accountId);
        this.ssm = new SsmService(clock, b.accountId);
        // Its own random source: secret ARN suffixes do not shift the ids the KMS side draws.
        this.secretsManager = new SecretsManagerService(clock, b.accountId, new Random(b.randomSeed + 1));
        this.verifier = new SigV4Verifier(b.accessKey, b.secretKey);
        this.stateFile = b.stateFile;
        this.requestedPort = b.port;
        this.bindAddress = b.bindAddress;
        this.lockFile = stateFile == null ? null : stateFile.resolveSibling(stateFile.getFileName() + ".lock");
        // A state file that exists is the continuation of an earlier run (or another process's) and wins over the
        // seed; deciding that under the lock means two processes starting together seed it only once.
        try (StateLock.Held ignored = hold()) {
            if (lastSeen == null) {
                if (b.seedFile != null) {
                    StateFile.load(StateFile.read(b.seedFile), b.seedFile.toString(), this);
                }
                if (b.seedJson != null) {
                    StateFile.load(b.seedJson, "seed", this);
                }
            }
            persist();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------

    /** Starts listening on the bind address (default 127.0.0.1; port 0 picks a free one). Returns this, for chaining. */
    public KmsEmulator start() {
        synchronized (lock) {
            if (server != null) {
                throw new IllegalStateException("the emulator is already running on " + endpoint());
            }
            try {
                server = HttpServer.create(new InetSocketAddress(bindAddress, requestedPort), 50);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + bindAddress.getHostAddress() + ":" + requestedPort
                        + " (is the port in use? use 0 for any free port; is the address one of this machine's?)", e);
            }
            executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "keyhold-emulator-http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.createContext("/", new AwsJsonEndpoint(this::hold, new AwsJsonEndpoint.Backend() {
                @Override
                public ObjectNode kms(String operation, JsonNode body, String region) {
                    return kms.handle(operation, body, region);
                }

                @Override
                public ObjectNode ssm(String operation, JsonNode body, String region) {
                    return ssm.handle(operation, body, region);
                }

                @Override
                public ObjectNode cloudHsm(String operation, JsonNode body, String region) {
                    return backends().describeClusters(body);
                }

                @Override
                public ObjectNode secretsManager(String operation, JsonNode body, String region) {
                    return secretsManager.handle(operation, body, region);
                }

                @Override
                public void changed() {
                    persist();
                }
            }, verifier, faults, log, clock, () -> stacks));
            server.start();
            return this;
        }
    }

    /**
     * Serves CloudFormation's DescribeStackResources for these stacks (the local runner's), so that the handlers can
     * tell whether a record's stack still holds a key store; null serves none.
     */
    public KmsEmulator stacks(CloudFormationService.Stacks stacks) {
        this.stacks = stacks;
        return this;
    }

    /** Stops listening; the state (and the state file) stay as they are. */
    public void stop() {
        synchronized (lock) {
            if (server != null) {
                server.stop(0);
                executor.shutdownNow();
                server = null;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * {@code http://<bind address>:<port>}: the endpoint for both KMS and SSM. Bound to every address (0.0.0.0 or
     * ::), it names 127.0.0.1, which reaches it from this machine.
     */
    public URI endpoint() {
        String host = bindAddress.isAnyLocalAddress() ? "127.0.0.1" : bindAddress.getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    /** The address it listens on (127.0.0.1 unless the builder said otherwise). */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    public int port() {
        synchronized (lock) {
            if (server == null) {
                throw new IllegalStateException("the emulator is not running; call start() first");
            }
            return server.getAddress().getPort();
        }
    }

    public Clock clock() {
        return clock;
    }

    public Faults faults() {
        return faults;
    }

    /** The CloudHSM clusters and XKS proxies behind the key stores: declare their faults here. */
    public KeyStoreBackends backends() {
        return kms.backends();
    }

    /**
     * The operator resets kmsuser's password in a CloudHSM cluster (CloudHSM's own tools, outside KMS): KMS's copy
     * no longer matches until UpdateCustomKeyStore sends the new one. Saved to the state file at once, so that a
     * running emulator on the same file (or the runner's next command) sees it.
     */
    public void resetKmsuserPassword(String clusterId, String password) {
        try (StateLock.Held ignored = hold()) {
            kms.backends().resetKmsuserPassword(clusterId, password);
            persist();
        }
    }

    public RequestLog requestLog() {
        return log;
    }

    /** Requests received for an operation (e.g. {@code "DescribeCustomKeyStores"}), whatever their outcome. */
    public long requestCount(String operation) {
        return log.count(operation);
    }

    /** Whether SigV4 signatures are verified (an access key and secret key were configured). */
    public boolean verifiesSignatures() {
        return verifier.verifiesSignatures();
    }

    // ---- key stores --------------------------------------------------------------------------------------

    /** Puts a key store straight in (no CreateCustomKeyStore call) and returns its id. */
    public String seedStore(StoreSpec spec) {
        return restoreStore(spec, List.of(), "seedStore");
    }

    String restoreStore(StoreSpec spec, List<CustomKeyStore.StateChange> timeline, String where) {
        try (StateLock.Held ignored = hold()) {
            if (spec.id != null && (spec.id.length() > 64 || !STORE_ID.matcher(spec.id).matches())) {
                throw new IllegalArgumentException(where + ": id '" + spec.id + "' is not a custom key store id; "
                        + "use cks- followed by letters and digits (KMS uses 17 hex digits), at most 64 characters");
            }
            if (kms.size() >= KmsService.MAX_STORES) {
                throw new IllegalArgumentException(where + ": the emulator already holds " + KmsService.MAX_STORES
                        + " custom key stores, the most KMS allows per account and Region");
            }
            if (kms.nameInUse(spec.name)) {
                throw new IllegalArgumentException(where + ": the name '" + spec.name + "' is already used; "
                        + "custom key store names are unique");
            }
            CustomKeyStore s = kms.newStore(spec.id, spec.type, spec.name,
                    spec.creationDate == null ? clock.instant() : spec.creationDate);
            if (spec.type == KeyStoreType.AWS_CLOUDHSM) {
                s.cloudHsmClusterId = spec.cloudHsmClusterId;
                s.trustAnchorCertificate = spec.trustAnchorCertificate;
            } else {
                s.xksUriEndpoint = spec.xksUriEndpoint;
                s.xksUriPath = spec.xksUriPath;
                s.xksConnectivity = spec.xksConnectivity;
                s.xksVpcEndpointServiceName = spec.xksVpcEndpointServiceName;
                s.xksVpcEndpointServiceOwner = spec.xksVpcEndpointServiceOwner;
                s.xksAccessKeyId = spec.xksAccessKeyId;
            }
            s.kmsPasswordFingerprint = Secrets.fingerprint(spec.keyStorePassword);
            if (spec.kmsPasswordFingerprint != null) {
                s.kmsPasswordFingerprint = spec.kmsPasswordFingerprint;
            }
            s.xksSecretFingerprint = spec.xksSecretFingerprint;
            if (spec.keyCount > 0) {
                kms.keys().setCount(s, spec.keyCount);
            }
            spec.failNextConnect.forEach(code -> faults.failNextConnect(s.id, code));
            if (spec.describeLag != null) {
                faults.describeLag(s.id, spec.describeLag);
            }
            if (timeline.isEmpty()) {
                kms.enter(s, spec.state, spec.connectionErrorCode, clock.instant());
            } else {
                s.schedule(clock.instant(), timeline);
            }
            persist();
            return s.id;
        }
    }

    /** The key store's true connection state now (what a describe shows once any lag has passed). */
    public ConnectionState state(String customKeyStoreId) {
        try (StateLock.Held ignored = hold()) {
            return store(customKeyStoreId).state(clock.instant());
        }
    }

    /** What DescribeCustomKeyStores shows now, describe lag included. */
    public ConnectionState describedState(String customKeyStoreId) {
        try (StateLock.Held ignored = hold()) {
            CustomKeyStore s = store(customKeyStoreId);
            return ConnectionState.valueOf(kms.entry(s).get("ConnectionState").asText());
        }
    }

    /** The true ConnectionErrorCode now: present only in FAILED. */
    public Optional<String> connectionErrorCode(String customKeyStoreId) {
        try (StateLock.Held ignored = hold()) {
            return Optional.ofNullable(store(customKeyStoreId).current(clock.instant()).errorCode());
        }
    }

    public List<String> storeIds() {
        try (StateLock.Held ignored = hold()) {
            return kms.stores().stream().map(s -> s.id).toList();
        }
    }

    /** Connect as another caller would: same rules (IllegalStateException where KMS would refuse). */
    public void outOfBandConnect(String customKeyStoreId) {
        outOfBand(customKeyStoreId, true);
    }

    /** Disconnect as another caller would: same rules (IllegalStateException where KMS would refuse). */
    public void outOfBandDisconnect(String customKeyStoreId) {
        outOfBand(customKeyStoreId, false);
    }

    /**
     * Puts a key store into a state now, whatever it was in; CONNECTING and DISCONNECTING still end after their
     * duration. {@code connectionErrorCode} is for FAILED only (null there means INTERNAL_ERROR).
     */
    public void forceState(String customKeyStoreId, ConnectionState state, String connectionErrorCode) {
        Objects.requireNonNull(state, "state");
        if (connectionErrorCode != null) {
            if (state != ConnectionState.FAILED) {
                throw new IllegalArgumentException("a ConnectionErrorCode goes with FAILED only, not " + state);
            }
            ConnectionState.checkErrorCode(connectionErrorCode, "forceState");
        }
        try (StateLock.Held ignored = hold()) {
            kms.enter(store(customKeyStoreId), state, connectionErrorCode, clock.instant());
            persist();
        }
    }

    /**
     * Makes a store hold exactly {@code keyCount} KMS keys, Enabled (DeleteCustomKeyStore refuses while there are
     * any); they show in ListKeys and DescribeKey like keys made with CreateKey.
     */
    public void keyCount(String customKeyStoreId, int keyCount) {
        try (StateLock.Held ignored = hold()) {
            kms.keys().setCount(store(customKeyStoreId), keyCount);
            persist();
        }
    }

    /**
     * Adds {@code count} KMS keys outside any custom key store (Origin AWS_KMS) in us-east-1: the rest of an account,
     * which a delete's key count lists and describes too.
     */
    public void addAccountKeys(int count) {
        try (StateLock.Held ignored = hold()) {
            kms.keys().addAccountKeys(count, "us-east-1");
            persist();
        }
    }

    /** KMS keys in a store now, keys pending deletion included. */
    public int keyCount(String customKeyStoreId) {
        try (StateLock.Held ignored = hold()) {
            return kms.keys().countIn(store(customKeyStoreId).id);
        }
    }

    /** Loads the "clusters" and "proxies" of a seed or state file; called by StateFile.load only. */
    void restoreBackends(JsonNode doc, String source) {
        kms.backends().load(doc, source);
    }

    /** Loads the "keys" of a seed or state file, after their stores; called by StateFile.load only. */
    void restoreKeys(JsonNode doc, String source) {
        kms.keys().load(doc, source);
    }

    // ---- parameters --------------------------------------------------------------------------------------

    /** A parameter's current value, decrypted. */
    public Optional<String> parameterValue(String name) {
        try (StateLock.Held ignored = hold()) {
            return Optional.ofNullable(ssm.parameter(name)).map(p -> p.value);
        }
    }

    /**
     * Puts a string secret into the emulator's Secrets Manager: created with the value as AWSCURRENT, or a new
     * AWSCURRENT version (the old one becomes AWSPREVIOUS). Returns the version id.
     */
    public String putSecret(String name, String value) {
        try (StateLock.Held ignored = hold()) {
            String versionId = secretsManager.put(name, value, SEED_REGION);
            persist();
            return versionId;
        }
    }

    /** Loads the "secrets" of a seed or state file; called by StateFile.load only. */
    void restoreSecrets(JsonNode doc, String source) {
        secretsManager.load(doc, source, SEED_REGION);
    }

    private ObjectNode snapshot() {
        ObjectNode doc = StateFile.snapshot(kms, ssm, faults, clock.instant());
        secretsManager.snapshot(doc);
        return doc;
    }

    void restoreParameter(SsmService.Parameter p) {
        try (StateLock.Held ignored = hold()) {
            ssm.restore(p);
        }
    }

    /** The whole state as the state file holds it (stores with their timelines, parameters, faults). */
    public String stateJson() {
        try (StateLock.Held ignored = hold()) {
            return snapshot().toPrettyString();
        }
    }

    // ---- internals ---------------------------------------------------------------------------------------

    private void outOfBand(String customKeyStoreId, boolean connect) {
        try (StateLock.Held ignored = hold()) {
            CustomKeyStore s = store(customKeyStoreId);
            try {
                if (connect) {
                    kms.connect(s);
                } else {
                    kms.disconnect(s);
                }
            } catch (ApiException e) {
                throw new IllegalStateException(e.type() + ": " + e.getMessage(), e);
            }
            persist();
        }
    }

    private CustomKeyStore store(String id) {
        try {
            return kms.find(id);
        } catch (ApiException e) {
            throw new IllegalArgumentException("no custom key store " + id + " in the emulator; it has "
                    + kms.stores().stream().map(s -> s.id).toList(), e);
        }
    }

    /**
     * Exclusive access to the state. With a state file, every access is a read-modify-write of that file under its
     * lock, so several emulators on one file (one per keyhold process sharing a state folder) act as one: what
     * another process wrote is loaded first, and every change is written before the lock is released.
     */
    private StateLock.Held hold() {
        stateLock.lock();
        if (stateFile == null || stateLock.getHoldCount() > 1) {
            return stateLock::unlock;
        }
        final StateLock.Held file;
        try {
            file = StateLock.acquire(lockFile);
            refresh();
        } catch (RuntimeException e) {
            stateLock.unlock();
            throw e;
        }
        return () -> {
            try {
                file.close();
            } finally {
                stateLock.unlock();
            }
        };
    }

    /** Loads the state file when it is not what this emulator last saw. Called under {@link #hold()}. */
    private void refresh() {
        if (!Files.exists(stateFile)) {
            return;
        }
        final byte[] bytes;
        try {
            bytes = Files.readAllBytes(stateFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read emulator state file " + stateFile, e);
        }
        if (Arrays.equals(bytes, lastSeen)) {
            return;
        }
        loading = true;
        try {
            kms.clear();
            ssm.clear();
            secretsManager.clear();
            faults.forgetPersisted();
            StateFile.load(StateFile.parse(bytes, stateFile), stateFile.toString(), this);
        } finally {
            loading = false;
        }
        lastSeen = bytes;
    }

    /** Called under {@link #hold()} after every change. */
    private void persist() {
        if (stateFile != null && !loading) {
            lastSeen = StateFile.write(stateFile, snapshot());
        }
    }

    // ---- builder -----------------------------------------------------------------------------------------

    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private final Timing timing = new Timing();
        private int port;
        private InetAddress bindAddress = loopback();
        private String accessKey;
        private String secretKey;
        private Path stateFile;
        private Path seedFile;
        private JsonNode seedJson;
        private long randomSeed = 42;
        private String accountId = "111122223333";
        private boolean quotaThrottling;
        private Duration describeLag;

        private Builder() {
        }

        /** The emulator's time; give tests a {@link VirtualClock}. Default: the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The address to listen on: an IP address of this machine, or 0.0.0.0 for every interface (what a container,
         * such as SAM CLI's {@code sam local start-lambda}, needs to reach it). Default 127.0.0.1: nothing outside
         * this machine can reach it. Host names are refused (no lookup).
         */
        public Builder bindAddress(String address) {
            if (address == null || !(IPV4.matcher(address).matches() || address.matches("[0-9a-fA-F:]*:[0-9a-fA-F:.]*"))) {
                throw new IllegalArgumentException("bind address must be an IP address such as 127.0.0.1 or 0.0.0.0 "
                        + "(every interface), got '" + address + "'");
            }
            try {
                this.bindAddress = InetAddress.getByName(address);
            } catch (IOException e) {
                throw new IllegalArgumentException("bind address '" + address + "' is not a valid IP address", e);
            }
            return this;
        }

        /** TCP port on the bind address; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535 (0 = any free port), got " + port);
            }
            this.port = port;
            return this;
        }

        /** How long CONNECTING lasts, both types. Defaults: CloudHSM 20 s, XKS 5 s (KMS: minutes). */
        public Builder connectSeconds(long seconds) {
            for (KeyStoreType t : KeyStoreType.values()) {
                connectDuration(t, Duration.ofSeconds(seconds));
            }
            return this;
        }

        public Builder connectDuration(KeyStoreType type, Duration duration) {
            timing.connect(type, duration);
            return this;
        }

        /** How long DISCONNECTING lasts, both types. Default 5 s. */
        public Builder disconnectSeconds(long seconds) {
            for (KeyStoreType t : KeyStoreType.values()) {
                disconnectDuration(t, Duration.ofSeconds(seconds));
            }
            return this;
        }

        public Builder disconnectDuration(KeyStoreType type, Duration duration) {
            timing.disconnect(type, duration);
            return this;
        }

        /** Multiplies transition durations and describe lag: 1.0 = as configured, 0.1 = ten times faster. */
        public Builder timeScale(double scale) {
            timing.timeScale(scale);
            return this;
        }

        /** Verify SigV4 signatures against this key pair (otherwise any well-formed signature passes). */
        public Builder credentials(String accessKey, String secretKey) {
            if (accessKey == null || accessKey.isEmpty() || secretKey == null || secretKey.isEmpty()) {
                throw new IllegalArgumentException("credentials need a non-empty access key and secret key");
            }
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /** Load from and persist to this file (rewritten atomically on every change). */
        public Builder stateFile(Path file) {
            this.stateFile = file;
            return this;
        }

        /** Seed from this file (ignored when the state file already exists). */
        public Builder seedFile(Path file) {
            this.seedFile = file;
            return this;
        }

        /** Seed from a JSON document in the seed-file format (see guides/EMULATOR.md). */
        public Builder seed(String json) {
            try {
                this.seedJson = new ObjectMapper().readTree(json);
            } catch (IOException e) {
                throw new IllegalArgumentException("seed is not valid JSON: " + e.getMessage(), e);
            }
            return this;
        }

        /** Seeds the generated ids and the KMSInternalException rate, for repeatable runs. Default 42. */
        public Builder randomSeed(long seed) {
            this.randomSeed = seed;
            return this;
        }

        /** The account in SSM parameter ARNs. Default 111122223333. */
        public Builder accountId(String accountId) {
            if (accountId == null || !accountId.matches("[0-9]{12}")) {
                throw new IllegalArgumentException("accountId must be 12 digits, got " + accountId);
            }
            this.accountId = accountId;
            return this;
        }

        /** Throttle each KMS operation at 5 requests per second. Default off (SDK retries sleep in real time). */
        public Builder quotaThrottling(boolean on) {
            this.quotaThrottling = on;
            return this;
        }

        /** Describe lag for every key store (see {@link Faults#describeLag(Duration)}). */
        public Builder describeLag(Duration lag) {
            this.describeLag = lag;
            return this;
        }

        public KmsEmulator build() {
            return new KmsEmulator(this);
        }
    }
}
