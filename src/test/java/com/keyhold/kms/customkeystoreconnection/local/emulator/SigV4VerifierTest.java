package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * SigV4Verifier on its own, each decision against a request the AWS SDK's own SigV4 signer signed: the paths,
 * queries and header shapes the emulator's HTTP tests never send (their SDK clients always POST to "/").
 */
class SigV4VerifierTest {
    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final byte[] BODY = "{\"CustomKeyStoreId\": \"cks-1\"}".getBytes(StandardCharsets.UTF_8);

    private final SigV4Verifier checking = new SigV4Verifier(ACCESS_KEY, SECRET);
    private final SigV4Verifier anyCredentials = new SigV4Verifier(null, null);

    /** A request as the SDK signs it, with its headers looked up case-insensitively as the HTTP server does. */
    private record Signed(URI uri, Map<String, List<String>> headers) {
        Function<String, List<String>> lookup() {
            return headers::get;
        }

        Signed with(final String name, final String... values) {
            final Map<String, List<String>> changed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            changed.putAll(headers);
            if (values.length == 0) {
                changed.remove(name);
            } else {
                changed.put(name, List.of(values));
            }
            return new Signed(uri, changed);
        }

        Signed authorization(final String value) {
            return with("Authorization", value);
        }

        String authorization() {
            return headers.get("Authorization").get(0);
        }
    }

    private static Signed sign(final String uri, final String service, final Map<String, List<String>> extraHeaders) {
        final SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(uri))
            .putHeader("Content-Type", "application/x-amz-json-1.1");
        extraHeaders.forEach(request::putHeader);
        final SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
            .identity(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET))
            .request(request.build())
            .payload(ContentStreamProvider.fromByteArray(BODY))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
            .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")).request();
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(signed.headers());
        return new Signed(signed.getUri(), headers);
    }

    private static Signed sign(final String uri) {
        return sign(uri, "kms", Map.of());
    }

    private SigV4Verifier.Signer verify(final SigV4Verifier verifier, final Signed request, final String service) {
        return verifier.verify("POST", request.uri(), request.lookup(), BODY, service);
    }

    private static void assertRefused(final Runnable call, final String type, final String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1:4566/",
        "http://127.0.0.1:4566",
        "http://127.0.0.1:4566/a%20path/with~unreserved-_.chars/",
        "http://127.0.0.1:4566/?b=2&a=1&a=0&empty=&flag",
        "http://127.0.0.1:4566/x?space=a%20b&plus=a%2Bb&slash=a%2Fb&star=*"})
    void aSignatureTheSdkMadeIsAcceptedWhateverThePathAndQuery(final String uri) {
        final Signed request = sign(uri);
        assertThat(verify(checking, request, "kms")).isEqualTo(new SigV4Verifier.Signer(ACCESS_KEY, "eu-west-1"));
    }

    @Test
    void signedHeadersAreCanonicalisedAsTheSignerDid() {
        final Signed request = sign("http://127.0.0.1:4566/", "kms",
            Map.of("X-Amz-Target", List.of("  TrentService.DescribeCustomKeyStores  "),
                "X-Custom", List.of("a   b", "c")));
        assertThat(request.authorization()).contains("x-custom");
        assertThat(verify(checking, request, "kms").accessKeyId()).isEqualTo(ACCESS_KEY);
        assertRefused(() -> verify(checking, request.with("X-Custom", "a b", "d"), "kms"),
            "InvalidSignatureException", "does not match");
        assertRefused(() -> verify(checking, request.with("X-Custom"), "kms"),
            "InvalidSignatureException", "does not match");
    }

    @Test
    @SuppressWarnings("deprecation")
    void withoutAContentHashHeaderTheBodyIsHashed() {
        // The SDK's older signer sends no x-amz-content-sha256 for KMS: the verifier hashes the body itself.
        final SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST)
            .uri(URI.create("http://127.0.0.1:4566/")).putHeader("Content-Type", "application/x-amz-json-1.1")
            .contentStreamProvider(ContentStreamProvider.fromByteArray(BODY)).build();
        final SdkHttpFullRequest signed = Aws4Signer.create().sign(request, Aws4SignerParams.builder()
            .awsCredentials(AwsBasicCredentials.create(ACCESS_KEY, SECRET)).signingName("kms")
            .signingRegion(Region.EU_WEST_1).build());
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(signed.headers());
        assertThat(headers).doesNotContainKey("x-amz-content-sha256");
        assertThat(checking.verify("POST", signed.getUri(), headers::get, BODY, "kms")).isNotNull();
        assertRefused(() -> checking.verify("POST", signed.getUri(), headers::get,
            "{}".getBytes(StandardCharsets.UTF_8), "kms"), "InvalidSignatureException", "does not match");
        // A streaming marker is no hash: the body is hashed then too.
        headers.put("X-Amz-Content-Sha256", List.of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
        assertThat(checking.verify("POST", signed.getUri(), headers::get, BODY, "kms")).isNotNull();
    }

    @Test
    void aContentHashHeaderIsWhatTheSignatureCovers() {
        final Signed request = sign("http://127.0.0.1:4566/");
        assertThat(request.authorization()).contains("x-amz-content-sha256");
        assertRefused(() -> verify(checking, request.with("X-Amz-Content-Sha256", "0".repeat(64)), "kms"),
            "InvalidSignatureException", "does not match");
    }

    @Test
    void aBodyChangedAfterSigningBreaksTheSignatureThoughTheHashHeaderWasKept() {
        final Signed request = sign("http://127.0.0.1:4566/");
        assertThat(request.headers()).containsKey("x-amz-content-sha256");
        assertRefused(() -> checking.verify("POST", request.uri(), request.lookup(),
            "{\"CustomKeyStoreId\":\"cks-other\"}".getBytes(StandardCharsets.UTF_8), "kms"),
            "InvalidSignatureException", "does not match");
    }

    @Test
    void anyChangeToWhatWasSignedBreaksTheSignature() {
        final Signed request = sign("http://127.0.0.1:4566/p?a=1");
        assertRefused(() -> checking.verify("PUT", request.uri(), request.lookup(), BODY, "kms"),
            "InvalidSignatureException", "Check your AWS Secret Access Key");
        assertRefused(() -> checking.verify("POST", URI.create("http://127.0.0.1:4566/q?a=1"), request.lookup(), BODY,
            "kms"), "InvalidSignatureException", "does not match");
        assertRefused(() -> checking.verify("POST", URI.create("http://127.0.0.1:4566/p?a=2"), request.lookup(), BODY,
            "kms"), "InvalidSignatureException", "does not match");
        assertRefused(() -> verify(new SigV4Verifier(ACCESS_KEY, "another secret"), request, "kms"),
            "InvalidSignatureException", "does not match");
    }

    @Test
    void anUnknownAccessKeyIsUnrecognizedEvenWithAValidSignature() {
        assertRefused(() -> verify(new SigV4Verifier("AKIAOTHERKEY00000000", SECRET), sign("http://127.0.0.1:1/"),
            "kms"), "UnrecognizedClientException", "security token included in the request is invalid");
    }

    @Test
    void withAKeyPairTheDateHeaderIsRequired() {
        assertRefused(() -> verify(checking, sign("http://127.0.0.1:1/").with("X-Amz-Date"), "kms"),
            "IncompleteSignatureException", "'X-Amz-Date'");
    }

    @Test
    void withoutAKeyPairAnyWellFormedSignatureIsAccepted() {
        final Signed request = sign("http://127.0.0.1:1/").with("X-Amz-Date");
        final String forged = request.authorization().replaceAll("Signature=[0-9a-f]+", "Signature=00");
        assertThat(anyCredentials.verifiesSignatures()).isFalse();
        assertThat(checking.verifiesSignatures()).isTrue();
        assertThat(verify(anyCredentials, request.authorization(forged), "kms"))
            .isEqualTo(new SigV4Verifier.Signer(ACCESS_KEY, "eu-west-1"));
    }

    @Test
    void theCredentialMustBeScopedToTheServiceCalled() {
        final Signed forSsm = sign("http://127.0.0.1:1/", "ssm", Map.of());
        assertRefused(() -> verify(anyCredentials, forSsm, "kms"), "InvalidSignatureException",
            "scoped to correct service: 'kms'");
        assertThat(verify(checking, forSsm, "ssm").region()).isEqualTo("eu-west-1");
        assertThat(verify(anyCredentials, forSsm, null).accessKeyId()).as("no known service: no scope check")
            .isEqualTo(ACCESS_KEY);
    }

    @Test
    void aMissingOrBlankHeaderIsAMissingToken() {
        final Signed request = sign("http://127.0.0.1:1/");
        for (Signed unsigned : List.of(request.with("Authorization"), request.authorization(" "),
            new Signed(request.uri(), Map.of("Authorization", new ArrayList<>())))) {
            assertRefused(() -> verify(anyCredentials, unsigned, "kms"), "MissingAuthenticationTokenException",
                "Missing Authentication Token");
        }
    }

    @Test
    void malformedHeadersAreIncompleteSignaturesThatNameWhatIsMissing() {
        final Signed request = sign("http://127.0.0.1:1/");
        final String header = request.authorization();
        assertRefused(() -> verify(anyCredentials, request.authorization("AWS4-HMAC-SHA1 " + header.substring(17)),
            "kms"), "IncompleteSignatureException", "got 'AWS4-HMAC-SHA1'");
        assertRefused(() -> verify(anyCredentials, request.authorization("Bearer"), "kms"),
            "IncompleteSignatureException", "must start with 'AWS4-HMAC-SHA256 '");
        for (String part : List.of("Credential", "SignedHeaders", "Signature")) {
            final String without = header.replaceAll(part + "=[^,]*", part);
            assertRefused(() -> verify(anyCredentials, request.authorization(without), "kms"),
                "IncompleteSignatureException", "requires '" + part + "' parameter");
        }
        final String withSignature = header.replaceAll("Credential=[^,]*", "Credential");
        assertRefused(() -> verify(anyCredentials, request.authorization(withSignature), "kms"),
            "IncompleteSignatureException", "Signature=***");
        for (String scope : List.of(ACCESS_KEY + "/20250101/eu-west-1/kms", ACCESS_KEY + "/20250101/eu-west-1/kms/aws4",
            ACCESS_KEY + "/20250101/eu-west-1/kms/aws4_request/extra")) {
            final String badScope = header.replaceAll("Credential=[^,]*", "Credential=" + scope);
            assertRefused(() -> verify(anyCredentials, request.authorization(badScope), "kms"),
                "IncompleteSignatureException", "<access key>/<yyyyMMdd>/<region>/<service>/aws4_request");
        }
    }

    @Test
    void aKeyPairComesWhole() {
        assertThatThrownBy(() -> new SigV4Verifier(ACCESS_KEY, null)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("both");
        assertThatThrownBy(() -> new SigV4Verifier(null, SECRET)).isInstanceOf(IllegalArgumentException.class);
    }
}
