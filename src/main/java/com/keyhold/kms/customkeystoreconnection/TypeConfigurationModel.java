package com.keyhold.kms.customkeystoreconnection;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

/** The type has no configuration properties; the class exists because the wrapper is generic over it. */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
    getterVisibility = JsonAutoDetect.Visibility.NONE,
    setterVisibility = JsonAutoDetect.Visibility.NONE)
public class TypeConfigurationModel {
}
