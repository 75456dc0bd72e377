package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static String missing(final String json) {
        return InputCheck.missingMember(new JSONObject(json));
    }

    @Test
    void namesTheFirstMissingMemberInTheOrderTheyAreChecked() {
        assertThat(missing("{}")).startsWith("The request's region is missing");
        assertThat(missing("{\"region\": \"us-east-1\"}")).startsWith("The request's awsAccountId is missing");
        final String account = "\"region\": \"us-east-1\", \"awsAccountId\": \"123456789012\"";
        assertThat(missing("{" + account + "}")).startsWith("The request's requestData.callerCredentials is missing");
        assertThat(missing("{" + account + ", \"requestData\": {\"callerCredentials\": \"AK:SK\"}}"))
            .startsWith("The request's requestData.callerCredentials is not an object");
        final String credentials = account + ", \"requestData\": {\"callerCredentials\": {\"accessKeyId\": \"AK\", "
            + "\"secretAccessKey\": \"SK\", \"sessionToken\": \"ST\"}";
        assertThat(missing("{" + credentials + "}}")).as("no stack: nothing more needed").isNull();
        assertThat(missing("{" + credentials + ", \"previousSystemTags\": {\"aws:cloudformation:stack-id\": \"s\"}}}"))
            .startsWith("The request's stackId is missing");
        assertThat(missing("{" + credentials + "}, \"stackId\": \"arn:aws:cloudformation:us-east-1:1:stack/s/1\"}"))
            .startsWith("The request's requestData.logicalResourceId is missing");
        assertThat(missing("{" + credentials + ", \"logicalResourceId\": \"L\"}, \"stackId\": \"s\"}")).isNull();
    }
}
