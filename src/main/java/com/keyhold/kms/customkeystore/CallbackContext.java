package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Phase;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import com.keyhold.kms.customkeystoreconnection.core.StoreProperty;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.util.List;

/**
 * What survives between invocations of one operation of the key store type: how far it got, so that no call is
 * repeated. Never a secret: the password and the XKS credential travel only in the model CloudFormation sends.
 */
public class CallbackContext {
    /** CREATE: the id CreateCustomKeyStore returned; set once the call succeeded, so it is never made twice. */
    private String createdId;
    /** UPDATE: how far the update got (KeyStoreUpdatePlanner's table). */
    private Phase phase;
    /** UPDATE: the properties the update changes (StoreProperty names), decided before its first call. */
    private List<StoreProperty> changed;
    /** UPDATE: the connection state the dance comes back to, decided once before its first call. */
    private TargetState comeBackTo;
    /** DELETE: the key check passed and the ownership record names no other stack. */
    private boolean deleteChecked;
    /** DELETE: the key count's progress across invocations (null until it starts). */
    private KeyCount keyCount;
    /** UPDATE: the store record holds the versions KMS now has the secrets under, and names the owner. */
    private boolean recorded;
    /** UPDATE: the store record held a state to come back to (CONNECTED) from an earlier update: put it back. */
    private boolean restoring;
    /** The one more connect SecondConnect allows after a failed reconnect was made (once per update). */
    private boolean secondConnect;
    /** UPDATE: the state to come back to is in the store record (written before this update's disconnect). */
    private boolean pendingRecorded;
    /** UPDATE: KeyStorePassword was not sent (its version is spent): the record keeps the version KMS holds. */
    private boolean passwordKept;
    /** UPDATE: password versions KMS has connected with (the store record's, and the one it held if CONNECTED). */
    private List<String> spentPasswordVersions;
    /** UPDATE: KMS refused the dance's update; its failure, reported once the key store is back (UPDATE_REFUSED). */
    private String refusalKind;
    private String refusal;
    /** The wait of the current step (the connection type's Progress: poll schedule, describe lag, retries). */
    private Progress progress;
    private int nextPollSeconds;
    private String statusMessage;

    public String getCreatedId() {
        return createdId;
    }

    public void setCreatedId(final String createdId) {
        this.createdId = createdId;
    }

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(final Phase phase) {
        this.phase = phase;
    }

    public List<StoreProperty> getChanged() {
        return changed;
    }

    public void setChanged(final List<StoreProperty> changed) {
        this.changed = changed;
    }

    public TargetState getComeBackTo() {
        return comeBackTo;
    }

    public void setComeBackTo(final TargetState comeBackTo) {
        this.comeBackTo = comeBackTo;
    }

    public boolean isDeleteChecked() {
        return deleteChecked;
    }

    public void setDeleteChecked(final boolean deleteChecked) {
        this.deleteChecked = deleteChecked;
    }

    public KeyCount getKeyCount() {
        return keyCount;
    }

    public void setKeyCount(final KeyCount keyCount) {
        this.keyCount = keyCount;
    }

    public boolean isRecorded() {
        return recorded;
    }

    public void setRecorded(final boolean recorded) {
        this.recorded = recorded;
    }

    public boolean isSecondConnect() {
        return secondConnect;
    }

    public void setSecondConnect(final boolean secondConnect) {
        this.secondConnect = secondConnect;
    }

    public boolean isRestoring() {
        return restoring;
    }

    public void setRestoring(final boolean restoring) {
        this.restoring = restoring;
    }

    public boolean isPendingRecorded() {
        return pendingRecorded;
    }

    public void setPendingRecorded(final boolean pendingRecorded) {
        this.pendingRecorded = pendingRecorded;
    }

    public boolean isPasswordKept() {
        return passwordKept;
    }

    public void setPasswordKept(final boolean passwordKept) {
        this.passwordKept = passwordKept;
    }

    public List<String> getSpentPasswordVersions() {
        return spentPasswordVersions;
    }

    public void setSpentPasswordVersions(final List<String> spentPasswordVersions) {
        this.spentPasswordVersions = spentPasswordVersions;
    }

    public String getRefusalKind() {
        return refusalKind;
    }

    public void setRefusalKind(final String refusalKind) {
        this.refusalKind = refusalKind;
    }

    public String getRefusal() {
        return refusal;
    }

    public void setRefusal(final String refusal) {
        this.refusal = refusal;
    }

    public Progress getProgress() {
        return progress;
    }

    public void setProgress(final Progress progress) {
        this.progress = progress;
    }

    public int getNextPollSeconds() {
        return nextPollSeconds;
    }

    public void setNextPollSeconds(final int nextPollSeconds) {
        this.nextPollSeconds = nextPollSeconds;
    }

    public String getStatusMessage() {
        return statusMessage;
    }

    public void setStatusMessage(final String statusMessage) {
        this.statusMessage = statusMessage;
    }
}
