package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.ConnectionErrorCodeType;

class ConnectionErrorGuideTest {
    /** Every ConnectionErrorCode KMS documents (guides/OPERATIONS.md, troubleshooting). */
    private static final List<String> SPEC_CODES = List.of("INTERNAL_ERROR", "NETWORK_ERRORS", "CLUSTER_NOT_FOUND",
        "INSUFFICIENT_CLOUDHSM_HSMS", "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET", "INVALID_CREDENTIALS", "SUBNET_NOT_FOUND",
        "USER_LOCKED_OUT", "USER_LOGGED_IN", "USER_NOT_FOUND", "XKS_PROXY_ACCESS_DENIED",
        "XKS_PROXY_INVALID_CONFIGURATION", "XKS_PROXY_INVALID_RESPONSE", "XKS_PROXY_INVALID_TLS_CONFIGURATION",
        "XKS_PROXY_NOT_REACHABLE", "XKS_PROXY_TIMED_OUT", "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
        "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND");

    @Test
    void everySpecCodeHasAGuide() {
        assertThat(Arrays.stream(ConnectionErrorGuide.values()).map(Enum::name))
            .containsExactlyInAnyOrderElementsOf(SPEC_CODES);
    }

    @Test
    void everyCodeTheSdkKnowsHasAGuide() {
        final Set<String> guided = Arrays.stream(ConnectionErrorGuide.values()).map(Enum::name).collect(Collectors.toSet());
        for (ConnectionErrorCodeType code : ConnectionErrorCodeType.knownValues()) {
            assertThat(guided).as("SDK code %s", code).contains(code.toString());
        }
    }

    @Test
    void meaningsAndFixesAreDistinctPerTypeAndNeverEmpty() {
        for (boolean external : new boolean[] {false, true}) {
            final Set<String> meanings = new HashSet<>();
            final Set<String> fixes = new HashSet<>();
            for (ConnectionErrorGuide guide : ConnectionErrorGuide.values()) {
                assertThat(guide.meaning(external)).hasSizeGreaterThan(30);
                assertThat(guide.fix(external)).hasSizeGreaterThan(30).doesNotContain(guide.meaning(external));
                assertThat(meanings.add(guide.meaning(external))).as("meaning of %s is unique", guide).isTrue();
                assertThat(fixes.add(guide.fix(external))).as("fix of %s is unique", guide).isTrue();
            }
        }
    }

    @Test
    void sharedCodesAreWordedForEachKeyStoreType() {
        assertThat(ConnectionErrorGuide.INVALID_CREDENTIALS.meaning(false)).contains("kmsuser");
        assertThat(ConnectionErrorGuide.INVALID_CREDENTIALS.meaning(true)).contains("proxy").doesNotContain("kmsuser");
        assertThat(ConnectionErrorGuide.NETWORK_ERRORS.fix(false)).contains("2223-2225");
        assertThat(ConnectionErrorGuide.NETWORK_ERRORS.fix(true)).contains("proxy");
    }

    @Test
    void explainCombinesMeaningAndFixAndCopesWithNewCodes() {
        assertThat(ConnectionErrorGuide.explain("USER_LOCKED_OUT", false))
            .isEqualTo("Meaning: " + ConnectionErrorGuide.USER_LOCKED_OUT.meaning(false) + " Fix: "
                + ConnectionErrorGuide.USER_LOCKED_OUT.fix(false));
        assertThat(ConnectionErrorGuide.explain("SOMETHING_NEW", true)).contains("SOMETHING_NEW", "troubleshooting");
        assertThat(ConnectionErrorGuide.explain(null, false)).contains("null");
    }
}
