package com.keyhold.kms.customkeystoreconnection.aws;

import com.keyhold.kms.customkeystoreconnection.core.CreateIntent;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.json.JSONStringer;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;

/** The key store type's store records in Parameter Store, at {@link StoreRecord#PATH}/&lt;CustomKeyStoreId&gt;. */
public final class SsmStoreRecords {
    private static final String DESCRIPTION = "Keyhold store record: this key store is managed by a CloudFormation "
        + "stack; the versions its secrets were last sent under (never a secret). Do not edit; delete only to release a "
        + "key store whose stack no longer manages it.";
    private final SsmParameters parameters;

    /** The client is built on first use. */
    public SsmStoreRecords(final Supplier<SsmClient> ssm, final AwsInvoker invoker) {
        this.parameters = new SsmParameters(ssm, invoker);
    }

    public Optional<StoreRecord> find(final String customKeyStoreId) {
        return parameters.find(StoreRecord.parameterName(customKeyStoreId)).map(SsmStoreRecords::parse);
    }

    public void save(final StoreRecord record) {
        parameters.put(StoreRecord.parameterName(record.customKeyStoreId()), DESCRIPTION, write(record), true);
    }

    /**
     * Writes a new key store's record, never over an existing one: false when a record of this id already exists
     * (left as it is, for the caller to read and judge).
     */
    public boolean saveNew(final StoreRecord record) {
        try {
            parameters.put(StoreRecord.parameterName(record.customKeyStoreId()), DESCRIPTION, write(record), false);
            return true;
        } catch (ParameterAlreadyExistsException e) {
            return false;
        }
    }

    /** Removes the record; one that is already gone is not an error. */
    public void remove(final String customKeyStoreId) {
        parameters.delete(StoreRecord.parameterName(customKeyStoreId));
    }

    public Optional<CreateIntent> findIntent(final String customKeyStoreName) {
        return parameters.find(CreateIntent.parameterName(customKeyStoreName)).map(parameter -> {
            try {
                final JSONObject stored = new JSONObject(parameter.value());
                return new CreateIntent(SsmParameters.text(stored, "customKeyStoreName"),
                    SsmParameters.text(stored, "clientRequestToken"), SsmParameters.text(stored, "at"));
            } catch (JSONException e) {
                return new CreateIntent(customKeyStoreName, null, null);
            }
        });
    }

    /**
     * Writes a create's intent, never over an existing one: false when an intent of this name already exists (another
     * operation's, or this operation's own on a retry), left as it is for the caller to read and judge.
     */
    public boolean saveNewIntent(final CreateIntent intent) {
        try {
            parameters.put(CreateIntent.parameterName(intent.customKeyStoreName()), "Keyhold create in progress: a "
                + "CloudFormation create of the key store of this name; removed when it completes.", new JSONStringer()
                .object().key("customKeyStoreName").value(intent.customKeyStoreName())
                .key("clientRequestToken").value(intent.clientRequestToken()).key("at").value(intent.at())
                .endObject().toString(), false);
            return true;
        } catch (ParameterAlreadyExistsException e) {
            return false;
        }
    }

    /**
     * Removes the intent only when the operation carrying {@code token} wrote it: another create's intent of the same
     * name stays. SSM has no conditional delete, so a tiny window remains: were this intent removed by hand and another
     * create to write its own between the read and the delete (one round trip), that one would go; its create is then
     * judged by its record alone on a retry. One that is already gone is not an error.
     */
    public void removeIntent(final String customKeyStoreName, final String token) {
        if (findIntent(customKeyStoreName).filter(intent -> intent.writtenBy(token)).isPresent()) {
            parameters.delete(CreateIntent.parameterName(customKeyStoreName));
        }
    }

    private static String write(final StoreRecord record) {
        return new JSONStringer().object()
            .key("customKeyStoreId").value(record.customKeyStoreId())
            .key("keyStorePasswordVersion").value(record.keyStorePasswordVersion())
            .key("xksProxyAuthenticationCredentialVersion").value(record.xksProxyAuthenticationCredentialVersion())
            .key("stackId").value(record.stackId())
            .key("logicalResourceId").value(record.logicalResourceId())
            .key("createToken").value(record.createToken())
            .key("updatedAt").value(record.updatedAt())
            .key("comeBackTo").value(record.comeBackTo() == null ? null : record.comeBackTo().name())
            .key("reconnectFailure").value(record.reconnectFailure())
            .key("spentPasswordVersions").value(new JSONArray(record.spentPasswordVersions()))
            .endObject().toString();
    }

    /** A state this version does not know reads as CONNECTED: putting a key store back errs toward working keys. */
    private static TargetState comeBackTo(final String stored) {
        if (stored == null) {
            return null;
        }
        return "DISCONNECTED".equals(stored) ? TargetState.DISCONNECTED : TargetState.CONNECTED;
    }

    private static List<String> spent(final JSONArray stored) {
        final List<String> versions = new ArrayList<>();
        for (int i = 0; stored != null && i < stored.length(); i++) {
            if (stored.opt(i) instanceof String version) {
                versions.add(version);
            }
        }
        return versions;
    }

    private static StoreRecord parse(final Parameter parameter) {
        final String name = parameter.name();
        final String id = name.substring(name.lastIndexOf('/') + 1);
        try {
            final JSONObject stored = new JSONObject(parameter.value());
            return new StoreRecord(id, SsmParameters.text(stored, "keyStorePasswordVersion"),
                SsmParameters.text(stored, "xksProxyAuthenticationCredentialVersion"),
                SsmParameters.text(stored, "stackId"), SsmParameters.text(stored, "logicalResourceId"),
                SsmParameters.text(stored, "createToken"), SsmParameters.text(stored, "updatedAt"),
                comeBackTo(SsmParameters.text(stored, "comeBackTo")), SsmParameters.text(stored, "reconnectFailure"),
                spent(stored.optJSONArray("spentPasswordVersions")));
        } catch (JSONException e) {
            // A hand-edited value still says the key store is managed; no versions can be read from it.
            return new StoreRecord(id, null, null, "(unreadable record)", "(unreadable record)", null, null);
        }
    }
}
