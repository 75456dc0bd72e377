package com.keyhold.kms.customkeystoreconnection.aws;

import com.keyhold.kms.customkeystoreconnection.core.StackResourcesPort;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * CloudFormation's DescribeStackResources, the one CloudFormation call Keyhold makes, without the CloudFormation SDK:
 * the AWS query protocol (a form-encoded POST, {@code Version=2010-05-15}, an XML answer), SigV4 for the service
 * {@code cloudformation}, with the caller's credentials as {@link CloudHsmClusters} gets them.
 *
 * <p>A stack that does not exist (ValidationError "Stack with id ... does not exist": a deleted stack's id answers for
 * 90 days, then this) and a logical id the stack does not list are an empty answer; every other error is the SDK's
 * AwsServiceException with the service's code and HTTP status, or an SdkClientException.
 */
public final class CloudFormationStacks implements StackResourcesPort {
    static final String SIGNING_NAME = "cloudformation";
    static final String VERSION = "2010-05-15";
    private static final String CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

    private final SdkHttpClient http;
    private final URI endpoint;
    private final String region;
    private final AwsInvoker invoker;

    public CloudFormationStacks(final SdkHttpClient http, final URI endpoint, final String region,
                                final AwsInvoker invoker) {
        this.http = http;
        this.endpoint = endpoint;
        this.region = region;
        this.invoker = invoker;
    }

    /** The Region's public endpoint: {@code cloudformation.<region>.<partition's DNS suffix>}. */
    public static URI defaultEndpoint(final String region, final String dnsSuffix) {
        return URI.create("https://cloudformation." + region + "." + dnsSuffix);
    }

    @Override
    public Optional<Listed> find(final String stackId, final String logicalResourceId) {
        final String body = "Action=DescribeStackResources&Version=" + VERSION + "&StackName=" + encode(stackId)
            + "&LogicalResourceId=" + encode(logicalResourceId);
        final AtomicReference<SignedRequests.Answer> answer = new AtomicReference<>();
        invoker.invoke(DescribeStackResourcesRequest.create(), carrier -> {
            answer.set(SignedRequests.send(http, endpoint, region, SIGNING_NAME, Map.of("Content-Type", CONTENT_TYPE),
                body, SignedRequests.credentials(carrier.overrideConfiguration()), "DescribeStackResources"));
            return null;
        });
        final int status = answer.get().status();
        if (status / 100 != 2) {
            // An error whose body is not the service's XML (a proxy's page) still carries its HTTP status.
            final Document error = parsedOrNull(answer.get());
            final String code = error == null ? null : text(error.getDocumentElement(), "Code");
            final String message = error == null ? "HTTP " + status : text(error.getDocumentElement(), "Message");
            if ("ValidationError".equals(code) && message != null && message.contains("does not exist")) {
                return Optional.empty();
            }
            throw AwsServiceException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code == null ? "HTTP " + status : code)
                    .errorMessage(message).serviceName("CloudFormation").build()).build();
        }
        final Document xml = parse(answer.get());
        final NodeList members = xml.getElementsByTagName("member");
        for (int i = 0; i < members.getLength(); i++) {
            final Element member = (Element) members.item(i);
            if (logicalResourceId.equals(text(member, "LogicalResourceId"))) {
                return Optional.of(new Listed(text(member, "PhysicalResourceId"), text(member, "ResourceStatus")));
            }
        }
        return Optional.empty();
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String text(final Element parent, final String name) {
        final NodeList found = parent.getElementsByTagName(name);
        return found.getLength() == 0 ? null : found.item(0).getTextContent().trim();
    }

    private Document parsedOrNull(final SignedRequests.Answer answer) {
        try {
            return parse(answer);
        } catch (SdkClientException e) {
            return null;
        }
    }

    private Document parse(final SignedRequests.Answer answer) {
        try {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // An answer is data: no DOCTYPE, no external entities.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(answer.body()));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw SdkClientException.builder().message("DescribeStackResources answered HTTP " + answer.status()
                + " from " + endpoint + " with a body that is not XML: " + e.getMessage()).cause(e).build();
        }
    }
}
