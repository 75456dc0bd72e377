package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** The public face of the type's input rules gives the create and update handlers' own findings. */
class InputRulesTest {
    @Test
    void theHandlersRulesForCreateAndUpdate() {
        final JSONObject hsm = new JSONObject().put("CustomKeyStoreName", "hsm")
            .put("CloudHsmClusterId", "cluster-765432hgfedcb").put("TrustAnchorCertificate", "x");
        assertThat(InputRules.problems(hsm, false)).isEmpty();
        assertThat(InputRules.problems(hsm, true)).containsExactly(
            "KeyStorePassword is required for AWS_CLOUDHSM key stores.");
        assertThat(InputRules.problems(hsm, true)).isEqualTo(InputCheck.problems(hsm, true));
    }
}
