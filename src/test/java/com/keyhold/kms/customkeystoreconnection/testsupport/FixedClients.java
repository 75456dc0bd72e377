package com.keyhold.kms.customkeystoreconnection.testsupport;

import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Hands the handlers the given clients whatever the Region. */
public final class FixedClients extends ClientFactory {
    private final KmsClient kms;
    private final SsmClient ssm;

    public FixedClients(final KmsClient kms, final SsmClient ssm) {
        super(null, null);
        this.kms = kms;
        this.ssm = ssm;
    }

    @Override
    public KmsClient kms(final String region) {
        return kms;
    }

    @Override
    public SsmClient ssm(final String region) {
        return ssm;
    }
}
