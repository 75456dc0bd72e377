package com.keyhold.kms.customkeystoreconnection.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

class SsmOwnershipTest {
    private static final OwnershipRecord RECORD = new OwnershipRecord("cks-1", "CONNECTED", "DISCONNECTED", "stack",
        "Conn", "token", "2026-11-28T12:00:00Z");

    @Test
    void recordsRoundTripThroughParameterStore() {
        final FakeSsm ssm = new FakeSsm();
        final SsmOwnership ownership = new SsmOwnership(ssm, AwsInvoker.DIRECT);
        assertThat(ownership.claim(RECORD)).isEmpty();
        assertThat(ownership.find("cks-1")).contains(RECORD);
        assertThat(ownership.claim(RECORD)).contains(RECORD);
        ownership.release("cks-1");
        ownership.release("cks-1");
        assertThat(ownership.find("cks-1")).isEmpty();
    }

    @Test
    void aHandEditedRecordStillProvesOwnership() {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(OwnershipRecord.parameterName("cks-2"), "not json");
        final OwnershipRecord record = new SsmOwnership(ssm, AwsInvoker.DIRECT).find("cks-2").orElseThrow();
        assertThat(record.customKeyStoreId()).isEqualTo("cks-2");
        assertThat(record.stackId()).isEqualTo("(unreadable record)");
    }

    @Test
    void aClaimRacingADeleteReportsTheConflict() {
        final SsmClient ssm = mock(SsmClient.class);
        when(ssm.putParameter(any(PutParameterRequest.class)))
            .thenThrow(ParameterAlreadyExistsException.builder().message("exists").build());
        when(ssm.getParameter(any(GetParameterRequest.class)))
            .thenThrow(ParameterNotFoundException.builder().message("gone").build());
        assertThatThrownBy(() -> new SsmOwnership(ssm, AwsInvoker.DIRECT).claim(RECORD))
            .isInstanceOf(ParameterAlreadyExistsException.class);
    }
}
