package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A custom key store to put straight into the emulator (tests, seed files), bypassing CreateCustomKeyStore.
 * Unset members get plausible values; an unset id is generated like KMS's ({@code cks-} + 17 hex digits).
 * <pre>{@code
 * String id = emu.seedStore(StoreSpec.cloudHsm("ops-hsm").id("cks-1234567890abcdef0").state(CONNECTED));
 * }</pre>
 */
public final class StoreSpec {
    String id;
    String name;
    final KeyStoreType type;
    ConnectionState state = ConnectionState.DISCONNECTED;
    String connectionErrorCode;
    Instant creationDate;
    String cloudHsmClusterId = "cluster-234567abcdefg";
    String trustAnchorCertificate = "-----BEGIN CERTIFICATE-----\nMIIB-emulated\n-----END CERTIFICATE-----";
    String xksUriEndpoint;
    String xksUriPath = "/kms/xks/v1";
    String xksConnectivity = "PUBLIC_ENDPOINT";
    String xksVpcEndpointServiceName;
    String xksVpcEndpointServiceOwner;
    String xksAccessKeyId = "ABCDEFGHIJKLMNOPQRST";
    int keyCount;
    String keyStorePassword;
    String kmsPasswordFingerprint;
    String xksSecretFingerprint;
    final List<String> failNextConnect = new ArrayList<>();
    Duration describeLag;

    private StoreSpec(KeyStoreType type, String name) {
        this.type = Objects.requireNonNull(type, "type");
        this.name = Objects.requireNonNull(name, "name");
        this.xksUriEndpoint = "https://" + name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]", "-")
                + ".xks.example.com";
    }

    public static StoreSpec of(KeyStoreType type, String name) {
        return new StoreSpec(type, name);
    }

    public static StoreSpec cloudHsm(String name) {
        return new StoreSpec(KeyStoreType.AWS_CLOUDHSM, name);
    }

    public static StoreSpec external(String name) {
        return new StoreSpec(KeyStoreType.EXTERNAL_KEY_STORE, name);
    }

    public StoreSpec id(String id) {
        this.id = id;
        return this;
    }

    /** CONNECTING and DISCONNECTING proceed as if the operation started at seeding time. */
    public StoreSpec state(ConnectionState state) {
        this.state = Objects.requireNonNull(state, "state");
        return this;
    }

    /** A FAILED store's error code (FAILED without one means INTERNAL_ERROR). */
    public StoreSpec failed(String connectionErrorCode) {
        this.state = ConnectionState.FAILED;
        this.connectionErrorCode = ConnectionState.checkErrorCode(connectionErrorCode, "StoreSpec.failed");
        return this;
    }

    public StoreSpec creationDate(Instant creationDate) {
        this.creationDate = creationDate;
        return this;
    }

    public StoreSpec cloudHsmClusterId(String clusterId) {
        this.cloudHsmClusterId = clusterId;
        return this;
    }

    public StoreSpec trustAnchorCertificate(String certificate) {
        this.trustAnchorCertificate = certificate;
        return this;
    }

    public StoreSpec xksProxy(String uriEndpoint, String uriPath, String connectivity) {
        this.xksUriEndpoint = uriEndpoint;
        this.xksUriPath = uriPath;
        this.xksConnectivity = connectivity;
        return this;
    }

    public StoreSpec xksVpcEndpointService(String serviceName, String owner) {
        this.xksVpcEndpointServiceName = serviceName;
        this.xksVpcEndpointServiceOwner = owner;
        return this;
    }

    public StoreSpec xksAccessKeyId(String accessKeyId) {
        this.xksAccessKeyId = accessKeyId;
        return this;
    }

    /**
     * KMS's copy of the kmsuser password (CloudHSM); kept as a fingerprint only. Unset: KMS's copy is unknown and the
     * cluster takes it at the first connect.
     */
    public StoreSpec keyStorePassword(String password) {
        this.keyStorePassword = password;
        return this;
    }

    StoreSpec kmsPasswordFingerprint(String fingerprint) {
        this.kmsPasswordFingerprint = fingerprint;
        return this;
    }

    StoreSpec xksSecretFingerprint(String fingerprint) {
        this.xksSecretFingerprint = fingerprint;
        return this;
    }

    /** KMS keys in the store (Enabled, in ListKeys): DeleteCustomKeyStore answers CustomKeyStoreHasCMKsException. */
    public StoreSpec keyCount(int keyCount) {
        if (keyCount < 0) {
            throw new IllegalArgumentException("keyCount must not be negative, got " + keyCount);
        }
        this.keyCount = keyCount;
        return this;
    }

    /** The next connect of this store ends FAILED with this code; call again to queue more. */
    public StoreSpec failNextConnect(String connectionErrorCode) {
        failNextConnect.add(ConnectionState.checkErrorCode(connectionErrorCode, "StoreSpec.failNextConnect"));
        return this;
    }

    public StoreSpec describeLag(Duration lag) {
        this.describeLag = lag;
        return this;
    }
}
