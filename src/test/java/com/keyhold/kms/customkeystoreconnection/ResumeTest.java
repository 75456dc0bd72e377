package com.keyhold.kms.customkeystoreconnection;

import static com.keyhold.kms.customkeystoreconnection.HandlerWrapperTest.HSM;
import static com.keyhold.kms.customkeystoreconnection.HandlerWrapperTest.props;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms.Op;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;

/**
 * Re-invocation is normal: CloudFormation may deliver a callback twice, and a handler process may die after a call.
 * At every step of a FAILED recovery (two mutating calls), a fresh wrapper resumed from the serialized callback
 * context of that step, then the original carrying on, must not repeat a Connect or Disconnect.
 */
class ResumeTest {

    @ParameterizedTest(name = "duplicate delivery of step {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
    void resumingFromAnyStepNeverRepeatsAMutatingCall(final int duplicatedStep) throws Exception {
        final VirtualClock clock = new VirtualClock();
        final FakeKms kms = new FakeKms(clock).failed(HSM, "AWS_CLOUDHSM", "INTERNAL_ERROR");
        final FakeSsm ssm = new FakeSsm();
        final WrapperDriver original = new WrapperDriver(clock, new FixedClients(kms, ssm));
        final ObjectNode request = original.request("CREATE", props(HSM, "CONNECTED"), null);
        final List<String> contexts = new ArrayList<>();
        JsonNode response;
        int step = 0;
        do {
            contexts.add(WrapperDriver.JSON.writeValueAsString(request));
            if (step == duplicatedStep) {
                // A second delivery of the same request, to a brand-new process.
                final ObjectNode copy = (ObjectNode) WrapperDriver.JSON.readTree(contexts.get(step));
                new WrapperDriver(clock, new FixedClients(kms, ssm)).invoke(copy);
            }
            response = original.invoke(request);
            if ("IN_PROGRESS".equals(response.path("status").asText())) {
                clock.advanceSeconds(response.path("callbackDelaySeconds").asLong());
                request.set("callbackContext", response.get("callbackContext"));
            }
            step++;
        } while ("IN_PROGRESS".equals(response.path("status").asText()));

        assertThat(response.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.state(HSM)).isEqualTo(ConnectionStateType.CONNECTED);
        assertThat(kms.count(Op.DISCONNECT)).as("recovery Disconnect").isEqualTo(1);
        assertThat(kms.count(Op.CONNECT)).as("recovery Connect").isEqualTo(1);
        assertThat(step).as("the recovery took several invocations").isGreaterThan(duplicatedStep);
    }
}
