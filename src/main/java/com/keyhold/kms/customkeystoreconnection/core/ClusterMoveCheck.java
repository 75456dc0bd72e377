package com.keyhold.kms.customkeystoreconnection.core;

import java.util.HashSet;
import java.util.Optional;

/**
 * What KMS requires of the cluster a CloudHSM key store moves to (UpdateCustomKeyStore CloudHsmClusterId), checked
 * before Keyhold disconnects the key store so that a move KMS would refuse never costs an outage: the cluster exists,
 * is ACTIVE, has active HSMs in at least two Availability Zones, and is related to the current cluster. Related, as
 * the KMS API reference defines it (CloudHsmClusterNotRelatedException): it shares a backup history with the current
 * cluster, which shows as the same cluster certificate in DescribeClusters.
 */
public final class ClusterMoveCheck {
    private ClusterMoveCheck() {
    }

    /**
     * Why KMS would refuse the move, or empty when it would not (as far as DescribeClusters can tell).
     *
     * @param current the key store's current cluster as DescribeClusters reports it; empty when the cluster is gone
     *                (a common reason to move): relatedness cannot be checked then and is left to KMS, which kept the
     *                original cluster's certificate
     */
    public static Optional<String> problem(final String keyStoreId, final String currentId,
                                           final Optional<CloudHsmCluster> current, final String targetId,
                                           final Optional<CloudHsmCluster> target) {
        final String allowed = String.format(" KMS moves a key store only to an ACTIVE cluster with active HSMs in at "
            + "least two Availability Zones that shares a backup history (the same cluster certificate) with its "
            + "current cluster %s. Nothing was changed: %s was not disconnected. Set CloudHsmClusterId to such a "
            + "cluster, or back to %s, and update the stack again.", currentId, keyStoreId, currentId);
        if (target.isEmpty()) {
            return Optional.of(String.format("%s: CloudHSM cluster %s does not exist in this account and Region "
                + "(DescribeClusters does not show it).%s", keyStoreId, targetId, allowed));
        }
        final CloudHsmCluster cluster = target.get();
        if (!"ACTIVE".equals(cluster.state())) {
            return Optional.of(String.format("%s: CloudHSM cluster %s is %s, not ACTIVE.%s", keyStoreId, targetId,
                cluster.state(), allowed));
        }
        final int zones = new HashSet<>(cluster.activeHsmZones()).size();
        if (zones < 2) {
            return Optional.of(String.format("%s: CloudHSM cluster %s has %d active HSM(s) in %d Availability "
                + "Zone(s).%s", keyStoreId, targetId, cluster.activeHsmZones().size(), zones, allowed));
        }
        final String currentCertificate = current.map(CloudHsmCluster::clusterCertificate).orElse(null);
        if (currentCertificate != null && !currentCertificate.equals(cluster.clusterCertificate())) {
            return Optional.of(String.format("%s: CloudHSM cluster %s is not related to %s: their cluster "
                + "certificates differ, so they do not share a backup history.%s", keyStoreId, targetId, currentId,
                allowed));
        }
        return Optional.empty();
    }
}
