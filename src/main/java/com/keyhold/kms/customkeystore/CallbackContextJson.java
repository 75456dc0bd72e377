package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Phase;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import com.keyhold.kms.customkeystoreconnection.core.StoreProperty;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import com.keyhold.kms.customkeystoreconnection.protocol.ContextCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;

/** The key store type's callback context in JSON; an unknown phase or target stops the operation (ContextCodec). */
final class CallbackContextJson implements ContextCodec<CallbackContext> {
    static final CallbackContextJson CODEC = new CallbackContextJson();

    private CallbackContextJson() {
    }

    @Override
    public CallbackContext read(final JSONObject json) {
        final CallbackContext context = new CallbackContext();
        context.setCreatedId(json.has("createdId") ? json.getString("createdId") : null);
        context.setPhase(json.has("phase") ? Phase.valueOf(json.getString("phase")) : null);
        final JSONArray changed = json.optJSONArray("changed");
        if (changed != null) {
            final List<StoreProperty> properties = new ArrayList<>();
            for (int i = 0; i < changed.length(); i++) {
                properties.add(StoreProperty.valueOf(changed.getString(i)));
            }
            context.setChanged(properties);
        }
        context.setComeBackTo(json.has("comeBackTo") ? TargetState.valueOf(json.getString("comeBackTo")) : null);
        context.setDeleteChecked(json.optBoolean("deleteChecked"));
        context.setRecorded(json.optBoolean("recorded"));
        context.setRestoring(json.optBoolean("restoring"));
        context.setSecondConnect(json.optBoolean("secondConnect"));
        context.setPendingRecorded(json.optBoolean("pendingRecorded"));
        context.setPasswordKept(json.optBoolean("passwordKept"));
        final JSONArray spent = json.optJSONArray("spentPasswordVersions");
        if (spent != null) {
            final List<String> versions = new ArrayList<>();
            for (int i = 0; i < spent.length(); i++) {
                versions.add(spent.getString(i));
            }
            context.setSpentPasswordVersions(versions);
        }
        context.setRefusalKind(json.has("refusalKind") ? json.getString("refusalKind") : null);
        context.setRefusal(json.has("refusal") ? json.getString("refusal") : null);
        final JSONObject keyCount = json.optJSONObject("keyCount");
        context.setKeyCount(keyCount == null ? null : KeyCount.fromMap(keyCount.toMap()));
        final JSONObject progress = json.optJSONObject("progress");
        context.setProgress(progress == null ? null : Progress.fromMap(progress.toMap()));
        context.setNextPollSeconds(json.optInt("nextPollSeconds"));
        context.setStatusMessage(json.has("statusMessage") ? json.getString("statusMessage") : null);
        return context;
    }

    @Override
    public Map<String, Object> write(final CallbackContext context) {
        final Map<String, Object> json = new LinkedHashMap<>();
        if (context.getCreatedId() != null) {
            json.put("createdId", context.getCreatedId());
        }
        if (context.getPhase() != null) {
            json.put("phase", context.getPhase().name());
        }
        if (context.getChanged() != null) {
            json.put("changed", context.getChanged().stream().map(Enum::name).toList());
        }
        if (context.getComeBackTo() != null) {
            json.put("comeBackTo", context.getComeBackTo().name());
        }
        json.put("deleteChecked", context.isDeleteChecked());
        json.put("recorded", context.isRecorded());
        json.put("restoring", context.isRestoring());
        json.put("secondConnect", context.isSecondConnect());
        json.put("pendingRecorded", context.isPendingRecorded());
        json.put("passwordKept", context.isPasswordKept());
        if (context.getSpentPasswordVersions() != null) {
            json.put("spentPasswordVersions", context.getSpentPasswordVersions());
        }
        if (context.getRefusal() != null) {
            json.put("refusalKind", context.getRefusalKind());
            json.put("refusal", context.getRefusal());
        }
        if (context.getKeyCount() != null) {
            json.put("keyCount", context.getKeyCount().toMap());
        }
        if (context.getProgress() != null) {
            json.put("progress", context.getProgress().toMap());
        }
        json.put("nextPollSeconds", context.getNextPollSeconds());
        if (context.getStatusMessage() != null) {
            json.put("statusMessage", context.getStatusMessage());
        }
        return json;
    }
}
