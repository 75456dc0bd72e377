package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RefuseDisconnectingUpdates' decision table (DisconnectGuard), row by row. */
class DisconnectGuardTest {
    private static final String ID = "cks-1234567890abcdef0";

    private static KeyStoreChange change(final String properties) {
        final StoreType type = properties.contains("XKS") ? StoreType.EXTERNAL_KEY_STORE : StoreType.AWS_CLOUDHSM;
        if (properties.equals("-")) {
            return KeyStoreChange.of(StoreType.AWS_CLOUDHSM);
        }
        final java.util.List<StoreProperty> list = java.util.Arrays.stream(properties.replace("XKS:", "")
                .split("\\+"))
            .map(StoreProperty::valueOf).toList();
        return KeyStoreChange.of(type, list.toArray(StoreProperty[]::new));
    }

    @ParameterizedTest(name = "guard previous {0}, desired {1}; {2} while {3}: refused {4}")
    @CsvSource({
        // the guard off on both sides: anything goes
        ",      ,      CLOUD_HSM_CLUSTER_ID,                       CONNECTED,     false",
        "false, false, CLOUD_HSM_CLUSTER_ID,                       CONNECTED,     false",
        // on, either side: a disconnecting change of a key store that is not DISCONNECTED is refused
        "true,  true,  CLOUD_HSM_CLUSTER_ID,                       CONNECTED,     true",
        ",      true,  KEY_STORE_PASSWORD,                         CONNECTED,     true",
        "true,  false, XKS_PROXY_URI_ENDPOINT,                     CONNECTED,     true",
        "true,  ,      CLOUD_HSM_CLUSTER_ID,                       FAILED,        true",
        "true,  true,  CLOUD_HSM_CLUSTER_ID,                       CONNECTING,    true",
        "true,  true,  CLOUD_HSM_CLUSTER_ID,                       DISCONNECTING, true",
        // a change that may fall back to a disconnect
        "true,  true,  CUSTOM_KEY_STORE_NAME,                      CONNECTED,     true",
        "true,  true,  XKS_PROXY_URI_PATH,                         CONNECTED,     true",
        // nothing to disconnect
        "true,  true,  CLOUD_HSM_CLUSTER_ID,                       DISCONNECTED,  false",
        "true,  true,  CUSTOM_KEY_STORE_NAME,                      DISCONNECTED,  false",
        // nothing that disconnects: an XKS rename is in place (KMS documents it in any state), and no change at all
        "true,  true,  XKS:CUSTOM_KEY_STORE_NAME,                  CONNECTED,     false",
        "true,  true,  CUSTOM_KEY_STORE_NAME+XKS_PROXY_URI_PATH,   DISCONNECTED,  false",
        "true,  true,  -,                                          CONNECTED,     false",
    })
    void decides(final Boolean previous, final Boolean desired, final String properties,
                 final KmsConnectionState observed, final boolean refused) {
        final KeyStoreChange change = change(properties);
        if (refused) {
            assertThatThrownBy(() -> DisconnectGuard.check(ID, DisconnectGuard.on(previous, desired), change, observed))
                .isInstanceOfSatisfying(KeyholdFailureException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(FailureKind.InvalidRequest);
                    assertThat(e.failure().message()).startsWith(ID + ": RefuseDisconnectingUpdates is true")
                        .contains("it is " + observed + " now", "stays " + observed, "nothing was sent to KMS");
                });
        } else {
            assertThatCode(() -> DisconnectGuard.check(ID, DisconnectGuard.on(previous, desired), change, observed))
                .doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "CLOUD_HSM_CLUSTER_ID+KEY_STORE_PASSWORD+CUSTOM_KEY_STORE_NAME; CloudHsmClusterId, KeyStorePassword needs "
            + "the key store DISCONNECTED",
        "CUSTOM_KEY_STORE_NAME; CustomKeyStoreName may need the key store DISCONNECTED (KMS's documentation disagrees",
        "XKS_PROXY_URI_ENDPOINT+XKS_PROXY_URI_PATH; XksProxyUriEndpoint needs the key store DISCONNECTED",
    })
    void theRefusalNamesThePropertiesAndTheWayOut(final String properties, final String named) {
        assertThatThrownBy(() -> DisconnectGuard.check(ID, true, change(properties), KmsConnectionState.CONNECTED))
            .hasMessageContaining("changing " + named)
            .hasMessageContaining("aws kms disconnect-custom-key-store --custom-key-store-id " + ID)
            .hasMessageContaining("RefuseDisconnectingUpdates: false first");
    }
}
