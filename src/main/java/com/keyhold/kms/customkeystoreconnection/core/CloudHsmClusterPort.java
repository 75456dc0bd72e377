package com.keyhold.kms.customkeystoreconnection.core;

import java.util.Optional;

/** CloudHSM's DescribeClusters for one cluster id. Implementations throw the AWS SDK's exception types unchanged. */
public interface CloudHsmClusterPort {
    /** The cluster, or empty when the account has none of this id in the Region. */
    Optional<CloudHsmCluster> describe(String clusterId);
}
