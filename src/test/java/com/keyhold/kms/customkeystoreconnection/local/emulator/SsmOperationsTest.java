package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.InvalidNextTokenException;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** The SSM Parameter Store operations through the AWS SDK for Java v2. */
class SsmOperationsTest {
    private static final String PREFIX = "/keyhold/kms/custom-key-store-connection/";
    private final VirtualClock clock = new VirtualClock();
    private KmsEmulator emu;
    private SsmClient ssm;

    @BeforeEach
    void start() {
        emu = KmsEmulator.builder().clock(clock).build().start();
        ssm = EmulatorTestSupport.ssm(emu.endpoint());
    }

    @AfterEach
    void stop() {
        ssm.close();
        emu.close();
    }

    @Test
    void putGetOverwriteDelete() {
        String name = PREFIX + "cks-1234567890abcdef0";
        var put = ssm.putParameter(r -> r.name(name).value("{\"a\":1}").type(ParameterType.STRING).overwrite(false));
        assertThat(put.version()).isEqualTo(1);
        assertThat(put.tier()).isEqualTo(ParameterTier.STANDARD);

        assertThatThrownBy(() -> ssm.putParameter(r -> r.name(name).value("x").type(ParameterType.STRING)))
                .isInstanceOf(ParameterAlreadyExistsException.class);
        assertThat(ssm.putParameter(r -> r.name(name).value("{\"a\":2}").overwrite(true)).version()).isEqualTo(2);

        Parameter p = ssm.getParameter(r -> r.name(name)).parameter();
        assertThat(p.value()).isEqualTo("{\"a\":2}");
        assertThat(p.version()).isEqualTo(2);
        assertThat(p.type()).isEqualTo(ParameterType.STRING);
        assertThat(p.arn()).isEqualTo("arn:aws:ssm:us-east-1:111122223333:parameter" + name);
        assertThat(p.dataType()).isEqualTo("text");
        assertThat(p.lastModifiedDate()).isEqualTo(clock.instant());
        assertThat(emu.parameterValue(name)).contains("{\"a\":2}");

        ssm.deleteParameter(r -> r.name(name));
        assertThatThrownBy(() -> ssm.getParameter(r -> r.name(name))).isInstanceOf(ParameterNotFoundException.class);
        assertThatThrownBy(() -> ssm.deleteParameter(r -> r.name(name))).isInstanceOf(ParameterNotFoundException.class);
    }

    @Test
    void byPathPagesAndRespectsRecursive() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            String name = PREFIX + "cks-" + String.format("%017d", i);
            names.add(name);
            ssm.putParameter(r -> r.name(name).value("v").type(ParameterType.STRING));
        }
        ssm.putParameter(r -> r.name(PREFIX + "nested/deeper").value("v").type(ParameterType.STRING));
        ssm.putParameter(r -> r.name("/elsewhere").value("v").type(ParameterType.STRING));

        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            GetParametersByPathResponse page = ssm.getParametersByPath(r -> r.path(PREFIX).maxResults(5).nextToken(t));
            page.parameters().forEach(p -> seen.add(p.name()));
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertThat(seen).isEqualTo(names);
        assertThat(pages).isEqualTo(3);

        assertThat(ssm.getParametersByPathPaginator(r -> r.path("/keyhold").recursive(true)).stream()
                .flatMap(p -> p.parameters().stream()).toList())
                .hasSize(14);
        assertThat(ssm.getParametersByPath(r -> r.path("/keyhold")).parameters()).isEmpty();

        assertThatThrownBy(() -> ssm.getParametersByPath(r -> r.path(PREFIX).nextToken("garbage")))
                .isInstanceOf(InvalidNextTokenException.class);
        assertValidation(() -> ssm.getParametersByPath(r -> r.path(PREFIX).maxResults(11)),
                "less than or equal to 10");
        assertValidation(() -> ssm.getParametersByPath(r -> r.path("keyhold")), "forward slash");
    }

    @Test
    void validatesNamesTypesAndValues() {
        assertValidation(() -> ssm.putParameter(r -> r.name("/a").value("v")), "type is required");
        assertValidation(() -> ssm.putParameter(r -> r.name("/aws/x").value("v").type(ParameterType.STRING)),
                "prefixed");
        assertValidation(() -> ssm.putParameter(r -> r.name("a/b").value("v").type(ParameterType.STRING)),
                "sub-paths");
        assertValidation(() -> ssm.putParameter(r -> r.name("/a").value("v").type("Number")),
                "enum value set");
        assertValidation(() -> ssm.putParameter(r -> r.name("/a").value("x".repeat(4097))
                .type(ParameterType.STRING)), "4096");
        assertValidation(() -> ssm.putParameter(r -> r.name("").value("v").type(ParameterType.STRING)), "name");
    }

    @Test
    void secureStringIsOpaqueUnlessDecrypted() {
        ssm.putParameter(r -> r.name("/s").value("secret").type(ParameterType.SECURE_STRING));
        assertThat(ssm.getParameter(r -> r.name("/s")).parameter().value()).isNotEqualTo("secret");
        assertThat(ssm.getParameter(r -> r.name("/s").withDecryption(true)).parameter().value()).isEqualTo("secret");
    }

    @Test
    void injectedInternalErrorIsSsmsOwn() {
        emu.faults().internalErrorNext("GetParameter", 1);
        assertThatThrownBy(() -> ssm.getParameter(r -> r.name("/x"))).isInstanceOf(SsmException.class)
                .satisfies(e -> {
                    assertThat(((SsmException) e).awsErrorDetails().errorCode()).isEqualTo("InternalServerError");
                    assertThat(((SsmException) e).statusCode()).isEqualTo(500);
                });
    }

    private static void assertValidation(Runnable call, String fragment) {
        assertThatThrownBy(call::run).isInstanceOf(SsmException.class).satisfies(e -> {
            SsmException s = (SsmException) e;
            assertThat(s.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
            assertThat(s.awsErrorDetails().errorMessage()).contains(fragment);
        });
    }
}
