package com.keyhold.kms.customkeystoreconnection.core;

import java.util.List;

/**
 * What CloudHSM's DescribeClusters reports of one cluster, as far as KMS's requirements for a key store's cluster go.
 *
 * @param state              the cluster's state (ACTIVE, INITIALIZED, DEGRADED, ...)
 * @param activeHsmZones     the Availability Zone of each of its HSMs whose state is ACTIVE
 * @param clusterCertificate Certificates.ClusterCertificate; clusters that share a backup history have the same one,
 *                           which is how KMS tells a related cluster (null before the cluster is initialized)
 */
public record CloudHsmCluster(String clusterId, String state, List<String> activeHsmZones,
                              String clusterCertificate) {
    public CloudHsmCluster {
        activeHsmZones = List.copyOf(activeHsmZones);
    }
}
