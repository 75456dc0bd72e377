package com.keyhold.kms.customkeystoreconnection.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.core.Attempt;
import com.keyhold.kms.customkeystoreconnection.core.CloudHsmCluster;
import com.keyhold.kms.customkeystoreconnection.core.ErrorTranslator;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.local.emulator.Faults;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.cloudformation.proxy.AmazonWebServicesClientProxy;
import software.amazon.cloudformation.proxy.Credentials;
import software.amazon.cloudformation.proxy.LoggerProxy;

/**
 * The DescribeClusters adapter over HTTP against the emulator, which verifies SigV4: the credentials are the ones the
 * CloudFormation proxy injects (the real AmazonWebServicesClientProxy), the signature is scoped to {@code cloudhsm}.
 */
class CloudHsmClustersTest {
    private static final String ACCESS_KEY = "AKIAEMULATORTEST0001";
    private static final String SECRET_KEY = "emulator-secret-key-for-tests";
    private static final String A = "cluster-234567abcdefg";
    private static final String B = "cluster-765432gfedcba";
    private static final String C = "cluster-2222233333aaa";

    private final VirtualClock clock = new VirtualClock();
    private KmsEmulator emulator;

    @BeforeEach
    void start() {
        emulator = KmsEmulator.builder().clock(clock).credentials(ACCESS_KEY, SECRET_KEY).build().start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private CloudHsmClusters clusters(final String secretKey) {
        final AmazonWebServicesClientProxy proxy = new AmazonWebServicesClientProxy(new LoggerProxy(),
            new Credentials(ACCESS_KEY, secretKey, "session-token"), () -> 60_000L);
        return new CloudHsmClusters(UrlConnectionHttpClient.builder().build(), emulator.endpoint(), "us-east-1",
            proxy::injectCredentialsAndInvokeV2);
    }

    @Test
    void reportsStateActiveHsmZonesAndTheCertificateThatMakesClustersRelated() {
        emulator.backends().relatedClusters(A, B).clusterHsms(C, "us-east-1a").clusterActive(C, false);
        final CloudHsmClusters clusters = clusters(SECRET_KEY);

        final CloudHsmCluster a = clusters.describe(A).orElseThrow();
        final CloudHsmCluster b = clusters.describe(B).orElseThrow();
        final CloudHsmCluster c = clusters.describe(C).orElseThrow();
        assertThat(a.clusterId()).isEqualTo(A);
        assertThat(a.state()).isEqualTo("ACTIVE");
        assertThat(a.activeHsmZones()).containsExactly("us-east-1a", "us-east-1b");
        assertThat(a.clusterCertificate()).startsWith("-----BEGIN CERTIFICATE-----").isEqualTo(b.clusterCertificate());
        assertThat(c.state()).isEqualTo("INITIALIZED");
        assertThat(c.activeHsmZones()).containsExactly("us-east-1a");
        assertThat(c.clusterCertificate()).isNotEqualTo(a.clusterCertificate());
        assertThat(emulator.requestCount("DescribeClusters")).isEqualTo(3);
    }

    @Test
    void anUndeclaredClusterIsHealthyAndAMissingOneIsNotListed() {
        emulator.backends().missingCluster(B);
        final CloudHsmClusters clusters = clusters(SECRET_KEY);
        assertThat(clusters.describe(A)).hasValueSatisfying(c -> {
            assertThat(c.state()).isEqualTo("ACTIVE");
            assertThat(c.activeHsmZones()).hasSize(2);
        });
        assertThat(clusters.describe(B)).isEmpty();
    }

    @Test
    void theServiceErrorKeepsItsCodeAndStatusSoTheTranslatorClassifiesIt() {
        final CloudHsmClusters wrongKey = clusters("not-the-secret-key");
        assertThatThrownBy(() -> wrongKey.describe(A)).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
            assertThat(e.statusCode()).isEqualTo(400);
        });

        emulator.faults().errorNext("DescribeClusters", Faults.ANY, "ThrottlingException", 1);
        final RuntimeException throttled = catchRuntime(() -> clusters(SECRET_KEY).describe(A));
        final ErrorTranslator.Translation translation = new ErrorTranslator().translate(throttled,
            new Attempt("DescribeClusters", "cks-1234567890abcdef0", "us-east-1"));
        assertThat(translation.kind()).isEqualTo(FailureKind.Throttling);
        assertThat(translation.retryable()).isTrue();

        emulator.faults().errorNext("DescribeClusters", Faults.ANY, "CloudHsmAccessDeniedException", 1);
        final RuntimeException denied = catchRuntime(() -> clusters(SECRET_KEY).describe(A));
        assertThat(((AwsServiceException) denied).awsErrorDetails().errorCode())
            .isEqualTo("CloudHsmAccessDeniedException");
        assertThat(new Attempt("DescribeClusters", "cks-1", "us-east-1").permission())
            .isEqualTo("cloudhsm:DescribeClusters");
    }

    @Test
    void anUnreachableEndpointIsANetworkFailure() {
        final AmazonWebServicesClientProxy proxy = new AmazonWebServicesClientProxy(new LoggerProxy(),
            new Credentials(ACCESS_KEY, SECRET_KEY, "t"), () -> 60_000L);
        final CloudHsmClusters nowhere = new CloudHsmClusters(UrlConnectionHttpClient.builder().build(),
            URI.create("http://127.0.0.1:1"), "us-east-1", proxy::injectCredentialsAndInvokeV2);
        final RuntimeException error = catchRuntime(() -> nowhere.describe(A));
        assertThat(error).isInstanceOf(SdkClientException.class);
        assertThat(new ErrorTranslator().translate(error, new Attempt("DescribeClusters", "cks-1", "us-east-1"))
            .kind()).isEqualTo(FailureKind.NetworkFailure);
    }

    @Test
    void theEndpointFollowsTheSdkVariablesThenTheRegionsPartition() {
        final Map<String, String> none = Map.of();
        assertThat(ClientFactory.cloudHsmEndpoint("eu-west-1", none::get, none::get))
            .isEqualTo(URI.create("https://cloudhsmv2.eu-west-1.amazonaws.com"));
        assertThat(ClientFactory.cloudHsmEndpoint("cn-north-1", none::get, none::get))
            .isEqualTo(URI.create("https://cloudhsmv2.cn-north-1.amazonaws.com.cn"));
        assertThat(ClientFactory.cloudHsmEndpoint("us-east-1",
            Map.of("AWS_ENDPOINT_URL", "http://all:1", "AWS_ENDPOINT_URL_CLOUDHSM_V2", "http://hsm:2")::get, none::get))
            .isEqualTo(URI.create("http://hsm:2"));
        assertThat(ClientFactory.cloudHsmEndpoint("us-east-1", Map.of("AWS_ENDPOINT_URL", "http://all:1")::get,
            Map.of("aws.endpointUrlCloudHsmV2", "http://prop:3")::get)).isEqualTo(URI.create("http://prop:3"));
        assertThat(ClientFactory.cloudHsmEndpoint("us-east-1", Map.of("AWS_ENDPOINT_URL", "http://all:1")::get,
            none::get)).isEqualTo(URI.create("http://all:1"));
        assertThat(List.of(CloudHsmClusters.TARGET, CloudHsmClusters.SIGNING_NAME))
            .containsExactly("BaldrApiService.DescribeClusters", "cloudhsm");
    }

    private static RuntimeException catchRuntime(final Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    /** A server that answers every request with {@code status} and {@code body}: the service's odd answers. */
    private static com.sun.net.httpserver.HttpServer answering(final int status, final String body) throws Exception {
        final com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            final byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    private static CloudHsmClusters at(final com.sun.net.httpserver.HttpServer server) {
        final AmazonWebServicesClientProxy proxy = new AmazonWebServicesClientProxy(new LoggerProxy(),
            new Credentials(ACCESS_KEY, SECRET_KEY, "t"), () -> 60_000L);
        return new CloudHsmClusters(UrlConnectionHttpClient.builder().build(),
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "us-east-1",
            proxy::injectCredentialsAndInvokeV2);
    }

    /** What describe(A) gives against a server answering so: the cluster, or the exception it throws. */
    private static Object describeAgainst(final int status, final String body) throws Exception {
        final com.sun.net.httpserver.HttpServer server = answering(status, body);
        try {
            return at(server).describe(A);
        } catch (RuntimeException e) {
            return e;
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theServicesOddAnswersAreReadAsTheSdkWould() throws Exception {
        assertThat(describeAgainst(200, "")).as("an empty answer lists no cluster").isEqualTo(Optional.empty());
        final Object degraded = describeAgainst(200, "{\"Clusters\":[{\"ClusterId\":\"" + B + "\",\"State\":"
            + "\"ACTIVE\"},{\"ClusterId\":\"" + A + "\",\"State\":\"DEGRADED\",\"Hsms\":[{\"AvailabilityZone\":"
            + "\"z1\",\"State\":\"ACTIVE\"},{\"AvailabilityZone\":\"z2\",\"State\":\"DELETE_IN_PROGRESS\"}]}]}");
        assertThat(degraded).as("the cluster of the id asked for, its ACTIVE HSMs only").isEqualTo(Optional.of(
            new CloudHsmCluster(A, "DEGRADED", List.of("z1"), null)));

        assertThat(describeAgainst(200, "<html>proxy</html>")).isInstanceOfSatisfying(SdkClientException.class,
            e -> assertThat(e.getMessage()).contains("not JSON"));

        final Object unavailable = describeAgainst(503, "<html>unavailable</html>");
        assertThat(unavailable).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("CloudHsmInternalFailureException");
            assertThat(new ErrorTranslator().translate(e, new Attempt("DescribeClusters", "cks-1", "us-east-1"))
                .kind()).isEqualTo(FailureKind.ServiceInternalError);
        });

        assertThat(describeAgainst(400, "{\"__type\":\"com.amazonaws.baldrapi#CloudHsmInvalidRequestException\","
            + "\"Message\":\"bad filter\"}")).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("CloudHsmInvalidRequestException");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("bad filter");
                assertThat(e.statusCode()).isEqualTo(400);
            });
        assertThat(describeAgainst(400, "")).isInstanceOfSatisfying(AwsServiceException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("CloudHsmServiceException"));
    }
}
