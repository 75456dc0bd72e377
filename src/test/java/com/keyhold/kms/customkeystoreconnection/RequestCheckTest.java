package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.RequestCheck;
import static org.assertj.core.api.Assertions.assertThat;

import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** Each member case replays through the wrapper in HandlerWrapperTest; these pin the order and the stack rule. */
class RequestCheckTest {
    private static String missing(final String json) {
        return RequestCheck.missingMember(new JSONObject(json));
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
