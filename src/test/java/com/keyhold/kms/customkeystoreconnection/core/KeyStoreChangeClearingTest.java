package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue #19 item 3: what a template that dropped a VPC member does, by the API reference's rules. */
class KeyStoreChangeClearingTest {
    private static final String ID = "cks-1234567890abcdef0";
    private static final String SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0abc123";
    private static final String OWNER = "111122223333";

    private static KeyStoreSettings xks(final String connectivity, final String endpoint, final String service,
                                        final String owner) {
        return KeyStoreSettings.external("x", connectivity, endpoint, "/kms/xks/v1", service, owner,
            "ABCDEFGHIJKLMNOPQRST", "1");
    }

    private static final KeyStoreSettings ON_VPC = xks("VPC_ENDPOINT_SERVICE", "https://a.example.com", SERVICE, OWNER);

    @Test
    void aMoveToPublicClearsTheServiceNameAndNeedsNothingForTheOwner() {
        final KeyStoreSettings toPublic = xks("PUBLIC_ENDPOINT", "https://b.example.com", null, null);
        assertThat(KeyStoreChange.clearsVpcEndpointServiceName(ON_VPC, toPublic)).isTrue();
        assertThat(KeyStoreChange.between(ON_VPC, toPublic).properties()).containsExactlyInAnyOrder(
            StoreProperty.XKS_PROXY_CONNECTIVITY, StoreProperty.XKS_PROXY_URI_ENDPOINT,
            StoreProperty.XKS_PROXY_VPC_ENDPOINT_SERVICE_NAME);
        assertThat(KeyStoreChange.cannotClear(ID, ON_VPC, toPublic)).isEmpty();
    }

    @Test
    void stayingOnTheVpcADroppedOwnerIsRefusedAndTheNameIsNotCleared() {
        final KeyStoreSettings noOwner = xks("VPC_ENDPOINT_SERVICE", "https://a.example.com", SERVICE, null);
        assertThat(KeyStoreChange.clearsVpcEndpointServiceName(ON_VPC, noOwner)).isFalse();
        assertThat(KeyStoreChange.between(ON_VPC, noOwner).properties()).isEmpty();
        assertThat(KeyStoreChange.cannotClear(ID, ON_VPC, noOwner)).hasValueSatisfying(m -> assertThat(m)
            .startsWith(ID + ": the template no longer sets XksProxyVpcEndpointServiceOwner").contains(OWNER)
            .contains("or move the key store to PUBLIC_ENDPOINT"));
        // The connectivity left out of the template is KMS's: still the VPC.
        final KeyStoreSettings silent = xks(null, null, null, null);
        assertThat(KeyStoreChange.cannotClear(ID, ON_VPC, silent)).isPresent();
        assertThat(KeyStoreChange.clearsVpcEndpointServiceName(ON_VPC, silent)).isFalse();
    }

    @Test
    void nothingToClearWhenKmsHoldsNothingOrTheTemplateKeepsIt() {
        final KeyStoreSettings publicNow = xks("PUBLIC_ENDPOINT", "https://b.example.com", null, null);
        assertThat(KeyStoreChange.clearsVpcEndpointServiceName(publicNow, publicNow)).isFalse();
        assertThat(KeyStoreChange.cannotClear(ID, publicNow, publicNow)).isEmpty();
        assertThat(KeyStoreChange.cannotClear(ID, ON_VPC, ON_VPC)).isEmpty();
        final KeyStoreSettings hsm = KeyStoreSettings.cloudHsm("h", "cluster-234567abcdefg", "1");
        assertThat(KeyStoreChange.cannotClear(ID, hsm, hsm)).isEmpty();
        assertThat(KeyStoreChange.clearsVpcEndpointServiceName(hsm, hsm)).isFalse();
    }
}
