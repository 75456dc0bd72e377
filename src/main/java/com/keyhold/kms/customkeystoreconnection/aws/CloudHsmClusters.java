package com.keyhold.kms.customkeystoreconnection.aws;

import com.keyhold.kms.customkeystoreconnection.core.CloudHsmCluster;
import com.keyhold.kms.customkeystoreconnection.core.CloudHsmClusterPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.json.JSONStringer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * CloudHSM v2's DescribeClusters, the one CloudHSM call Keyhold makes, without the CloudHSM SDK (one call does not
 * justify a service client in the handler jar): AWS JSON 1.1, {@code X-Amz-Target: BaldrApiService.DescribeClusters},
 * SigV4 for the service {@code cloudhsm}, over the process's one HTTP client.
 *
 * <p>The caller's credentials come the way every other call of the handler gets them: through the invoker, i.e. the
 * CloudFormation proxy's injectCredentialsAndInvokeV2, which puts them on the request it passes on
 * ({@link DescribeClustersRequest}, never sent itself); a direct invoker (no proxy) leaves the SDK's default chain.
 *
 * <p>Errors are the SDK's types, so that ErrorTranslator treats them like any other call's: an AwsServiceException
 * with the service's error code and HTTP status, or an SdkClientException around the I/O error.
 */
public final class CloudHsmClusters implements CloudHsmClusterPort {
    static final String TARGET = "BaldrApiService.DescribeClusters";
    static final String SIGNING_NAME = "cloudhsm";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final SdkHttpClient http;
    private final URI endpoint;
    private final String region;
    private final AwsInvoker invoker;

    public CloudHsmClusters(final SdkHttpClient http, final URI endpoint, final String region,
                            final AwsInvoker invoker) {
        this.http = http;
        this.endpoint = endpoint;
        this.region = region;
        this.invoker = invoker;
    }

    /** The Region's public endpoint: {@code cloudhsmv2.<region>.<partition's DNS suffix>}. */
    public static URI defaultEndpoint(final String region, final String dnsSuffix) {
        return URI.create("https://cloudhsmv2." + region + "." + dnsSuffix);
    }

    @Override
    public Optional<CloudHsmCluster> describe(final String clusterId) {
        final String body = new JSONStringer().object().key("Filters").object().key("clusterIds").array()
            .value(clusterId).endArray().endObject().endObject().toString();
        final AtomicReference<JSONObject> answer = new AtomicReference<>();
        invoker.invoke(DescribeClustersRequest.create(), carrier -> {
            answer.set(send(body, SignedRequests.credentials(carrier.overrideConfiguration())));
            return null;
        });
        final JSONArray clusters = answer.get().optJSONArray("Clusters");
        for (int i = 0; clusters != null && i < clusters.length(); i++) {
            final JSONObject cluster = clusters.getJSONObject(i);
            if (clusterId.equals(cluster.optString("ClusterId"))) {
                return Optional.of(parse(cluster));
            }
        }
        return Optional.empty();
    }

    static CloudHsmCluster parse(final JSONObject cluster) {
        final List<String> zones = new ArrayList<>();
        final JSONArray hsms = cluster.optJSONArray("Hsms");
        for (int i = 0; hsms != null && i < hsms.length(); i++) {
            final JSONObject hsm = hsms.getJSONObject(i);
            if ("ACTIVE".equals(hsm.optString("State"))) {
                zones.add(hsm.optString("AvailabilityZone"));
            }
        }
        final JSONObject certificates = cluster.optJSONObject("Certificates");
        return new CloudHsmCluster(cluster.optString("ClusterId"), cluster.optString("State", null), zones,
            certificates == null ? null : certificates.optString("ClusterCertificate", null));
    }

    private JSONObject send(final String body, final AwsCredentialsProvider credentials) {
        final SignedRequests.Answer answer = SignedRequests.send(http, endpoint, region, SIGNING_NAME,
            java.util.Map.of("Content-Type", CONTENT_TYPE, "X-Amz-Target", TARGET), body, credentials,
            "DescribeClusters");
        final JSONObject json = json(answer.body(), answer.status());
        if (answer.status() / 100 != 2) {
            throw error(answer.status(), json);
        }
        return json;
    }

    private static JSONObject json(final byte[] response, final int status) {
        try {
            return response.length == 0 ? new JSONObject() : new JSONObject(new String(response, StandardCharsets.UTF_8));
        } catch (JSONException e) {
            if (status / 100 != 2) {
                return new JSONObject();
            }
            throw SdkClientException.builder().message("DescribeClusters answered HTTP " + status + " with a body that "
                + "is not JSON").cause(new UncheckedIOException(new IOException(e))).build();
        }
    }

    /** The service's error as the SDK would build it: the error code from {@code __type} (after any '#'). */
    private static AwsServiceException error(final int status, final JSONObject json) {
        final String type = json.optString("__type", status >= 500 ? "CloudHsmInternalFailureException"
            : "CloudHsmServiceException");
        final String code = type.substring(type.lastIndexOf('#') + 1);
        final String message = json.has("message") ? json.optString("message") : json.optString("Message", code);
        return AwsServiceException.builder().statusCode(status).message(message)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                .serviceName("CloudHSM V2").build()).build();
    }
}
