package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.testsupport.CliContractSuite;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CloudFormation CLI's contract suite for Keyhold::KMS::CustomKeyStore, with custom-key-store/inputs, and what the
 * contract implies for this type beyond the suite's own checks: nothing reaches KMS before a refusal.
 */
class StoreContractSuiteTest extends StoreTestBase implements CliContractSuite {
    @Override
    public WrapperDriver contractDriver() {
        return driver;
    }

    @Override
    public Path projectFolder() {
        return Path.of("custom-key-store");
    }

    @Override
    public boolean writableIdentifier() {
        return false;
    }

    @Test
    void theInvalidInputIsRefusedBeforeAnyCall() {
        final JsonNode failed = driver.run("CREATE", input("invalid"), null);
        assertThat(failed.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(failed.path("message").asText()).contains("CustomKeyStoreId is read-only");
        final String id = create(input("create"));
        final JsonNode moved = driver.run("UPDATE", input("invalid"), with(input("create"), id));
        assertThat(moved.path("errorCode").asText()).isEqualTo("NotUpdatable");
        assertThat(moved.path("message").asText()).contains("CustomKeyStoreId cannot change in an update",
            "Nothing was changed");
        assertThat(calls("CreateCustomKeyStore")).isEqualTo(1);
        // The create's look by name and its wait; nothing for the refused update.
        assertThat(calls("UpdateCustomKeyStore") + calls("DescribeCustomKeyStores")).isEqualTo(2);
    }

    @Test
    void aSecondCreateOfTheSameNameFailsAlreadyExistsWithoutAModel() {
        create(input("create"));
        final JsonNode second = driver.run("CREATE", input("create"), null);
        assertThat(second.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(second.has("resourceModel")).as("no model: a rollback must not delete the first").isFalse();
    }

    @Test
    void anUpdateOfAKeyStoreThatNeverExistedChangesNothing() {
        final Map<String, Object> update = with(input("update"), "cks-0000000000000000f");
        assertThat(driver.run("UPDATE", update, update).path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(calls("UpdateCustomKeyStore") + calls("PutParameter")).isZero();
    }
}
