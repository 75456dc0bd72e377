package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

class InputCheckTest {
    private static String problem(final String json) {
        return InputCheck.problem(new JSONObject(json));
    }

    @Test
    void leavesRequestsWithoutAnActionItKnowsToTheProtocol() {
        assertThat(problem("{}")).isNull();
        assertThat(problem("{\"action\": 7, \"requestData\": \"x\"}")).isNull();
    }

    @Test
    void checksOnlyFirstInvocationsOfCreateAndUpdate() {
        final String bad = "\"requestData\": {\"resourceProperties\": {\"CustomKeyStoreId\": \"x\"}}";
        assertThat(problem("{\"action\": \"CREATE\", " + bad + "}")).contains("CustomKeyStoreId 'x'");
        assertThat(problem("{\"action\": \"UPDATE\", \"callbackContext\": null, \"requestData\": "
            + "{\"resourceProperties\": {\"CustomKeyStoreId\": \"cks-1\", \"ConnectionState\": \"ON\"}}}"))
            .contains("ConnectionState 'ON'");
        assertThat(problem("{\"action\": \"CREATE\", \"callbackContext\": {}, " + bad + "}")).isNull();
        assertThat(problem("{\"action\": \"READ\", \"requestData\": {\"resourceProperties\": "
            + "{\"CustomKeyStoreId\": \"cks-1\"}}}")).isNull();
        // A READ, UPDATE or DELETE naming no possible key store is NotFound, before the schema check.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> problem("{\"action\": \"READ\", " + bad + "}"))
            .isInstanceOfSatisfying(KeyholdFailureException.class,
                e -> assertThat(e.failure().kind()).isEqualTo(FailureKind.NotFound));
        assertThat(problem("{\"action\": \"LIST\"}")).isNull();
    }

    @Test
    void mutatingRequestsNeedProperties() {
        assertThat(problem("{\"action\": \"DELETE\", \"requestData\": {}}")).contains("DELETE", "no resource properties");
        assertThat(problem("{\"action\": \"CREATE\", \"requestData\": {\"resourceProperties\": null}}"))
            .contains("CREATE", "no resource properties");
    }

    @Test
    void nonStringValuesAreReportedAsGiven() {
        assertThat(problem("{\"action\": \"CREATE\", \"requestData\": {\"resourceProperties\": "
            + "{\"CustomKeyStoreId\": \"cks-1\", \"ConnectionState\": 42, \"ConnectionStateOnDelete\": null}}}"))
            .contains("ConnectionState '42'");
    }
}
