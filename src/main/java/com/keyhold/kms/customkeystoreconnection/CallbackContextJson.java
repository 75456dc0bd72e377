package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.ContextCodec;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.json.JSONObject;

/**
 * The callback context's JSON form, Keyhold's own members only. The plugin's call-graph memo is left out (and ignored
 * when an earlier version wrote it): the one call chain Keyhold runs is poll-only (its service call returns the model
 * it is given), so replaying it costs no AWS call.
 */
final class CallbackContextJson implements ContextCodec<CallbackContext> {
    static final CallbackContextJson CODEC = new CallbackContextJson();

    private CallbackContextJson() {
    }

    @Override
    public CallbackContext read(final JSONObject json) {
        final CallbackContext context = new CallbackContext();
        final JSONObject progress = json.optJSONObject("progress");
        context.setProgress(progress == null ? null : Progress.fromMap(progress.toMap()));
        context.setPreconditionsChecked(json.optBoolean("preconditionsChecked"));
        context.setOwnershipClaimed(json.optBoolean("ownershipClaimed"));
        context.setNextPollSeconds(json.optInt("nextPollSeconds"));
        context.setStatusMessage(json.has("statusMessage") && !json.isNull("statusMessage")
            ? String.valueOf(json.get("statusMessage")) : null);
        return context;
    }

    @Override
    public Map<String, Object> write(final CallbackContext context) {
        final Map<String, Object> json = new LinkedHashMap<>();
        if (context.getProgress() != null) {
            json.put("progress", context.getProgress().toMap());
        }
        json.put("preconditionsChecked", context.isPreconditionsChecked());
        json.put("ownershipClaimed", context.isOwnershipClaimed());
        json.put("nextPollSeconds", context.getNextPollSeconds());
        if (context.getStatusMessage() != null) {
            json.put("statusMessage", context.getStatusMessage());
        }
        return json;
    }
}
