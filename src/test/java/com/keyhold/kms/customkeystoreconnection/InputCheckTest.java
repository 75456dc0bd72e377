package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InputCheckTest {
    private static String problem(final String json) {
        return InputCheck.problem(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void leavesWhatItCannotReadToTheWrapper() {
        assertThat(problem("{not json")).isNull();
        assertThat(problem("[1, 2]")).isNull();
        assertThat(problem("")).isNull();
    }

    @Test
    void checksOnlyFirstInvocationsOfCreateAndUpdate() {
        final String bad = "\"requestData\": {\"resourceProperties\": {\"CustomKeyStoreId\": \"x\"}}";
        assertThat(problem("{\"action\": \"CREATE\", " + bad + "}")).contains("CustomKeyStoreId 'x'");
        assertThat(problem("{\"action\": \"UPDATE\", \"callbackContext\": null, " + bad + "}")).isNotNull();
        assertThat(problem("{\"action\": \"CREATE\", \"callbackContext\": {}, " + bad + "}")).isNull();
        assertThat(problem("{\"action\": \"READ\", " + bad + "}")).isNull();
        assertThat(problem("{\"action\": \"LIST\"}")).isNull();
    }

    @Test
    void mutatingRequestsNeedProperties() {
        assertThat(problem("{\"action\": \"DELETE\", \"requestData\": {}}")).contains("DELETE", "no resource properties");
        assertThat(problem("{\"action\": \"CREATE\", \"requestData\": {\"resourceProperties\": null}}")).isNotNull();
    }

    @Test
    void nonStringValuesAreReportedAsGiven() {
        assertThat(problem("{\"action\": \"CREATE\", \"requestData\": {\"resourceProperties\": "
            + "{\"CustomKeyStoreId\": \"cks-1\", \"ConnectionState\": 42, \"ConnectionStateOnDelete\": null}}}"))
            .contains("ConnectionState '42'");
    }
}
