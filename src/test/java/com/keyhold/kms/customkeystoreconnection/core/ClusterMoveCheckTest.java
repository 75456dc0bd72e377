package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterMoveCheckTest {
    private static final String ID = "cks-1234567890abcdef0";
    private static final String CURRENT = "cluster-234567abcdefg";
    private static final String TARGET = "cluster-765432gfedcba";
    private static final CloudHsmCluster CURRENT_CLUSTER = new CloudHsmCluster(CURRENT, "ACTIVE",
        List.of("us-east-1a", "us-east-1b"), "CERT-A");

    private static CloudHsmCluster target(final String state, final List<String> zones, final String certificate) {
        return new CloudHsmCluster(TARGET, state, zones, certificate);
    }

    static Stream<Arguments> table() {
        final List<String> two = List.of("us-east-1a", "us-east-1b");
        return Stream.of(
            // current cluster, target cluster, expected problem (null: KMS would take it)
            Arguments.of(Optional.of(CURRENT_CLUSTER), Optional.of(target("ACTIVE", two, "CERT-A")), null),
            Arguments.of(Optional.of(CURRENT_CLUSTER), Optional.empty(),
                "CloudHSM cluster " + TARGET + " does not exist in this account and Region"),
            Arguments.of(Optional.of(CURRENT_CLUSTER), Optional.of(target("INITIALIZED", two, "CERT-A")),
                "is INITIALIZED, not ACTIVE"),
            Arguments.of(Optional.of(CURRENT_CLUSTER), Optional.of(target("DEGRADED", two, "CERT-A")),
                "is DEGRADED, not ACTIVE"),
            Arguments.of(Optional.of(CURRENT_CLUSTER), Optional.of(target("ACTIVE", List.of("us-east-1a"), "CERT-A")),
                "has 1 active HSM(s) in 1 Availability Zone(s)"),
            Arguments.of(Optional.of(CURRENT_CLUSTER),
                Optional.of(target("ACTIVE", List.of("us-east-1a", "us-east-1a"), "CERT-A")),
                "has 2 active HSM(s) in 1 Availability Zone(s)"),
            Arguments.of(Optional.of(CURRENT_CLUSTER), Optional.of(target("ACTIVE", List.of(), "CERT-A")),
                "has 0 active HSM(s) in 0 Availability Zone(s)"),
            Arguments.of(Optional.of(CURRENT_CLUSTER), Optional.of(target("ACTIVE", two, "CERT-B")),
                "is not related to " + CURRENT + ": their cluster certificates differ"),
            Arguments.of(Optional.of(CURRENT_CLUSTER), Optional.of(target("ACTIVE", two, null)),
                "is not related to " + CURRENT),
            // The current cluster is gone (a reason to move): relatedness is KMS's to judge, from what it kept.
            Arguments.of(Optional.empty(), Optional.of(target("ACTIVE", two, "CERT-B")), null),
            Arguments.of(Optional.of(new CloudHsmCluster(CURRENT, "ACTIVE", two, null)),
                Optional.of(target("ACTIVE", two, "CERT-B")), null));
    }

    @ParameterizedTest
    @MethodSource("table")
    void kmsRequirementsForTheTargetCluster(final Optional<CloudHsmCluster> current,
                                            final Optional<CloudHsmCluster> target, final String expected) {
        final Optional<String> problem = ClusterMoveCheck.problem(ID, CURRENT, current, TARGET, target);
        if (expected == null) {
            assertThat(problem).isEmpty();
            return;
        }
        assertThat(problem).hasValueSatisfying(message -> assertThat(message)
            .startsWith(ID + ": ").contains(expected)
            .contains("shares a backup history (the same cluster certificate) with its current cluster " + CURRENT)
            .contains("Nothing was changed: " + ID + " was not disconnected")
            .contains("back to " + CURRENT));
    }
}
