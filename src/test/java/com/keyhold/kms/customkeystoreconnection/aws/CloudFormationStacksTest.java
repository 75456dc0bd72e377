package com.keyhold.kms.customkeystoreconnection.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.core.StackResourcesPort;
import com.keyhold.kms.customkeystoreconnection.local.emulator.CloudFormationService;
import com.keyhold.kms.customkeystoreconnection.local.emulator.Faults;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * DescribeStackResources over the query protocol against the emulator, which verifies SigV4 with the caller's
 * credentials, and against a server answering what CloudFormation or a proxy in between might.
 */
class CloudFormationStacksTest {
    static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String STACK = "arn:aws:cloudformation:us-east-1:111122223333:stack/pay & co/1";

    private KmsEmulator emulator;

    @BeforeEach
    void start() {
        emulator = KmsEmulator.builder().clock(new VirtualClock()).credentials(ACCESS_KEY, SECRET_KEY).build().start();
        emulator.stacks(name -> name.equals(STACK) ? Optional.of(List.of(
            new CloudFormationService.Stacks.Resource(STACK, "pay", "Conn", "cks-1", "T", "UPDATE_COMPLETE", null),
            new CloudFormationService.Stacks.Resource(STACK, "pay", "Other", "cks-2", "T", "CREATE_COMPLETE", null)))
            : Optional.empty());
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private static CloudFormationStacks at(final URI endpoint) {
        final AmazonWebServicesClientProxy proxy = new AmazonWebServicesClientProxy(new LoggerProxy(),
            new Credentials(ACCESS_KEY, SECRET_KEY, "session-token"), () -> 60_000L);
        return new CloudFormationStacks(UrlConnectionHttpClient.builder().build(), endpoint, "us-east-1",
            proxy::injectCredentialsAndInvokeV2);
    }

    @Test
    void findsTheLogicalIdOfAStackByIdAndNothingForAGoneStackOrAnUnlistedId() {
        final CloudFormationStacks stacks = at(emulator.endpoint());
        assertThat(stacks.find(STACK, "Other")).contains(new StackResourcesPort.Listed("cks-2", "CREATE_COMPLETE"));
        assertThat(stacks.find(STACK, "Missing")).isEmpty();
        assertThat(stacks.find(STACK.replace("/1", "/2"), "Conn")).as("ValidationError: does not exist").isEmpty();
        assertThat(emulator.requestLog().entries()).extracting(e -> e.operation() + " " + e.outcome())
            .containsExactly("DescribeStackResources OK", "DescribeStackResources OK",
                "DescribeStackResources ValidationError");
    }

    @Test
    void otherErrorsAreTheServicesWithItsCodeAndStatus() {
        emulator.faults().errorNext("DescribeStackResources", Faults.ANY, "ValidationError", 1)
            .errorNext("DescribeStackResources", Faults.ANY, "AccessDenied", 1);
        final CloudFormationStacks stacks = at(emulator.endpoint());
        assertThatThrownBy(() -> stacks.find(STACK, "Conn")).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains("Injected by the Keyhold emulator");
        });
        assertThatThrownBy(() -> stacks.find(STACK, "Conn")).isInstanceOfSatisfying(AwsServiceException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }

    @Test
    void aProxysPageIsItsHttpStatusAndASuccessThatIsNotXmlIsAClientError() throws Exception {
        for (int status : new int[] {503, 200}) {
            final com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                final byte[] bytes = "<html>proxy".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            try {
                final CloudFormationStacks stacks = at(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
                if (status == 503) {
                    assertThatThrownBy(() -> stacks.find(STACK, "Conn")).isInstanceOfSatisfying(
                        AwsServiceException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(503);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("HTTP 503");
                        });
                } else {
                    assertThatThrownBy(() -> stacks.find(STACK, "Conn")).isInstanceOf(SdkClientException.class)
                        .hasMessageContaining("not XML");
                }
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    void anEmulatorWithoutStacksAnswersAsAnAccountWithNoStacks() {
        emulator.stacks(null);
        assertThat(at(emulator.endpoint()).find(STACK, "Conn")).as("the stack does not exist").isEmpty();
    }
}
