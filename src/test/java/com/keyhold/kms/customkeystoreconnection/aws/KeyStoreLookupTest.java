package com.keyhold.kms.customkeystoreconnection.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNotFoundException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresResponse;
import software.amazon.awssdk.services.kms.model.UpdateCustomKeyStoreRequest;

/**
 * Issue #19 item 0 in the KMS adapters: every look-up of a key store is by its id (or name), never the first entry of
 * an unfiltered DescribeCustomKeyStores, which is another key store of the account (a name look-up reads the list,
 * but takes only the entry of that exact name). A null or blank id is a Keyhold
 * defect refused before the call; an answer naming another key store is not taken.
 */
class KeyStoreLookupTest {
    private static final String VICTIM = "cks-1111111111111111a";
    private final VirtualClock clock = new VirtualClock();
    private final KmsEmulator emulator = KmsEmulator.builder().clock(clock).build().start();
    private final KmsClient kms = KmsClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
        .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAEMULATORTEST0001", "emulator-secret-key-for-tests"))).build();
    private final KmsKeyStoreAdmin admin = new KmsKeyStoreAdmin(() -> kms, AwsInvoker.DIRECT);
    private final KmsKeyStores keyStores = new KmsKeyStores(kms, AwsInvoker.DIRECT);

    @AfterEach
    void stop() {
        kms.close();
        emulator.close();
    }

    @Test
    void aCallAboutOneKeyStoreWithoutItsIdIsRefusedBeforeAnyRequest() {
        emulator.seedStore(StoreSpec.cloudHsm("victim-hsm").id(VICTIM).state(ConnectionState.CONNECTED));
        for (String id : Arrays.asList(null, "", "  ")) {
            final List<Executable> calls = List.of(() -> admin.describe(id), () -> admin.delete(id),
                () -> admin.keyPage(id, null, 10), () -> admin.describeByName(id),
                () -> admin.update(UpdateCustomKeyStoreRequest.builder().customKeyStoreId(id).newCustomKeyStoreName("x")
                    .build()),
                () -> keyStores.describe(id), () -> keyStores.connect(id), () -> keyStores.disconnect(id));
            for (Executable call : calls) {
                assertThatThrownBy(call::execute).as("id " + id).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(id == null ? "got null" : "got a blank one");
            }
        }
        assertThat(emulator.requestLog().entries()).isEmpty();
        assertThat(emulator.state(VICTIM)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aLookUpFindsTheKeyStoreItNamesOrNothing() {
        emulator.seedStore(StoreSpec.cloudHsm("victim-hsm").id(VICTIM).state(ConnectionState.CONNECTED));
        assertThat(admin.describe(VICTIM)).map(CustomKeyStoresListEntry::customKeyStoreName).contains("victim-hsm");
        assertThat(admin.describeByName("victim-hsm")).map(CustomKeyStoresListEntry::customKeyStoreId)
            .contains(VICTIM);
        assertThat(admin.describe("cks-99999999999999999")).isEmpty();
        assertThat(admin.describeByName("other-hsm")).isEmpty();
        assertThat(keyStores.describe(VICTIM).customKeyStoreId()).isEqualTo(VICTIM);
    }

    /**
     * The CloudFormation proxy logs every exception a call throws as "Failed to execute remote function": a create's
     * look-up of its (still absent) name throws none, so a successful create logs no failure; a real failure still
     * throws (and so is still logged). The name is found on any page of the account's list.
     */
    @Test
    void aNameLookUpThrowsNothingForAnAbsentNameAndStillThrowsARealFailure() {
        final List<Throwable> thrown = new java.util.ArrayList<>();
        final List<String> operations = new java.util.ArrayList<>();
        final AwsInvoker likeTheProxy = new AwsInvoker() {
            @Override
            public <Q extends AwsRequest, R extends AwsResponse> R invoke(final Q request,
                                                                         final java.util.function.Function<Q, R> call) {
                operations.add(request.getClass().getSimpleName());
                try {
                    return call.apply(request);
                } catch (RuntimeException e) {
                    thrown.add(e);
                    throw e;
                }
            }
        };
        final KmsKeyStoreAdmin logged = new KmsKeyStoreAdmin(() -> kms, likeTheProxy);
        for (int i = 0; i < 3; i++) {
            emulator.seedStore(StoreSpec.cloudHsm("store-" + i).id("cks-000000000000000" + i + "a"));
        }
        assertThat(logged.describeByName("absent-hsm")).isEmpty();
        assertThat(thrown).isEmpty();
        assertThat(logged.describeByName("store-2")).map(CustomKeyStoresListEntry::customKeyStoreId)
            .contains("cks-0000000000000002a");
        assertThat(operations).containsOnly("DescribeCustomKeyStoresRequest");

        emulator.faults().errorNext("DescribeCustomKeyStores", "*", "AccessDeniedException", 1);
        assertThatThrownBy(() -> logged.describeByName("absent-hsm")).isInstanceOf(
            software.amazon.awssdk.services.kms.model.KmsException.class).hasMessageContaining("AccessDenied");
        assertThat(thrown).hasSize(1);
    }

    /** Were an answer ever to list another key store (an unfiltered describe), it is not taken for the one asked. */
    @Test
    void anAnswerNamingAnotherKeyStoreIsNotTaken() {
        final DescribeCustomKeyStoresResponse someoneElses = DescribeCustomKeyStoresResponse.builder()
            .customKeyStores(CustomKeyStoresListEntry.builder().customKeyStoreId(VICTIM)
                .customKeyStoreName("victim-hsm").connectionState("CONNECTED").build()).build();
        final AwsInvoker answersAll = new AwsInvoker() {
            @Override
            @SuppressWarnings("unchecked")
            public <Q extends AwsRequest, R extends AwsResponse> R invoke(final Q request,
                                                                         final java.util.function.Function<Q, R> call) {
                return (R) someoneElses;
            }
        };
        assertThat(new KmsKeyStoreAdmin(() -> kms, answersAll).describe("cks-2222222222222222b")).isEmpty();
        assertThat(new KmsKeyStoreAdmin(() -> kms, answersAll).describeByName("mine")).isEmpty();
        assertThatThrownBy(() -> new KmsKeyStores(kms, answersAll).describe("cks-2222222222222222b"))
            .isInstanceOf(CustomKeyStoreNotFoundException.class);
        assertThat(new KmsKeyStoreAdmin(() -> kms, answersAll).describe(VICTIM)).isPresent();
    }
}
