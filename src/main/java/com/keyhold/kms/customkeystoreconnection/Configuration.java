package com.keyhold.kms.customkeystoreconnection;

class Configuration extends BaseConfiguration {
    static final String SCHEMA_FILENAME = "keyhold-kms-customkeystoreconnection.json";

    Configuration() {
        super(SCHEMA_FILENAME);
    }
}
