package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.core.Progress;
import software.amazon.cloudformation.proxy.StdCallbackContext;

/**
 * What survives between invocations of one operation: the transition's progress and which one-time
 * steps (checking the key store, claiming ownership) are behind us.
 */
public class CallbackContext extends StdCallbackContext {
    private Progress progress;
    private boolean preconditionsChecked;
    private boolean ownershipClaimed;
    /** The delay and message of the last poll, read by the stabilization delay and the in-progress event. */
    private int nextPollSeconds;
    private String statusMessage;

    public Progress getProgress() {
        return progress;
    }

    public void setProgress(final Progress progress) {
        this.progress = progress;
    }

    public boolean isPreconditionsChecked() {
        return preconditionsChecked;
    }

    public void setPreconditionsChecked(final boolean preconditionsChecked) {
        this.preconditionsChecked = preconditionsChecked;
    }

    public boolean isOwnershipClaimed() {
        return ownershipClaimed;
    }

    public void setOwnershipClaimed(final boolean ownershipClaimed) {
        this.ownershipClaimed = ownershipClaimed;
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
