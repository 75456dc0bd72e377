package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.core.KeyStoreChange.Mode;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.FailReason;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Next;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Phase;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Step;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyStoreUpdatePlannerTest {
    private static final String ID = "cks-1234567890abcdef0";
    private static final KmsConnectionState[] COLUMNS = {KmsConnectionState.CONNECTED, KmsConnectionState.CONNECTING,
        KmsConnectionState.DISCONNECTED, KmsConnectionState.DISCONNECTING, KmsConnectionState.FAILED};

    /** A change of each mode: the table depends on the mode only, which the mode tests below pin per property. */
    private static KeyStoreChange changeOf(final Mode mode) {
        switch (mode) {
            case NOTHING:
                return KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE);
            case IN_PLACE:
                return KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.CUSTOM_KEY_STORE_NAME);
            case TRY_IN_PLACE:
                return KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.XKS_PROXY_URI_PATH);
            default:
                return KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.XKS_PROXY_URI_ENDPOINT,
                    StoreProperty.XKS_PROXY_URI_PATH);
        }
    }

    /** FAIL:R is RECONNECT_FAILED, FAIL:I is INCONSISTENT_PROGRESS. Columns: the state KMS reports. */
    @ParameterizedTest(name = "{0} {1} back to {2}")
    @CsvSource({
        // mode,      phase,           back to,      CONNECTED,        CONNECTING,       DISCONNECTED,     DISCONNECTING, FAILED
        "NOTHING,      NOT_STARTED,      CONNECTED,    DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      NOT_STARTED,      DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      UPDATED_IN_PLACE, CONNECTED,    DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      UPDATED_IN_PLACE, DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      FELL_BACK,        CONNECTED,    DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      FELL_BACK,        DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      DISCONNECT_SENT,  CONNECTED,    DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      DISCONNECT_SENT,  DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      UPDATE_SENT,      CONNECTED,    DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      UPDATE_SENT,      DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      RECONNECT_SENT,   CONNECTED,    DONE,             DONE,             DONE,             DONE,          DONE",
        "NOTHING,      RECONNECT_SENT,   DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",

        "IN_PLACE,     NOT_STARTED,      CONNECTED,    UPDATE_CONNECTED, WAIT,             UPDATE_CONNECTED, WAIT,          DISCONNECT",
        "IN_PLACE,     NOT_STARTED,      DISCONNECTED, UPDATE_CONNECTED, WAIT,             UPDATE_CONNECTED, WAIT,          DISCONNECT",
        "IN_PLACE,     UPDATED_IN_PLACE, CONNECTED,    DONE,             DONE,             DONE,             DONE,          DONE",
        "IN_PLACE,     UPDATED_IN_PLACE, DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "IN_PLACE,     FELL_BACK,        CONNECTED,    FAIL:I,           FAIL:I,           FAIL:I,           FAIL:I,        FAIL:I",
        "IN_PLACE,     FELL_BACK,        DISCONNECTED, FAIL:I,           FAIL:I,           FAIL:I,           FAIL:I,        FAIL:I",
        "IN_PLACE,     DISCONNECT_SENT,  CONNECTED,    WAIT,             WAIT,             UPDATE,           WAIT,          WAIT",
        "IN_PLACE,     DISCONNECT_SENT,  DISCONNECTED, WAIT,             WAIT,             UPDATE,           WAIT,          WAIT",
        "IN_PLACE,     UPDATE_SENT,      CONNECTED,    DONE,             WAIT,             RECONNECT,        WAIT,          FAIL:R",
        "IN_PLACE,     UPDATE_SENT,      DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "IN_PLACE,     RECONNECT_SENT,   CONNECTED,    DONE,             WAIT,             WAIT,             WAIT,          FAIL:R",
        "IN_PLACE,     RECONNECT_SENT,   DISCONNECTED, DONE,             WAIT,             WAIT,             WAIT,          FAIL:R",

        "TRY_IN_PLACE, NOT_STARTED,      CONNECTED,    UPDATE_CONNECTED, WAIT,             UPDATE_CONNECTED, WAIT,          DISCONNECT",
        "TRY_IN_PLACE, NOT_STARTED,      DISCONNECTED, UPDATE_CONNECTED, WAIT,             UPDATE_CONNECTED, WAIT,          DISCONNECT",
        "TRY_IN_PLACE, UPDATED_IN_PLACE, CONNECTED,    DONE,             DONE,             DONE,             DONE,          DONE",
        "TRY_IN_PLACE, UPDATED_IN_PLACE, DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "TRY_IN_PLACE, FELL_BACK,        CONNECTED,    DISCONNECT,       DISCONNECT,       UPDATE,           WAIT,          DISCONNECT",
        "TRY_IN_PLACE, FELL_BACK,        DISCONNECTED, DISCONNECT,       DISCONNECT,       UPDATE,           WAIT,          DISCONNECT",
        "TRY_IN_PLACE, DISCONNECT_SENT,  CONNECTED,    WAIT,             WAIT,             UPDATE,           WAIT,          WAIT",
        "TRY_IN_PLACE, DISCONNECT_SENT,  DISCONNECTED, WAIT,             WAIT,             UPDATE,           WAIT,          WAIT",
        "TRY_IN_PLACE, UPDATE_SENT,      CONNECTED,    DONE,             WAIT,             RECONNECT,        WAIT,          FAIL:R",
        "TRY_IN_PLACE, UPDATE_SENT,      DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "TRY_IN_PLACE, RECONNECT_SENT,   CONNECTED,    DONE,             WAIT,             WAIT,             WAIT,          FAIL:R",
        "TRY_IN_PLACE, RECONNECT_SENT,   DISCONNECTED, DONE,             WAIT,             WAIT,             WAIT,          FAIL:R",

        "DANCE,        NOT_STARTED,      CONNECTED,    DISCONNECT,       DISCONNECT,       UPDATE,           WAIT,          DISCONNECT",
        "DANCE,        NOT_STARTED,      DISCONNECTED, DISCONNECT,       DISCONNECT,       UPDATE,           WAIT,          DISCONNECT",
        "DANCE,        UPDATED_IN_PLACE, CONNECTED,    FAIL:I,           FAIL:I,           FAIL:I,           FAIL:I,        FAIL:I",
        "DANCE,        UPDATED_IN_PLACE, DISCONNECTED, FAIL:I,           FAIL:I,           FAIL:I,           FAIL:I,        FAIL:I",
        "DANCE,        FELL_BACK,        CONNECTED,    FAIL:I,           FAIL:I,           FAIL:I,           FAIL:I,        FAIL:I",
        "DANCE,        FELL_BACK,        DISCONNECTED, FAIL:I,           FAIL:I,           FAIL:I,           FAIL:I,        FAIL:I",
        "DANCE,        DISCONNECT_SENT,  CONNECTED,    WAIT,             WAIT,             UPDATE,           WAIT,          WAIT",
        "DANCE,        DISCONNECT_SENT,  DISCONNECTED, WAIT,             WAIT,             UPDATE,           WAIT,          WAIT",
        "DANCE,        UPDATE_SENT,      CONNECTED,    DONE,             WAIT,             RECONNECT,        WAIT,          FAIL:R",
        "DANCE,        UPDATE_SENT,      DISCONNECTED, DONE,             DONE,             DONE,             DONE,          DONE",
        "DANCE,        RECONNECT_SENT,   CONNECTED,    DONE,             WAIT,             WAIT,             WAIT,          FAIL:R",
        "DANCE,        RECONNECT_SENT,   DISCONNECTED, DONE,             WAIT,             WAIT,             WAIT,          FAIL:R",
    })
    void everyCellOfTheTable(final Mode mode, final Phase phase, final TargetState comeBackTo,
                             final String connected, final String connecting, final String disconnected,
                             final String disconnecting, final String failed) {
        final KeyStoreChange change = changeOf(mode);
        assertThat(change.mode()).isEqualTo(mode);
        final String[] expected = {connected, connecting, disconnected, disconnecting, failed};
        for (int i = 0; i < COLUMNS.length; i++) {
            final Next next = KeyStoreUpdatePlanner.decide(change, phase, COLUMNS[i], comeBackTo);
            assertThat(cell(next)).as("%s %s back to %s, observed %s", mode, phase, comeBackTo, COLUMNS[i])
                .isEqualTo(expected[i]);
            assertThat(next.disconnectBeforeFailing()).isEqualTo(next.reason() == FailReason.RECONNECT_FAILED);
        }
    }

    private static String cell(final Next next) {
        if (next.step() != Step.FAIL) {
            assertThat(next.reason()).isNull();
            return next.step().name();
        }
        return next.reason() == FailReason.RECONNECT_FAILED ? "FAIL:R"
            : next.reason() == FailReason.UPDATE_REFUSED ? "FAIL:U" : "FAIL:I";
    }

    /**
     * The rows that differ when the store record holds a state to come back to (CONNECTED) from an earlier update,
     * and the UPDATE_REFUSED row (whatever the record says). FAIL:U is UPDATE_REFUSED.
     */
    @ParameterizedTest(name = "{0} {1} restoring {2}")
    @CsvSource({
        // mode,      phase,           restoring, CONNECTED,        CONNECTING,       DISCONNECTED,     DISCONNECTING, FAILED
        "NOTHING,      NOT_STARTED,      true,  DONE,             WAIT,             RECONNECT,        WAIT,          FAIL:R",
        "NOTHING,      RECONNECT_SENT,   true,  DONE,             WAIT,             WAIT,             WAIT,          FAIL:R",
        "NOTHING,      UPDATE_SENT,      true,  FAIL:I,           FAIL:I,           FAIL:I,           FAIL:I,        FAIL:I",
        "IN_PLACE,     NOT_STARTED,      true,  UPDATE_CONNECTED, WAIT,             UPDATE_CONNECTED, WAIT,          DISCONNECT",
        "IN_PLACE,     UPDATED_IN_PLACE, true,  DONE,             WAIT,             RECONNECT,        WAIT,          FAIL:R",
        "TRY_IN_PLACE, UPDATED_IN_PLACE, true,  DONE,             WAIT,             RECONNECT,        WAIT,          FAIL:R",
        "DANCE,        UPDATED_IN_PLACE, true,  FAIL:I,           FAIL:I,           FAIL:I,           FAIL:I,        FAIL:I",
        "DANCE,        NOT_STARTED,      true,  DISCONNECT,       DISCONNECT,       UPDATE,           WAIT,          DISCONNECT",
        "DANCE,        UPDATE_SENT,      true,  DONE,             WAIT,             RECONNECT,        WAIT,          FAIL:R",
        "DANCE,        UPDATE_REFUSED,   false, FAIL:U,           WAIT,             RECONNECT,        WAIT,          FAIL:R",
        "DANCE,        UPDATE_REFUSED,   true,  FAIL:U,           WAIT,             RECONNECT,        WAIT,          FAIL:R",
        "TRY_IN_PLACE, UPDATE_REFUSED,   false, FAIL:U,           WAIT,             RECONNECT,        WAIT,          FAIL:R",
    })
    void everyCellThatRestoringOrARefusalChanges(final Mode mode, final Phase phase, final boolean restoring,
                                                final String connected, final String connecting,
                                                final String disconnected, final String disconnecting,
                                                final String failed) {
        final KeyStoreChange change = changeOf(mode);
        final String[] expected = {connected, connecting, disconnected, disconnecting, failed};
        for (int i = 0; i < COLUMNS.length; i++) {
            final Next next = KeyStoreUpdatePlanner.decide(change, phase, COLUMNS[i], TargetState.CONNECTED, restoring);
            assertThat(cell(next)).as("%s %s restoring %s, observed %s", mode, phase, restoring, COLUMNS[i])
                .isEqualTo(expected[i]);
            assertThat(next.disconnectBeforeFailing()).isEqualTo(next.reason() == FailReason.RECONNECT_FAILED);
        }
        // Restoring means coming back to CONNECTED: with DISCONNECTED to come back to, nothing is restored.
        assertThat(KeyStoreUpdatePlanner.decide(KeyStoreChange.of(StoreType.AWS_CLOUDHSM), Phase.NOT_STARTED,
            KmsConnectionState.DISCONNECTED, TargetState.DISCONNECTED, true).step()).isEqualTo(Step.DONE);
    }

    @ParameterizedTest(name = "{0} {1} observed {2}")
    @CsvSource({
        "WAIT,       NOT_STARTED,      CONNECTING,    CONNECTED",
        "WAIT,       FELL_BACK,        CONNECTING,    CONNECTED",
        "WAIT,       UPDATED_IN_PLACE, CONNECTING,    CONNECTED",
        "WAIT,       NOT_STARTED,      DISCONNECTING, DISCONNECTED",
        "WAIT,       DISCONNECT_SENT,  CONNECTING,    DISCONNECTED",
        "WAIT,       DISCONNECT_SENT,  CONNECTED,     DISCONNECTED",
        "DISCONNECT, NOT_STARTED,      CONNECTING,    DISCONNECTED",
        "RECONNECT,  NOT_STARTED,      DISCONNECTED,  CONNECTED",
        "WAIT,       UPDATE_SENT,      DISCONNECTING, CONNECTED",
        "WAIT,       UPDATE_REFUSED,   DISCONNECTING, CONNECTED",
        "WAIT,       RECONNECT_SENT,   CONNECTING,    CONNECTED",
    })
    void aWaitHeadsWhereTheTableSays(final Step step, final Phase phase, final KmsConnectionState observed,
                                     final TargetState target) {
        assertThat(KeyStoreUpdatePlanner.waitTarget(step, phase, observed)).isEqualTo(target);
    }

    @Test
    void theStateToComeBackToFromTheRecordComesAfterTheOwnershipRecordAndBeforeWhatKmsReports() {
        assertThat(KeyStoreUpdatePlanner.comeBackTo(null, TargetState.CONNECTED, KmsConnectionState.DISCONNECTED))
            .isEqualTo(TargetState.CONNECTED);
        assertThat(KeyStoreUpdatePlanner.comeBackTo(TargetState.DISCONNECTED, TargetState.CONNECTED,
            KmsConnectionState.DISCONNECTED)).isEqualTo(TargetState.DISCONNECTED);
        assertThat(KeyStoreUpdatePlanner.comeBackTo(null, null, KmsConnectionState.DISCONNECTING))
            .isEqualTo(TargetState.DISCONNECTED);
    }

    @Test
    void aFailureMessageSaysOnlyWhatIsTrueOfTheKeyStore() {
        final KeyStoreChange endpoint = KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE,
            StoreProperty.XKS_PROXY_URI_ENDPOINT);
        final String refused = KeyStoreUpdatePlanner.failure(FailReason.RECONNECT_FAILED, ID, endpoint,
            Phase.RECONNECT_SENT, "XKS_PROXY_NOT_REACHABLE", false, null).message();
        assertThat(refused).contains("so it is still FAILED", "aws kms disconnect-custom-key-store "
            + "--custom-key-store-id " + ID).doesNotContain("DISCONNECTED now");
        final String afterRefusal = KeyStoreUpdatePlanner.failure(FailReason.RECONNECT_FAILED, ID, endpoint,
            Phase.UPDATE_REFUSED, "XKS_PROXY_NOT_REACHABLE", true, "Refused.").message();
        assertThat(afterRefusal).startsWith("Refused. Keyhold then reconnected the key store to put it back as it "
            + "was, and the connect failed with ConnectionErrorCode XKS_PROXY_NOT_REACHABLE.")
            .contains("so it is DISCONNECTED now");
        final String leftOver = KeyStoreUpdatePlanner.failure(FailReason.RECONNECT_FAILED, ID,
            KeyStoreChange.of(StoreType.AWS_CLOUDHSM), Phase.RECONNECT_SENT, null, true, null).message();
        assertThat(leftOver).startsWith(ID + ": an earlier update disconnected this key store and did not put it "
            + "back; reconnecting it failed with ConnectionErrorCode (none reported).");
        final Failure back = KeyStoreUpdatePlanner.failure(FailReason.UPDATE_REFUSED, ID, endpoint,
            Phase.UPDATE_REFUSED, null, true, "Refused.");
        assertThat(back.kind()).isEqualTo(FailureKind.InvalidRequest);
        assertThat(back.message()).startsWith("Refused. Keyhold had disconnected the key store to change "
            + "XksProxyUriEndpoint; after KMS refused, Keyhold reconnected it: " + ID + " is CONNECTED again");
        assertThat(KeyStoreUpdatePlanner.leftDisconnected(ID, KmsConnectionState.DISCONNECTED, "INVALID_CREDENTIALS",
            false)).contains("stays DISCONNECTED", "raise KeyStorePasswordVersion");
        assertThat(KeyStoreUpdatePlanner.leftDisconnected(ID, KmsConnectionState.FAILED, "INVALID_CREDENTIALS",
            true)).contains("stays FAILED", "XksProxyAuthenticationCredentialVersion");
        assertThat(KeyStoreUpdatePlanner.leftDisconnected(ID, KmsConnectionState.DISCONNECTED, "NETWORK_ERRORS",
            false)).doesNotContain("raise KeyStorePasswordVersion");
    }

    @Test
    void theTableCoversEveryModeAndPhase() {
        assertThat(Mode.values()).hasSize(4);
        assertThat(Phase.values()).hasSize(7);
        assertThat(KmsConnectionState.values()).containsExactly(COLUMNS);
    }

    // ---- the table in sequence: a small KMS, crashes after each call -------------------------------------

    /** KMS as the dance sees it: one look moves a transition on by one state; calls are counted. */
    private static final class FakeKms {
        KmsConnectionState state;
        boolean connectFails;
        boolean refusesInPlace;
        int disconnects;
        int connects;
        int updates;

        FakeKms(final KmsConnectionState state) {
            this.state = state;
        }

        KmsConnectionState look() {
            final KmsConnectionState seen = state;
            if (state == KmsConnectionState.DISCONNECTING) {
                state = KmsConnectionState.DISCONNECTED;
            } else if (state == KmsConnectionState.CONNECTING) {
                state = connectFails ? KmsConnectionState.FAILED : KmsConnectionState.CONNECTED;
            }
            return seen;
        }

        /** False where KMS answers CustomKeyStoreInvalidStateException. */
        boolean update(final boolean needsDisconnected) {
            if (state != KmsConnectionState.DISCONNECTED && (needsDisconnected || refusesInPlace)) {
                return false;
            }
            updates++;
            return true;
        }

        void disconnect() {
            assertThat(state).isIn(KmsConnectionState.CONNECTED, KmsConnectionState.CONNECTING, KmsConnectionState.FAILED);
            disconnects++;
            state = KmsConnectionState.DISCONNECTING;
        }

        void connect() {
            assertThat(state).isIn(KmsConnectionState.DISCONNECTED, KmsConnectionState.CONNECTING,
                KmsConnectionState.CONNECTED);
            connects++;
            if (state == KmsConnectionState.DISCONNECTED) {
                state = KmsConnectionState.CONNECTING;
            }
        }
    }

    /**
     * Drives the table against {@code kms} as an operation would, losing the record of the {@code crashAfter}-th call
     * (0 = none), as a crash before the callback context is saved does. Returns the last decision.
     */
    private static Next drive(final FakeKms kms, final KeyStoreChange change, final int crashAfter) {
        final TargetState comeBackTo = KeyStoreUpdatePlanner.comeBackTo(null, kms.state);
        Phase phase = Phase.NOT_STARTED;
        int calls = 0;
        for (int i = 0; i < 40; i++) {
            final Next next = KeyStoreUpdatePlanner.decide(change, phase, kms.look(), comeBackTo);
            final Phase after;
            switch (next.step()) {
                case WAIT:
                    continue;
                case UPDATE_CONNECTED:
                    if (!kms.update(false)) {
                        assertThat(KeyStoreUpdatePlanner.fallsBackToDance(change)).isTrue();
                        phase = Phase.FELL_BACK;
                        continue;
                    }
                    after = Phase.UPDATED_IN_PLACE;
                    break;
                case DISCONNECT:
                    kms.disconnect();
                    after = Phase.DISCONNECT_SENT;
                    break;
                case UPDATE:
                    assertThat(kms.update(true)).as("the dance updates only while DISCONNECTED").isTrue();
                    after = Phase.UPDATE_SENT;
                    break;
                case RECONNECT:
                    kms.connect();
                    after = Phase.RECONNECT_SENT;
                    break;
                default:
                    return next;
            }
            if (++calls != crashAfter) {
                phase = after;
            }
        }
        throw new AssertionError("the dance did not end");
    }

    @ParameterizedTest(name = "crash after call {0}")
    @CsvSource({"0, 1", "1, 1", "2, 2", "3, 1"})
    void theDanceResumesAfterACrashRepeatingOnlyTheUpdate(final int crashAfter, final int updates) {
        final FakeKms kms = new FakeKms(KmsConnectionState.CONNECTED);
        final Next end = drive(kms, KeyStoreChange.of(StoreType.AWS_CLOUDHSM, StoreProperty.KEY_STORE_PASSWORD),
            crashAfter);
        assertThat(end.step()).isEqualTo(Step.DONE);
        assertThat(kms.state).isEqualTo(KmsConnectionState.CONNECTED);
        assertThat(kms.disconnects).isEqualTo(1);
        assertThat(kms.connects).isEqualTo(1);
        assertThat(kms.updates).isEqualTo(updates);
    }

    @Test
    void aDisconnectedStoreIsUpdatedAndLeftDisconnected() {
        final FakeKms kms = new FakeKms(KmsConnectionState.DISCONNECTED);
        assertThat(drive(kms, KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.XKS_PROXY_URI_ENDPOINT),
            0).step()).isEqualTo(Step.DONE);
        assertThat(kms.state).isEqualTo(KmsConnectionState.DISCONNECTED);
        assertThat(kms.disconnects + kms.connects).isZero();
        assertThat(kms.updates).isEqualTo(1);
    }

    @Test
    void anInPlaceUpdateThatKmsRefusesFallsBackToTheDance() {
        final FakeKms connected = new FakeKms(KmsConnectionState.CONNECTED);
        drive(connected, KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.XKS_PROXY_URI_PATH), 0);
        assertThat(connected.disconnects + connected.connects).as("accepted in place").isZero();

        final FakeKms refusing = new FakeKms(KmsConnectionState.CONNECTED);
        refusing.refusesInPlace = true;
        assertThat(drive(refusing, KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE,
            StoreProperty.XKS_PROXY_AUTHENTICATION_CREDENTIAL), 0).step()).isEqualTo(Step.DONE);
        assertThat(refusing.state).isEqualTo(KmsConnectionState.CONNECTED);
        assertThat(refusing.disconnects).isEqualTo(1);
        assertThat(refusing.connects).isEqualTo(1);
        assertThat(refusing.updates).isEqualTo(1);
    }

    @Test
    void aFailedStoreTakesTheDanceEvenForARenameAndAFailedReconnectIsNotRetried() {
        final FakeKms failed = new FakeKms(KmsConnectionState.FAILED);
        assertThat(drive(failed, KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.CUSTOM_KEY_STORE_NAME),
            0).step()).isEqualTo(Step.DONE);
        assertThat(failed.state).isEqualTo(KmsConnectionState.CONNECTED);

        final FakeKms locked = new FakeKms(KmsConnectionState.CONNECTED);
        locked.connectFails = true;
        for (int crashAfter = 0; crashAfter <= 3; crashAfter++) {
            locked.state = KmsConnectionState.CONNECTED;
            locked.connects = 0;
            final Next end = drive(locked, KeyStoreChange.of(StoreType.AWS_CLOUDHSM, StoreProperty.KEY_STORE_PASSWORD),
                crashAfter);
            assertThat(end.reason()).as("crash after %s", crashAfter).isEqualTo(FailReason.RECONNECT_FAILED);
            assertThat(end.disconnectBeforeFailing()).isTrue();
            assertThat(locked.connects).as("one kmsuser login attempt only").isEqualTo(1);
        }
    }

    // ---- what needs DISCONNECTED, per type --------------------------------------------------------------

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @CsvSource({
        "CUSTOM_KEY_STORE_NAME,                AWS_CLOUDHSM,       TRY_IN_PLACE",
        "CUSTOM_KEY_STORE_NAME,                EXTERNAL_KEY_STORE, IN_PLACE",
        "CLOUD_HSM_CLUSTER_ID,                 AWS_CLOUDHSM,       DANCE",
        "KEY_STORE_PASSWORD,                   AWS_CLOUDHSM,       DANCE",
        "XKS_PROXY_CONNECTIVITY,               EXTERNAL_KEY_STORE, DANCE",
        "XKS_PROXY_URI_ENDPOINT,               EXTERNAL_KEY_STORE, DANCE",
        "XKS_PROXY_URI_PATH,                   EXTERNAL_KEY_STORE, TRY_IN_PLACE",
        "XKS_PROXY_VPC_ENDPOINT_SERVICE_NAME,  EXTERNAL_KEY_STORE, DANCE",
        "XKS_PROXY_VPC_ENDPOINT_SERVICE_OWNER, EXTERNAL_KEY_STORE, DANCE",
        "XKS_PROXY_AUTHENTICATION_CREDENTIAL,  EXTERNAL_KEY_STORE, TRY_IN_PLACE",
    })
    void eachPropertyAloneNeedsWhatKmsNeeds(final StoreProperty property, final StoreType type, final Mode mode) {
        assertThat(KeyStoreChange.of(type, property).mode()).isEqualTo(mode);
        assertThat(KeyStoreUpdatePlanner.fallsBackToDance(KeyStoreChange.of(type, property)))
            .isEqualTo(mode == Mode.TRY_IN_PLACE);
    }

    @Test
    void theMostDisruptivePropertyDecidesAndTheOtherTypesPropertiesAreRefused() {
        assertThat(KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.CUSTOM_KEY_STORE_NAME,
            StoreProperty.XKS_PROXY_AUTHENTICATION_CREDENTIAL).mode()).isEqualTo(Mode.TRY_IN_PLACE);
        assertThat(KeyStoreChange.of(StoreType.AWS_CLOUDHSM, StoreProperty.CUSTOM_KEY_STORE_NAME,
            StoreProperty.KEY_STORE_PASSWORD).mode()).isEqualTo(Mode.DANCE);
        assertThat(KeyStoreUpdatePlanner.fallsBackToDance(KeyStoreChange.of(StoreType.AWS_CLOUDHSM))).isFalse();
        assertThatThrownBy(() -> KeyStoreChange.of(StoreType.AWS_CLOUDHSM, StoreProperty.XKS_PROXY_URI_PATH))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("XksProxyUriPath is a property of EXTERNAL_KEY_STORE key stores only, not AWS_CLOUDHSM");
        assertThatThrownBy(() -> KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.KEY_STORE_PASSWORD))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AWS_CLOUDHSM key stores only");
        for (StoreProperty p : StoreProperty.values()) {
            for (StoreType t : StoreType.values()) {
                assertThat(p.appliesTo(t)).isEqualTo(p == StoreProperty.CUSTOM_KEY_STORE_NAME
                    || p.name().startsWith("XKS") == (t == StoreType.EXTERNAL_KEY_STORE));
            }
        }
    }

    // ---- what changed -----------------------------------------------------------------------------------

    private static final KeyStoreSettings HSM = KeyStoreSettings.cloudHsm("hsm", "cluster-234567abcdefg", "1");
    private static final KeyStoreSettings XKS = KeyStoreSettings.external("xks", "PUBLIC_ENDPOINT",
        "https://xks.example.com", "/kms/xks/v1", null, null, "ABCDEFGHIJKLMNOPQRST", "1");

    @Test
    void betweenComparesEachPropertyAndIgnoresWhatIsNotGiven() {
        assertThat(KeyStoreChange.between(HSM, HSM).properties()).isEmpty();
        assertThat(KeyStoreChange.between(XKS, XKS).mode()).isEqualTo(Mode.NOTHING);
        assertThat(KeyStoreChange.between(HSM, KeyStoreSettings.cloudHsm("renamed", "cluster-765432abcdefg", "2"))
            .properties()).containsExactlyInAnyOrder(StoreProperty.CUSTOM_KEY_STORE_NAME,
            StoreProperty.CLOUD_HSM_CLUSTER_ID, StoreProperty.KEY_STORE_PASSWORD);
        assertThat(KeyStoreChange.between(HSM, KeyStoreSettings.cloudHsm(null, null, null)).properties()).isEmpty();
        final KeyStoreChange all = KeyStoreChange.between(XKS, KeyStoreSettings.external("xks2",
            "VPC_ENDPOINT_SERVICE", "https://xks2.example.com", "/p/kms/xks/v2",
            "com.amazonaws.vpce.us-east-1.vpce-svc-0abc", "123456789012", "ZYXWVUTSRQPONMLKJIHG", "1"));
        assertThat(all.properties()).containsExactlyInAnyOrder(StoreProperty.CUSTOM_KEY_STORE_NAME,
            StoreProperty.XKS_PROXY_CONNECTIVITY, StoreProperty.XKS_PROXY_URI_ENDPOINT,
            StoreProperty.XKS_PROXY_URI_PATH, StoreProperty.XKS_PROXY_VPC_ENDPOINT_SERVICE_NAME,
            StoreProperty.XKS_PROXY_VPC_ENDPOINT_SERVICE_OWNER, StoreProperty.XKS_PROXY_AUTHENTICATION_CREDENTIAL);
        assertThat(all.names()).isEqualTo("CustomKeyStoreName, XksProxyConnectivity, XksProxyUriEndpoint, "
            + "XksProxyUriPath, XksProxyVpcEndpointServiceName, XksProxyVpcEndpointServiceOwner, "
            + "XksProxyAuthenticationCredential");
        assertThat(all.namesNeedingDisconnected()).isEqualTo("XksProxyConnectivity, XksProxyUriEndpoint, "
            + "XksProxyVpcEndpointServiceName, XksProxyVpcEndpointServiceOwner");
        assertThat(KeyStoreChange.between(XKS, KeyStoreSettings.external(null, null, null, null, null, null, null,
            "2")).properties()).containsExactly(StoreProperty.XKS_PROXY_AUTHENTICATION_CREDENTIAL);
        assertThatThrownBy(() -> KeyStoreChange.between(HSM, XKS)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("create-only");
    }

    @Test
    void theChangeIsAValueWithAStableOrder() {
        final Set<StoreProperty> mutable = EnumSet.of(StoreProperty.XKS_PROXY_URI_PATH,
            StoreProperty.CUSTOM_KEY_STORE_NAME);
        final KeyStoreChange change = new KeyStoreChange(StoreType.EXTERNAL_KEY_STORE, mutable);
        mutable.clear();
        assertThat(change.names()).isEqualTo("CustomKeyStoreName, XksProxyUriPath");
        assertThat(change).isEqualTo(KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE,
            StoreProperty.XKS_PROXY_URI_PATH, StoreProperty.CUSTOM_KEY_STORE_NAME));
    }

    // ---- the state to come back to ------------------------------------------------------------------------

    @ParameterizedTest(name = "record {0}, before {1}: {2}")
    @CsvSource({
        ",             CONNECTED,     CONNECTED",
        ",             CONNECTING,    CONNECTED",
        ",             FAILED,        CONNECTED",
        ",             DISCONNECTED,  DISCONNECTED",
        ",             DISCONNECTING, DISCONNECTED",
        "CONNECTED,    DISCONNECTED,  CONNECTED",
        "CONNECTED,    DISCONNECTING, CONNECTED",
        "CONNECTED,    CONNECTED,     CONNECTED",
        "DISCONNECTED, CONNECTED,     DISCONNECTED",
        "DISCONNECTED, FAILED,        DISCONNECTED",
        "DISCONNECTED, DISCONNECTED,  DISCONNECTED",
    })
    void theOwnershipRecordWinsOtherwiseTheStateBefore(final TargetState record, final KmsConnectionState before,
                                                       final TargetState expected) {
        assertThat(KeyStoreUpdatePlanner.comeBackTo(record, before)).isEqualTo(expected);
    }

    // ---- secrets ----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "password version {0} -> {1}: send {2}")
    @CsvSource({
        ",  ,  false",
        ",  1, true",
        "1, 1, false",
        "1, 2, true",
        "2, 1, true",
        "1,  , false",
    })
    void thePasswordGoesOnlyWithANewVersion(final String previous, final String desired, final boolean send) {
        assertThat(KeyStoreUpdatePlanner.sendPassword(previous, desired)).isEqualTo(send);
    }

    @ParameterizedTest(name = "reported {0}, desired {1}, version {2} -> {3}: send {4}")
    @CsvSource({
        "AKIDAAAAAAAAAAAAAAAA, AKIDAAAAAAAAAAAAAAAA, 1, 1, false",
        "AKIDAAAAAAAAAAAAAAAA, AKIDBBBBBBBBBBBBBBBB, 1, 1, true",
        "AKIDAAAAAAAAAAAAAAAA, AKIDAAAAAAAAAAAAAAAA, 1, 2, true",
        "AKIDAAAAAAAAAAAAAAAA, AKIDAAAAAAAAAAAAAAAA,  , 1, true",
        "AKIDAAAAAAAAAAAAAAAA, AKIDAAAAAAAAAAAAAAAA, 1,  , false",
        "AKIDAAAAAAAAAAAAAAAA,                     , 1, 1, false",
        "                    , AKIDAAAAAAAAAAAAAAAA, 1, 1, true",
    })
    void theCredentialGoesWhenItsKeyIdDiffersFromKmsOrItsVersionChanges(final String reported, final String desired,
                                                                         final String previousVersion,
                                                                         final String desiredVersion,
                                                                         final boolean send) {
        assertThat(KeyStoreUpdatePlanner.sendCredential(reported, desired, previousVersion, desiredVersion))
            .isEqualTo(send);
    }

    // ---- what the operator reads --------------------------------------------------------------------------

    @Test
    void eachCallIsAnnouncedWithWhyAndWhatComesNext() {
        final KeyStoreChange endpoint = KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE,
            StoreProperty.XKS_PROXY_URI_ENDPOINT);
        assertThat(KeyStoreUpdatePlanner.announce(Step.DISCONNECT, ID, endpoint, KmsConnectionState.CONNECTED,
            TargetState.CONNECTED))
            .isEqualTo(ID + ": disconnecting to change XksProxyUriEndpoint (KMS changes it only while DISCONNECTED); "
                + "will reconnect");
        assertThat(KeyStoreUpdatePlanner.announce(Step.DISCONNECT, ID, KeyStoreChange.of(StoreType.AWS_CLOUDHSM,
            StoreProperty.CLOUD_HSM_CLUSTER_ID, StoreProperty.KEY_STORE_PASSWORD), KmsConnectionState.DISCONNECTING,
            TargetState.DISCONNECTED))
            .isEqualTo(ID + ": disconnecting to change CloudHsmClusterId, KeyStorePassword (KMS changes them only "
                + "while DISCONNECTED); will leave it DISCONNECTED as it was");
        final KeyStoreChange path = KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.XKS_PROXY_URI_PATH);
        assertThat(KeyStoreUpdatePlanner.announce(Step.DISCONNECT, ID, path, KmsConnectionState.CONNECTED,
            TargetState.CONNECTED)).isEqualTo(ID + ": disconnecting to change XksProxyUriPath (KMS refused to change "
                + "it while connected); will reconnect");
        final KeyStoreChange nameAndPath = KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE,
            StoreProperty.CUSTOM_KEY_STORE_NAME, StoreProperty.XKS_PROXY_URI_PATH);
        assertThat(KeyStoreUpdatePlanner.announce(Step.DISCONNECT, ID, nameAndPath, KmsConnectionState.CONNECTED,
            TargetState.CONNECTED)).contains("(KMS refused to change them while connected)");
        assertThat(KeyStoreUpdatePlanner.announce(Step.DISCONNECT, ID, path, KmsConnectionState.FAILED,
            TargetState.CONNECTED)).isEqualTo(ID + ": disconnecting to change XksProxyUriPath (KMS changes it in "
                + "place only while CONNECTED or DISCONNECTED, and the key store is FAILED); will reconnect");
        assertThat(KeyStoreUpdatePlanner.announce(Step.DISCONNECT, ID, nameAndPath, KmsConnectionState.FAILED,
            TargetState.CONNECTED)).contains("KMS changes them in place only");
        assertThat(KeyStoreUpdatePlanner.announce(Step.UPDATE_CONNECTED, ID, path, KmsConnectionState.CONNECTED,
            TargetState.CONNECTED))
            .isEqualTo(ID + ": updating XksProxyUriPath in place (the connection is not touched)");
        assertThat(KeyStoreUpdatePlanner.announce(Step.UPDATE, ID, endpoint, KmsConnectionState.DISCONNECTED,
            TargetState.CONNECTED))
            .isEqualTo(ID + ": updating XksProxyUriEndpoint while DISCONNECTED");
        assertThat(KeyStoreUpdatePlanner.announce(Step.RECONNECT, ID, endpoint, KmsConnectionState.DISCONNECTED,
            TargetState.CONNECTED))
            .isEqualTo(ID + ": reconnecting after changing XksProxyUriEndpoint");
        final List<Step> silent = new ArrayList<>();
        for (Step s : Step.values()) {
            if (KeyStoreUpdatePlanner.announce(s, ID, endpoint, KmsConnectionState.CONNECTED,
                TargetState.CONNECTED) == null) {
                silent.add(s);
            }
        }
        assertThat(silent).containsExactly(Step.WAIT, Step.DONE, Step.FAIL);
    }

    @Test
    void aFailedReconnectSaysTheStoreIsDisconnectedWhyAndHowToPutItBack() {
        final KeyStoreChange password = KeyStoreChange.of(StoreType.AWS_CLOUDHSM, StoreProperty.KEY_STORE_PASSWORD);
        final Failure hsm = KeyStoreUpdatePlanner.failure(FailReason.RECONNECT_FAILED, ID, password,
            Phase.RECONNECT_SENT, "INVALID_CREDENTIALS");
        assertThat(hsm.kind()).isEqualTo(FailureKind.NotStabilized);
        assertThat(hsm.message()).contains(ID, "KeyStorePassword", "ConnectionErrorCode INVALID_CREDENTIALS",
            "kmsuser", "change KeyStorePasswordVersion", "it is DISCONNECTED now",
            "aws kms connect-custom-key-store --custom-key-store-id " + ID);
        final Failure xks = KeyStoreUpdatePlanner.failure(FailReason.RECONNECT_FAILED, ID,
            KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.XKS_PROXY_URI_ENDPOINT), Phase.RECONNECT_SENT,
            "INVALID_CREDENTIALS");
        assertThat(xks.message()).contains("XksProxyAuthenticationCredentialVersion", "proxy")
            .doesNotContain("kmsuser");
        final Failure network = KeyStoreUpdatePlanner.failure(FailReason.RECONNECT_FAILED, ID,
            KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.XKS_PROXY_URI_ENDPOINT), Phase.RECONNECT_SENT,
            "XKS_PROXY_NOT_REACHABLE");
        assertThat(network.message()).contains("XKS_PROXY_NOT_REACHABLE", "proxy is running")
            .doesNotContain("Version");
        assertThat(KeyStoreUpdatePlanner.failure(FailReason.RECONNECT_FAILED, ID, password, Phase.RECONNECT_SENT,
            null).message()).contains("ConnectionErrorCode (none reported)");
    }

    @Test
    void inconsistentProgressIsADefectThatNamesThePhase() {
        final Failure f = KeyStoreUpdatePlanner.failure(FailReason.INCONSISTENT_PROGRESS, ID,
            KeyStoreChange.of(StoreType.EXTERNAL_KEY_STORE, StoreProperty.CUSTOM_KEY_STORE_NAME), Phase.UPDATE_SENT,
            null);
        assertThat(f.kind()).isEqualTo(FailureKind.InternalFailure);
        assertThat(f.message()).contains(ID, "UPDATE_SENT", "CustomKeyStoreName", "Keyhold defect");
        assertThat(KeyStoreUpdatePlanner.failure(FailReason.INCONSISTENT_PROGRESS, ID,
            KeyStoreChange.of(StoreType.AWS_CLOUDHSM), Phase.FELL_BACK, null).message()).contains("(nothing)");
    }

    @Test
    void aFailedUpdateAfterTheDisconnectSaysWhereTheStoreIs() {
        final KeyStoreChange cluster = KeyStoreChange.of(StoreType.AWS_CLOUDHSM, StoreProperty.CLOUD_HSM_CLUSTER_ID);
        assertThat(KeyStoreUpdatePlanner.strandedMessage(ID, cluster, TargetState.CONNECTED, Phase.DISCONNECT_SENT,
            "Cause.")).startsWith("Cause. ").contains("is DISCONNECTED now", "Keyhold disconnected it",
                "to change CloudHsmClusterId", "aws kms connect-custom-key-store --custom-key-store-id " + ID,
                "update the stack again");
        for (Phase phase : Phase.values()) {
            assertThat(KeyStoreUpdatePlanner.strandedMessage(ID, cluster, TargetState.DISCONNECTED, phase, "Cause."))
                .isEqualTo("Cause. The key store stays DISCONNECTED, as it was before the update; KMS did not change "
                    + "CloudHsmClusterId.");
        }
        // Found DISCONNECTED while its connection resource declares CONNECTED: Keyhold did not disconnect it.
        assertThat(KeyStoreUpdatePlanner.strandedMessage(ID, cluster, TargetState.CONNECTED, Phase.NOT_STARTED,
            "Cause.")).startsWith("Cause. ").contains("as it was before the update (Keyhold did not disconnect it)",
                "KMS did not change CloudHsmClusterId", "update the stack again",
                "aws kms connect-custom-key-store --custom-key-store-id " + ID)
            .doesNotContain("Keyhold disconnected it");
    }

    @Test
    void storeTypeParsesKmsValuesWithItsDefault() {
        assertThat(StoreType.fromKms(null)).isEqualTo(StoreType.AWS_CLOUDHSM);
        assertThat(StoreType.fromKms("EXTERNAL_KEY_STORE")).isEqualTo(StoreType.EXTERNAL_KEY_STORE);
    }
}
