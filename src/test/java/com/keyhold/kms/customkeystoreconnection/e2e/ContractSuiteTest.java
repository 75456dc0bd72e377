package com.keyhold.kms.customkeystoreconnection.e2e;

import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.testsupport.CliContractSuite;
import java.nio.file.Path;
import java.util.List;

/** The CloudFormation CLI's contract suite for Keyhold::KMS::CustomKeyStoreConnection, with inputs/. */
class ContractSuiteTest extends EmulatorTestBase implements CliContractSuite {
    @Override
    public WrapperDriver contractDriver() {
        return driver;
    }

    @Override
    public Path projectFolder() {
        return Path.of(".");
    }

    @Override
    public boolean writableIdentifier() {
        return true;
    }

    /** KMS's raw state follows the update's ConnectionState (guides/CONTRACT_TESTS.md). */
    @Override
    public List<String> readOnlyThatAnUpdateChanges() {
        return List.of("ObservedConnectionState", "ConnectionErrorCode");
    }
}
