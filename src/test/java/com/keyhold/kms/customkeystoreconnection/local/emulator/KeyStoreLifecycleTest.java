package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static com.keyhold.kms.customkeystoreconnection.local.emulator.EmulatorTestSupport.TRUST_ANCHOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterInUseException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterInvalidConfigurationException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterNotActiveException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterNotFoundException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterNotRelatedException;
import software.amazon.awssdk.services.kms.model.ConnectionErrorCodeType;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;
import software.amazon.awssdk.services.kms.model.CreateCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreHasCmKsException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreInvalidStateException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNameInUseException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNotFoundException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreType;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.kms.model.IncorrectTrustAnchorException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;
import software.amazon.awssdk.services.kms.model.XksKeyAlreadyInUseException;
import software.amazon.awssdk.services.kms.model.XksProxyConnectivityType;
import software.amazon.awssdk.services.kms.model.XksProxyConfigurationType;
import software.amazon.awssdk.services.kms.model.XksProxyIncorrectAuthenticationCredentialException;
import software.amazon.awssdk.services.kms.model.XksProxyUriEndpointInUseException;
import software.amazon.awssdk.services.kms.model.XksProxyUriInUseException;
import software.amazon.awssdk.services.kms.model.XksProxyUriUnreachableException;
import software.amazon.awssdk.services.kms.model.XksProxyVpcEndpointServiceInUseException;

/**
 * The key store type's KMS surface (guides/EMULATOR.md, "Behind the key stores") through the AWS SDK over HTTP: what stands behind a key
 * store (clusters, the kmsuser password, XKS proxies), the KMS keys in it, and that no secret leaks.
 */
class KeyStoreLifecycleTest {
    private static final String CLUSTER = "cluster-234567abcdefg";
    private static final String RELATED = "cluster-765432abcdefg";
    private static final String PASSWORD = "kmsPswd1";
    private static final String ACCESS_KEY_ID = "ABCDEFGHIJKLMNOPQRST";
    private static final String XKS_SECRET = "s3cretXksProxyKeyThatIsLongEnough0123456789+/=";
    private static final String VPC_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0abc123";

    private final VirtualClock clock = new VirtualClock();
    private KmsEmulator emu;
    private KmsClient kms;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        emu = KmsEmulator.builder().clock(clock).build().start();
        kms = EmulatorTestSupport.kms(emu.endpoint());
    }

    @AfterEach
    void stop() {
        kms.close();
        emu.close();
    }

    private String createCloudHsm(String name, String clusterId, String password) {
        return kms.createCustomKeyStore(r -> r.customKeyStoreName(name).cloudHsmClusterId(clusterId)
                .trustAnchorCertificate(TRUST_ANCHOR).keyStorePassword(password)).customKeyStoreId();
    }

    private String createXks(String name, Consumer<CreateCustomKeyStoreRequest.Builder> more) {
        return kms.createCustomKeyStore(r -> {
            r.customKeyStoreName(name).customKeyStoreType(CustomKeyStoreType.EXTERNAL_KEY_STORE)
                    .xksProxyUriEndpoint("https://" + name + ".example.com").xksProxyUriPath("/kms/xks/v1")
                    .xksProxyConnectivity(XksProxyConnectivityType.PUBLIC_ENDPOINT)
                    .xksProxyAuthenticationCredential(c -> c.accessKeyId(ACCESS_KEY_ID).rawSecretAccessKey(XKS_SECRET));
            more.accept(r);
        }).customKeyStoreId();
    }

    private CustomKeyStoresListEntry describe(String id) {
        return kms.describeCustomKeyStores(r -> r.customKeyStoreId(id)).customKeyStores().get(0);
    }

    /** Connects and lets the connect finish; returns the state it ended in. */
    private CustomKeyStoresListEntry connect(String id) {
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        clock.advance(Duration.ofSeconds(20));
        return describe(id);
    }

    private void disconnect(String id) {
        kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id));
        clock.advance(Duration.ofSeconds(5));
    }

    private String errorCode(Runnable call) {
        try {
            call.run();
        } catch (KmsException e) {
            return e.awsErrorDetails().errorCode();
        }
        throw new AssertionError("expected a KMS error");
    }

    // ---- CreateCustomKeyStore ----------------------------------------------------------------------------

    @Test
    void aCloudHsmCreateChecksTheClusterAsKmsDoes() {
        emu.backends().missingCluster("cluster-missingcluster").clusterActive("cluster-inactivecluster", false)
                .clusterHsms("cluster-onehsmcluster", "us-east-1a").clusterHsms("cluster-samezonecluster", "us-east-1a",
                        "us-east-1a").clusterTrustAnchor("cluster-anchoredcluster", "the real anchor");
        assertThatThrownBy(() -> createCloudHsm("a", "cluster-missingcluster", PASSWORD))
                .isInstanceOf(CloudHsmClusterNotFoundException.class).hasMessageContaining("cluster-missingcluster");
        assertThatThrownBy(() -> createCloudHsm("a", "cluster-inactivecluster", PASSWORD))
                .isInstanceOf(CloudHsmClusterNotActiveException.class);
        assertThatThrownBy(() -> createCloudHsm("a", "cluster-onehsmcluster", PASSWORD))
                .isInstanceOf(CloudHsmClusterInvalidConfigurationException.class)
                .hasMessageContaining("two active HSMs in different Availability Zones");
        assertThatThrownBy(() -> createCloudHsm("a", "cluster-samezonecluster", PASSWORD))
                .isInstanceOf(CloudHsmClusterInvalidConfigurationException.class);
        assertThatThrownBy(() -> createCloudHsm("a", "cluster-anchoredcluster", PASSWORD))
                .isInstanceOf(IncorrectTrustAnchorException.class);
        kms.createCustomKeyStore(r -> r.customKeyStoreName("anchored").cloudHsmClusterId("cluster-anchoredcluster")
                .trustAnchorCertificate("the real anchor").keyStorePassword(PASSWORD));
        assertThat(emu.storeIds()).hasSize(1);

        // An undeclared well-formed cluster is healthy; its cluster, and any related one, is then in use.
        String id = createCloudHsm("hsm", CLUSTER, PASSWORD);
        assertThatThrownBy(() -> createCloudHsm("other", CLUSTER, PASSWORD))
                .isInstanceOf(CloudHsmClusterInUseException.class).hasMessageContaining(id);
        emu.backends().relatedClusters(CLUSTER, RELATED);
        assertThatThrownBy(() -> createCloudHsm("other", RELATED, PASSWORD))
                .isInstanceOf(CloudHsmClusterInUseException.class).hasMessageContaining("related cluster " + CLUSTER);
        assertThat(emu.storeIds()).hasSize(2);
    }

    @Test
    void anXksCreateReachesAPublicProxyWithTheCredential() {
        emu.backends().proxyReachable("https://down.example.com", false)
                .proxyCredential("https://rotated.example.com", "ZYXWVUTSRQPONMLKJIHG", "b".repeat(43));
        assertThatThrownBy(() -> createXks("down", r -> { }))
                .isInstanceOf(XksProxyUriUnreachableException.class).hasMessageContaining("https://down.example.com/kms/xks/v1");
        assertThatThrownBy(() -> createXks("rotated", r -> { }))
                .isInstanceOf(XksProxyIncorrectAuthenticationCredentialException.class)
                .hasMessageContaining(ACCESS_KEY_ID).hasMessageNotContaining(XKS_SECRET);
        String rotated = createXks("rotated", r -> r.xksProxyAuthenticationCredential(c -> c
                .accessKeyId("ZYXWVUTSRQPONMLKJIHG").rawSecretAccessKey("b".repeat(43))));
        assertThat(describe(rotated).xksProxyConfiguration().accessKeyId()).isEqualTo("ZYXWVUTSRQPONMLKJIHG");
        // KMS cannot reach a proxy behind a VPC endpoint service before it connects: not checked at create.
        String vpc = createXks("down", r -> r.xksProxyConnectivity(XksProxyConnectivityType.VPC_ENDPOINT_SERVICE)
                .xksProxyVpcEndpointServiceName(VPC_SERVICE).xksProxyUriEndpoint("https://down.example.com"));
        assertThat(connect(vpc).connectionErrorCode()).isEqualTo(ConnectionErrorCodeType.XKS_PROXY_NOT_REACHABLE);
    }

    @Test
    void anIdenticalCloudHsmCreateOfADisconnectedKeyStoreAnswersItsId() {
        String id = createCloudHsm("twin", "cluster-234567abcdefg", "kmsPswd1");
        // Developer guide: the same property values as an existing DISCONNECTED key store return its id, no error.
        assertThat(createCloudHsm("twin", "cluster-234567abcdefg", "kmsPswd1")).isEqualTo(id);
        assertThat(kms.describeCustomKeyStores().customKeyStores()).hasSize(1);
        // Any value that differs is a new key store, whose name is in use.
        assertThatThrownBy(() -> createCloudHsm("twin", "cluster-234567abcdefg", "otherPw1"))
                .isInstanceOf(CustomKeyStoreNameInUseException.class);
        assertThatThrownBy(() -> kms.createCustomKeyStore(r -> r.customKeyStoreName("twin")
                .cloudHsmClusterId("cluster-234567abcdefg").trustAnchorCertificate(TRUST_ANCHOR + "x")
                .keyStorePassword("kmsPswd1"))).isInstanceOf(CustomKeyStoreNameInUseException.class);
        // Not DISCONNECTED: not a retry.
        connect(id);
        assertThatThrownBy(() -> createCloudHsm("twin", "cluster-234567abcdefg", "kmsPswd1"))
                .isInstanceOf(CustomKeyStoreNameInUseException.class);
        assertThat(kms.describeCustomKeyStores().customKeyStores()).hasSize(1);
    }

    @Test
    void xksConnectivitySwitchesBothWaysAsTheApiReferenceSays() {
        String id = createXks("switch", r -> r.xksProxyConnectivity(XksProxyConnectivityType.VPC_ENDPOINT_SERVICE)
                .xksProxyVpcEndpointServiceName(VPC_SERVICE).xksProxyVpcEndpointServiceOwner("111122223333"));
        // "you must also change the XksProxyUriEndpoint"
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .xksProxyConnectivity(XksProxyConnectivityType.PUBLIC_ENDPOINT).xksProxyVpcEndpointServiceName("")))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
        // "" clears the name only with PUBLIC_ENDPOINT: a VPC key store needs one.
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .xksProxyVpcEndpointServiceName("")))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.getMessage())
                        .contains("XksProxyVpcEndpointServiceName is required"));
        assertThat(describe(id).xksProxyConfiguration().vpcEndpointServiceName()).isEqualTo(VPC_SERVICE);

        // "specify a null or empty string for the XksProxyVpcEndpointServiceName value"
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyUriEndpoint("https://switch-public.example.com")
                .xksProxyConnectivity(XksProxyConnectivityType.PUBLIC_ENDPOINT).xksProxyVpcEndpointServiceName(""));
        XksProxyConfigurationType publicNow = describe(id).xksProxyConfiguration();
        assertThat(publicNow.connectivity()).isEqualTo(XksProxyConnectivityType.PUBLIC_ENDPOINT);
        assertThat(publicNow.vpcEndpointServiceName()).isNull();
        assertThat(publicNow.vpcEndpointServiceOwner()).isNull();

        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyUriEndpoint("https://switch-vpc.example.com")
                .xksProxyConnectivity(XksProxyConnectivityType.VPC_ENDPOINT_SERVICE)
                .xksProxyVpcEndpointServiceName(VPC_SERVICE));
        assertThat(describe(id).xksProxyConfiguration().vpcEndpointServiceName()).isEqualTo(VPC_SERVICE);
        // The null form of the rule: the name left out of a move to PUBLIC_ENDPOINT is cleared as well.
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyUriEndpoint("https://switch-public.example.com")
                .xksProxyConnectivity(XksProxyConnectivityType.PUBLIC_ENDPOINT));
        assertThat(describe(id).xksProxyConfiguration().vpcEndpointServiceName()).isNull();
        // A public key store takes no service name, empty or not.
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .xksProxyVpcEndpointServiceName(VPC_SERVICE))).isInstanceOfSatisfying(KmsException.class,
                        e -> assertThat(e.getMessage()).contains("allowed only when XksProxyConnectivity is "
                                + "VPC_ENDPOINT_SERVICE"));
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyVpcEndpointServiceName(""));
        assertThat(describe(id).xksProxyConfiguration().uriEndpoint()).isEqualTo("https://switch-public.example.com");
    }

    @Test
    void xksAddressesAndServicesAreUniqueAsKmsSaysPerConnectivity() {
        String first = createXks("xks", r -> { });
        assertThatThrownBy(() -> createXks("xks2", r -> r.xksProxyUriEndpoint("https://xks.example.com")))
                .isInstanceOf(XksProxyUriInUseException.class).hasMessageContaining(first);
        // Same public endpoint, another path: allowed.
        createXks("xks3", r -> r.xksProxyUriEndpoint("https://xks.example.com").xksProxyUriPath("/b/kms/xks/v1"));
        // A VPC key store's endpoint is its private DNS name: no other key store may use it.
        assertThatThrownBy(() -> createXks("vpc", r -> r.xksProxyUriEndpoint("https://xks.example.com")
                .xksProxyUriPath("/c/kms/xks/v1").xksProxyConnectivity(XksProxyConnectivityType.VPC_ENDPOINT_SERVICE)
                .xksProxyVpcEndpointServiceName(VPC_SERVICE))).isInstanceOf(XksProxyUriEndpointInUseException.class);
        createXks("vpc", r -> r.xksProxyConnectivity(XksProxyConnectivityType.VPC_ENDPOINT_SERVICE)
                .xksProxyVpcEndpointServiceName(VPC_SERVICE));
        assertThatThrownBy(() -> createXks("vpc2", r -> r.xksProxyConnectivity(
                XksProxyConnectivityType.VPC_ENDPOINT_SERVICE).xksProxyVpcEndpointServiceName(VPC_SERVICE)))
                .isInstanceOf(XksProxyVpcEndpointServiceInUseException.class);
        assertThat(emu.storeIds()).hasSize(3);
    }

    // ---- UpdateCustomKeyStore ----------------------------------------------------------------------------

    @Test
    void aClusterMovesOnlyToAnActiveRelatedClusterWhileDisconnected() {
        String id = createCloudHsm("hsm", CLUSTER, PASSWORD);
        emu.backends().missingCluster("cluster-missingcluster").clusterActive("cluster-inactivecluster", false)
                .relatedClusters(CLUSTER, "cluster-inactivecluster");
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).cloudHsmClusterId(RELATED)))
                .isInstanceOf(CloudHsmClusterNotRelatedException.class).hasMessageContaining(CLUSTER);
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .cloudHsmClusterId("cluster-missingcluster"))).isInstanceOf(CloudHsmClusterNotFoundException.class);
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .cloudHsmClusterId("cluster-inactivecluster"))).isInstanceOf(CloudHsmClusterNotActiveException.class);
        // A refused update changes nothing, not even the name sent with it.
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).newCustomKeyStoreName("moved")
                .cloudHsmClusterId(RELATED))).isInstanceOf(CloudHsmClusterNotRelatedException.class);
        assertThat(describe(id).customKeyStoreName()).isEqualTo("hsm");

        emu.backends().relatedClusters(CLUSTER, RELATED);
        assertThat(connect(id).connectionState()).isEqualTo(ConnectionStateType.CONNECTED);
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).cloudHsmClusterId(RELATED)))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class).hasMessageContaining("CloudHsmClusterId");
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).newCustomKeyStoreName("renamed")); // in place
        disconnect(id);
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).cloudHsmClusterId(RELATED));
        assertThat(describe(id).cloudHsmClusterId()).isEqualTo(RELATED);
        assertThat(describe(id).customKeyStoreName()).isEqualTo("renamed");
        // The old cluster is free again for a key store of its own... but it is related, so still in use.
        assertThatThrownBy(() -> createCloudHsm("again", CLUSTER, PASSWORD)).isInstanceOf(CloudHsmClusterInUseException.class);
    }

    @Test
    void anXksProxyMoveIsCheckedAtTheNewAddressAndLeavesNothingHalfDone() {
        String id = createXks("xks", r -> { });
        String other = createXks("other", r -> { });
        emu.backends().proxyReachable("https://down.example.com", false);
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .xksProxyUriEndpoint("https://down.example.com"))).isInstanceOf(XksProxyUriUnreachableException.class);
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .xksProxyUriEndpoint("https://other.example.com"))).isInstanceOf(XksProxyUriInUseException.class)
                .hasMessageContaining(other);
        assertThat(describe(id).xksProxyConfiguration().uriEndpoint()).isEqualTo("https://xks.example.com");
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyUriEndpoint("https://moved.example.com"));
        assertThat(describe(id).xksProxyConfiguration().uriEndpoint()).isEqualTo("https://moved.example.com");
    }

    @Test
    void anXksCredentialRotatesWhileConnectedWhenTheProxyAcceptsIt() {
        String id = createXks("xks", r -> { });
        assertThat(connect(id).connectionState()).isEqualTo(ConnectionStateType.CONNECTED);
        // The proxy's credential is rotated first (out of band); KMS's copy is now wrong.
        emu.backends().proxyCredential("https://xks.example.com", "ZYXWVUTSRQPONMLKJIHG", "c".repeat(43));
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .xksProxyAuthenticationCredential(c -> c.accessKeyId("ZYXWVUTSRQPONMLKJIHG")
                        .rawSecretAccessKey("d".repeat(43))))).isInstanceOf(
                XksProxyIncorrectAuthenticationCredentialException.class);
        disconnect(id);
        assertThat(connect(id).connectionErrorCode()).isEqualTo(ConnectionErrorCodeType.INVALID_CREDENTIALS);
        disconnect(id);
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyAuthenticationCredential(c -> c
                .accessKeyId("ZYXWVUTSRQPONMLKJIHG").rawSecretAccessKey("c".repeat(43))));
        assertThat(connect(id).connectionState()).isEqualTo(ConnectionStateType.CONNECTED);
        assertThat(describe(id).xksProxyConfiguration().accessKeyId()).isEqualTo("ZYXWVUTSRQPONMLKJIHG");
        // Unreachable on demand: the next connect ends XKS_PROXY_NOT_REACHABLE.
        disconnect(id);
        emu.backends().proxyReachable("https://xks.example.com", false);
        assertThat(connect(id).connectionErrorCode()).isEqualTo(ConnectionErrorCodeType.XKS_PROXY_NOT_REACHABLE);
    }

    @Test
    void inPlaceChangesNeedConnectedOrDisconnectedAsTheApiReferenceSays() {
        String id = createXks("xks", r -> { });
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).newCustomKeyStoreName("x")))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class).hasMessageContaining("CONNECTING")
                .hasMessageContaining("Wait until the connection settles");
        clock.advance(Duration.ofSeconds(5));
        emu.forceState(id, ConnectionState.FAILED, "INVALID_CREDENTIALS");
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyUriPath("/p/kms/xks/v1")
                .xksProxyAuthenticationCredential(c -> c.accessKeyId(ACCESS_KEY_ID).rawSecretAccessKey(XKS_SECRET))))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class)
                .hasMessageContaining("XksProxyUriPath, XksProxyAuthenticationCredential can change only while")
                .hasMessageContaining("Disconnect a FAILED key store first");
        disconnect(id);
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).newCustomKeyStoreName("x"));
        assertThat(describe(id).customKeyStoreName()).isEqualTo("x");
    }

    // ---- the kmsuser password ------------------------------------------------------------------------------

    @Test
    void kmsRotatesTheKmsuserPasswordOnConnectSoTheTemplatesValueGoesStale() {
        String id = createCloudHsm("hsm", CLUSTER, PASSWORD);
        assertThat(emu.backends().kmsuserPasswordIs(CLUSTER, PASSWORD)).isTrue();
        assertThat(connect(id).connectionState()).isEqualTo(ConnectionStateType.CONNECTED);
        assertThat(emu.backends().kmsuserPasswordIs(CLUSTER, PASSWORD)).as("rotated on connect").isFalse();

        // Telling KMS the template's (now stale) password again breaks the next connect.
        disconnect(id);
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).keyStorePassword(PASSWORD));
        CustomKeyStoresListEntry failed = connect(id);
        assertThat(failed.connectionState()).isEqualTo(ConnectionStateType.FAILED);
        assertThat(failed.connectionErrorCode()).isEqualTo(ConnectionErrorCodeType.INVALID_CREDENTIALS);

        // The documented fix: reset kmsuser in the cluster, tell KMS the same password, connect.
        disconnect(id);
        emu.backends().resetKmsuserPassword(CLUSTER, "resetPass9");
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).keyStorePassword("resetPass9"));
        assertThat(connect(id).connectionState()).isEqualTo(ConnectionStateType.CONNECTED);
        // Rotated again, and a reconnect without any update works: KMS's copy and the cluster's move together.
        disconnect(id);
        assertThat(connect(id).connectionState()).isEqualTo(ConnectionStateType.CONNECTED);
    }

    @Test
    void aClusterWhosePasswordWasResetRefusesTheConnectUntilKmsIsTold() {
        String id = createCloudHsm("hsm", CLUSTER, PASSWORD);
        emu.backends().resetKmsuserPassword(CLUSTER, "otherPass1");
        assertThat(connect(id).connectionErrorCode()).isEqualTo(ConnectionErrorCodeType.INVALID_CREDENTIALS);
        // A seeded key store without a password is taken to be in sync with its cluster.
        String seeded = emu.seedStore(StoreSpec.cloudHsm("seeded").cloudHsmClusterId(RELATED));
        assertThat(connect(seeded).connectionState()).isEqualTo(ConnectionStateType.CONNECTED);
        // An inactive cluster is refused at once; one without HSMs fails the connect.
        disconnect(id);
        emu.backends().clusterActive(CLUSTER, false);
        assertThatThrownBy(() -> kms.connectCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CloudHsmClusterNotActiveException.class);
        emu.backends().clusterActive(CLUSTER, true).clusterHsms(CLUSTER);
        assertThat(connect(id).connectionErrorCode()).isEqualTo(ConnectionErrorCodeType.INSUFFICIENT_CLOUDHSM_HSMS);
        disconnect(id);
        emu.backends().missingCluster(CLUSTER);
        assertThat(connect(id).connectionErrorCode()).isEqualTo(ConnectionErrorCodeType.CLUSTER_NOT_FOUND);
    }

    // ---- KMS keys ----------------------------------------------------------------------------------------

    @Test
    void createKeyNeedsAConnectedStoreOfTheRightOrigin() {
        String hsm = createCloudHsm("hsm", CLUSTER, PASSWORD);
        assertThatThrownBy(() -> kms.createKey(r -> r.customKeyStoreId(hsm).origin(OriginType.AWS_CLOUDHSM)))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class).hasMessageContaining("DISCONNECTED");
        connect(hsm);
        KeyMetadata key = kms.createKey(r -> r.customKeyStoreId(hsm).origin(OriginType.AWS_CLOUDHSM)
                .description("payments")).keyMetadata();
        assertThat(key.keyId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(key.arn()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/" + key.keyId());
        assertThat(key.customKeyStoreId()).isEqualTo(hsm);
        assertThat(key.cloudHsmClusterId()).isEqualTo(CLUSTER);
        assertThat(key.keyState()).isEqualTo(KeyState.ENABLED);
        assertThat(key.origin()).isEqualTo(OriginType.AWS_CLOUDHSM);
        assertThat(key.keySpec()).isEqualTo(KeySpec.SYMMETRIC_DEFAULT);
        assertThat(key.description()).isEqualTo("payments");

        assertValidation(() -> kms.createKey(r -> r.customKeyStoreId(hsm)), "Origin AWS_CLOUDHSM");
        assertValidation(() -> kms.createKey(r -> r.origin(OriginType.AWS_CLOUDHSM)), "needs CustomKeyStoreId");
        assertValidation(() -> kms.createKey(r -> r.customKeyStoreId(hsm).origin(OriginType.EXTERNAL_KEY_STORE)
                .xksKeyId("k1")), "is of type AWS_CLOUDHSM");
        assertValidation(() -> kms.createKey(r -> r.xksKeyId("k1")), "XksKeyId is allowed only");
        assertThatThrownBy(() -> kms.createKey(r -> r.customKeyStoreId(hsm).origin(OriginType.AWS_CLOUDHSM)
                .keySpec(KeySpec.RSA_2048))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> kms.createKey(r -> r.customKeyStoreId("cks-00000000000000000")
                .origin(OriginType.AWS_CLOUDHSM))).isInstanceOf(CustomKeyStoreNotFoundException.class);
        emu.backends().clusterHsms(CLUSTER, "us-east-1a");
        assertThatThrownBy(() -> kms.createKey(r -> r.customKeyStoreId(hsm).origin(OriginType.AWS_CLOUDHSM)))
                .isInstanceOf(CloudHsmClusterInvalidConfigurationException.class);

        // A key in a store that is not CONNECTED is Unavailable.
        disconnect(hsm);
        assertThat(kms.describeKey(r -> r.keyId(key.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.UNAVAILABLE);
        // Plain KMS keys exist too, outside any key store.
        KeyMetadata plain = kms.createKey(r -> r.keySpec(KeySpec.RSA_2048).keyUsage("SIGN_VERIFY")).keyMetadata();
        assertThat(plain.origin()).isEqualTo(OriginType.AWS_KMS);
        assertThat(plain.customKeyStoreId()).isNull();
        assertThat(plain.keyState()).isEqualTo(KeyState.ENABLED);
    }

    @Test
    void anXksKeyNamesItsExternalKeyOnceInTheStore() {
        String xks = createXks("xks", r -> { });
        connect(xks);
        assertValidation(() -> kms.createKey(r -> r.customKeyStoreId(xks).origin(OriginType.EXTERNAL_KEY_STORE)),
                "XksKeyId is required");
        KeyMetadata key = kms.createKey(r -> r.customKeyStoreId(xks).origin(OriginType.EXTERNAL_KEY_STORE)
                .xksKeyId("ext-key-1")).keyMetadata();
        assertThat(key.xksKeyConfiguration().id()).isEqualTo("ext-key-1");
        assertThat(key.cloudHsmClusterId()).isNull();
        assertThatThrownBy(() -> kms.createKey(r -> r.customKeyStoreId(xks).origin(OriginType.EXTERNAL_KEY_STORE)
                .xksKeyId("ext-key-1"))).isInstanceOf(XksKeyAlreadyInUseException.class).hasMessageContaining(key.keyId());
    }

    @Test
    void keysPendingDeletionStillCountUntilTheirWaitingPeriodEnds() {
        String id = createCloudHsm("hsm", CLUSTER, PASSWORD);
        connect(id);
        String keyId = kms.createKey(r -> r.customKeyStoreId(id).origin(OriginType.AWS_CLOUDHSM)).keyMetadata().keyId();
        disconnect(id);
        assertThatThrownBy(() -> kms.deleteCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CustomKeyStoreHasCmKsException.class).hasMessageContaining("1 KMS key(s)");

        assertValidation(() -> kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(6)), "7 to 30");
        assertValidation(() -> kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(366)),
                "less than or equal to 365");
        ScheduleKeyDeletionResponse scheduled = kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
        assertThat(scheduled.keyId()).endsWith(":key/" + keyId);
        assertThat(scheduled.keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(scheduled.deletionDate()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        assertThatThrownBy(() -> kms.scheduleKeyDeletion(r -> r.keyId(scheduled.keyId())))
                .isInstanceOf(KmsInvalidStateException.class);
        KeyMetadata pending = kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
        assertThat(pending.keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(pending.enabled()).isFalse();
        assertThat(pending.pendingDeletionWindowInDays()).isEqualTo(7);
        assertThat(kms.listKeys().keys()).extracting(k -> k.keyId()).containsExactly(keyId);

        assertThatThrownBy(() -> kms.deleteCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CustomKeyStoreHasCmKsException.class).hasMessageContaining("pending deletion");
        assertThat(emu.keyCount(id)).isEqualTo(1);

        clock.advance(Duration.ofDays(7));
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId(keyId))).isInstanceOf(NotFoundException.class);
        assertThat(kms.listKeys().keys()).isEmpty();
        kms.deleteCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThat(emu.storeIds()).isEmpty();
    }

    @Test
    void listKeysPagesAndKeysAreFoundByIdOrArnOnly() {
        String id = emu.seedStore(StoreSpec.external("xks").state(ConnectionState.CONNECTED).keyCount(5));
        assertThat(emu.keyCount(id)).isEqualTo(5);
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String m = marker;
            ListKeysResponse page = kms.listKeys(r -> r.limit(2).marker(m));
            page.keys().forEach(k -> seen.add(k.keyArn()));
            marker = page.nextMarker();
            pages++;
        } while (marker != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
        for (String arn : seen) {
            KeyMetadata k = kms.describeKey(r -> r.keyId(arn)).keyMetadata();
            assertThat(k.customKeyStoreId()).isEqualTo(id);
            assertThat(k.keyState()).isEqualTo(KeyState.ENABLED);
            assertThat(k.xksKeyConfiguration().id()).startsWith("seeded-");
        }
        assertThat(kms.listKeysPaginator(r -> r.limit(1)).keys()).hasSize(5);
        String keyId = seen.get(0).substring(seen.get(0).lastIndexOf('/') + 1);
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("arn:aws:kms:eu-west-1:111122223333:key/" + keyId)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("alias/nope"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> kms.listKeys(r -> r.marker("bogus"))).isInstanceOf(KmsException.class)
                .hasMessageContaining("ListKeys");
        emu.keyCount(id, 0);
        assertThat(kms.listKeys().keys()).isEmpty();
    }

    // ---- secrets --------------------------------------------------------------------------------------------

    @Test
    void noSecretReachesTheRequestLogTheStateOrAMessage() throws Exception {
        Path stateFile = dir.resolve("state.json");
        emu.close();
        emu = KmsEmulator.builder().clock(clock).stateFile(stateFile).build().start();
        kms = EmulatorTestSupport.kms(emu.endpoint());
        List<String> messages = new ArrayList<>();
        String hsm = createCloudHsm("hsm", CLUSTER, PASSWORD);
        String xks = createXks("xks", r -> { });
        emu.backends().resetKmsuserPassword(RELATED, "clusterPw7").proxyCredential("https://p.example.com",
                "ZYXWVUTSRQPONMLKJIHG", "e".repeat(43));
        messages.add(errorCode(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(hsm)
                .keyStorePassword("sh0rt"))));
        for (Runnable call : List.<Runnable>of(
                () -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(hsm).keyStorePassword("sh0rt")),
                () -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(xks).xksProxyAuthenticationCredential(c -> c
                        .accessKeyId(ACCESS_KEY_ID).rawSecretAccessKey("short"))),
                () -> createXks("p", r -> r.xksProxyAuthenticationCredential(c -> c.accessKeyId(ACCESS_KEY_ID)
                        .rawSecretAccessKey(XKS_SECRET))),
                () -> createCloudHsm("hsm", CLUSTER, "anotherPw1"))) {
            try {
                call.run();
            } catch (KmsException e) {
                messages.add(e.getMessage());
            }
        }
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(hsm).keyStorePassword("newPass22"));
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(xks).xksProxyAuthenticationCredential(c -> c
                .accessKeyId(ACCESS_KEY_ID).rawSecretAccessKey("f".repeat(43))));
        connect(hsm);

        String everything = String.join("\n", messages) + emu.requestLog().entries() + emu.stateJson()
                + Files.readString(stateFile);
        for (String secret : List.of(PASSWORD, XKS_SECRET, "sh0rt", "short", "anotherPw1", "newPass22", "clusterPw7",
                "e".repeat(43), "f".repeat(43))) {
            assertThat(everything).doesNotContain(secret);
        }
        assertThat(messages).hasSize(5).anyMatch(m -> m.contains("*** Sensitive Data Redacted ***"));
        assertThat(emu.stateJson()).contains("\"kmsPasswordFingerprint\" : \"sha256:", "\"secretFingerprint\"",
                "\"kmsuserPasswordFingerprint\"");
    }

    @Test
    void thePasswordModelSurvivesARestartFromTheStateFile() throws Exception {
        Path stateFile = dir.resolve("state.json");
        emu.close();
        emu = KmsEmulator.builder().clock(clock).stateFile(stateFile).build().start();
        kms = EmulatorTestSupport.kms(emu.endpoint());
        String id = createCloudHsm("hsm", CLUSTER, PASSWORD);
        connect(id);
        String keyId = kms.createKey(r -> r.customKeyStoreId(id).origin(OriginType.AWS_CLOUDHSM)).keyMetadata().keyId();
        kms.scheduleKeyDeletion(r -> r.keyId(keyId));
        disconnect(id);
        emu.backends().proxyCredential("https://xks.example.com", ACCESS_KEY_ID, XKS_SECRET)
                .relatedClusters(CLUSTER, RELATED);
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).newCustomKeyStoreName("hsm2")); // persists the backends
        emu.close();
        kms.close();

        emu = KmsEmulator.builder().clock(clock).stateFile(stateFile).build().start();
        kms = EmulatorTestSupport.kms(emu.endpoint());
        assertThat(emu.keyCount(id)).isEqualTo(1);
        assertThat(kms.describeKey(r -> r.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(emu.backends().kmsuserPasswordIs(CLUSTER, PASSWORD)).isFalse();
        // KMS's rotated copy and the cluster's still match after the restart ...
        assertThat(connect(id).connectionState()).isEqualTo(ConnectionStateType.CONNECTED);
        disconnect(id);
        // ... and the stale template password still breaks the connect.
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).keyStorePassword(PASSWORD));
        assertThat(connect(id).connectionErrorCode()).isEqualTo(ConnectionErrorCodeType.INVALID_CREDENTIALS);
        assertThat(emu.stateJson()).contains("\"backupHistory\" : \"" + CLUSTER + "\"", "https://xks.example.com");
    }

    @Test
    void seedsDeclareClustersProxiesAndKeys() {
        emu.close();
        emu = KmsEmulator.builder().clock(clock).seed("""
                {"clusters": [{"id": "cluster-234567abcdefg", "kmsuserPassword": "seededPw1",
                               "hsmAvailabilityZones": ["us-east-1a", "us-east-1c"], "backupHistory": "b1"},
                              {"id": "cluster-765432abcdefg", "backupHistory": "b1", "active": false},
                              {"id": "cluster-missingcluster", "missing": true}],
                 "proxies": [{"uriEndpoint": "https://xks.example.com", "accessKeyId": "ZYXWVUTSRQPONMLKJIHG",
                              "rawSecretAccessKey": "ggggggggggggggggggggggggggggggggggggggggggg"},
                             {"uriEndpoint": "https://down.example.com", "reachable": false}],
                 "stores": [{"id": "cks-1234567890abcdef0", "name": "hsm", "type": "AWS_CLOUDHSM",
                             "cloudHsmClusterId": "cluster-234567abcdefg", "state": "DISCONNECTED", "keyCount": 1}],
                 "keys": [{"keyId": "11111111-2222-3333-4444-555555555555", "customKeyStoreId": "cks-1234567890abcdef0",
                           "origin": "AWS_CLOUDHSM", "deletionDate": "2025-01-08T00:00:00Z", "pendingWindowInDays": 7}]}
                """).build().start();
        kms = EmulatorTestSupport.kms(emu.endpoint());
        assertThat(emu.keyCount("cks-1234567890abcdef0")).isEqualTo(2);
        assertThat(emu.backends().kmsuserPasswordIs("cluster-234567abcdefg", "seededPw1")).isTrue();
        assertThat(errorCode(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId("cks-1234567890abcdef0")
                .cloudHsmClusterId("cluster-765432abcdefg")))).isEqualTo("CloudHsmClusterNotActiveException");
        assertThat(errorCode(() -> createCloudHsm("m", "cluster-missingcluster", PASSWORD)))
                .isEqualTo("CloudHsmClusterNotFoundException");
        assertThat(errorCode(() -> createXks("xks", r -> { })))
                .isEqualTo("XksProxyIncorrectAuthenticationCredentialException");
        assertThat(errorCode(() -> createXks("down", r -> { }))).isEqualTo("XksProxyUriUnreachableException");
        clock.advance(Duration.ofDays(7));
        assertThat(emu.keyCount("cks-1234567890abcdef0")).isEqualTo(1);
    }

    @Test
    void badSeedsNameTheEntryAndField() {
        for (String[] bad : new String[][] {
                {"{\"clusters\": [{\"id\": \"c\", \"color\": 1}]}", "clusters[0]: unknown field 'color'"},
                {"{\"proxies\": [{\"reachable\": false}]}", "proxies[0]: 'uriEndpoint' is required"},
                {"{\"proxies\": [{\"uriEndpoint\": \"https://x.example.com\", \"accessKeyId\": \"A\", "
                        + "\"secretFingerprint\": \"plain\"}]}", "proxies[0].secretFingerprint: not a fingerprint"},
                {"{\"keys\": [{\"keyId\": \"k\", \"customKeyStoreId\": \"cks-nope\"}]}",
                        "keys[0].customKeyStoreId: no custom key store cks-nope"},
                {"{\"keys\": [{\"keyId\": \"k\"}, {\"keyId\": \"k\"}]}", "keys[1]: key k appears twice"},
                {"{\"stores\": [{\"id\": \"cks-1\", \"name\": \"n\", \"type\": \"AWS_CLOUDHSM\", "
                        + "\"kmsPasswordFingerprint\": \"x\"}]}", "kmsPasswordFingerprint: not a fingerprint"}}) {
            assertThatThrownBy(() -> KmsEmulator.builder().clock(clock).seed(bad[0]).build())
                    .as(bad[0]).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad[1]);
        }
    }

    private static void assertValidation(Runnable call, String... fragments) {
        assertThatThrownBy(call::run).isInstanceOf(KmsException.class).satisfies(e -> {
            KmsException k = (KmsException) e;
            assertThat(k.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
            assertThat(k.awsErrorDetails().errorMessage()).contains(fragments);
        });
    }
}
