package com.keyhold.kms.customkeystoreconnection.aws;

import com.keyhold.kms.customkeystoreconnection.core.OwnershipPort;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.json.JSONStringer;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;

/**
 * Ownership records as SSM Parameter Store parameters (standard tier, plain String, JSON value: one member per record
 * component, named after it, in component order, null components as null).
 */
public final class SsmOwnership implements OwnershipPort {
    // The JSON is handled with org.json, which the handler already loads, so that Jackson databind stays off its cold
    // start. The format is the one Jackson's ObjectMapper wrote before: stored records must keep reading both ways.

    private final SsmParameters parameters;
    private final AwsInvoker invoker;

    public SsmOwnership(final SsmClient ssm, final AwsInvoker invoker) {
        this(() -> ssm, invoker);
    }

    /** The client is built on first use. */
    public SsmOwnership(final Supplier<SsmClient> ssm, final AwsInvoker invoker) {
        this.parameters = new SsmParameters(ssm, invoker);
        this.invoker = invoker;
    }

    @Override
    public Optional<OwnershipRecord> claim(final OwnershipRecord record) {
        try {
            put(record, false);
            return Optional.empty();
        } catch (ParameterAlreadyExistsException e) {
            // Read back who owns it; if it vanished in between, the next attempt claims it.
            return Optional.of(find(record.customKeyStoreId()).orElseThrow(() -> e));
        }
    }

    @Override
    public Optional<OwnershipRecord> find(final String customKeyStoreId) {
        return parameters.find(OwnershipRecord.parameterName(customKeyStoreId)).map(SsmOwnership::parse);
    }

    @Override
    public void save(final OwnershipRecord record) {
        put(record, true);
    }

    @Override
    public void release(final String customKeyStoreId) {
        parameters.delete(OwnershipRecord.parameterName(customKeyStoreId));
    }

    @Override
    public Page list(final String nextToken, final int pageSize) {
        final GetParametersByPathResponse response = invoker.invoke(GetParametersByPathRequest.builder()
            .path(OwnershipRecord.PATH).recursive(false).maxResults(pageSize).nextToken(nextToken).build(),
            request -> parameters.client().getParametersByPath(request));
        final List<OwnershipRecord> records = response.parameters().stream().map(SsmOwnership::parse)
            .collect(Collectors.toList());
        return new Page(records, response.nextToken());
    }

    private void put(final OwnershipRecord record, final boolean overwrite) {
        parameters.put(OwnershipRecord.parameterName(record.customKeyStoreId()), "Keyhold ownership record: this key "
            + "store's connection state is managed by a CloudFormation stack. Do not edit; delete only to release a key "
            + "store whose stack is gone.", write(record), overwrite);
    }

    private static String write(final OwnershipRecord record) {
        // JSONStringer keeps the member order, which JSONObject would not: for ids, ARNs, tokens and timestamps the
        // bytes are Jackson's (org.json only escapes "</" and some non-ASCII ranges differently, still valid JSON).
        return new JSONStringer().object()
            .key("customKeyStoreId").value(record.customKeyStoreId())
            .key("connectionState").value(record.connectionState())
            .key("connectionStateOnDelete").value(record.connectionStateOnDelete())
            .key("stackId").value(record.stackId())
            .key("logicalResourceId").value(record.logicalResourceId())
            .key("clientRequestToken").value(record.clientRequestToken())
            .key("updatedAt").value(record.updatedAt())
            .endObject().toString();
    }

    private static OwnershipRecord parse(final Parameter parameter) {
        final String name = parameter.name();
        final String id = name.substring(name.lastIndexOf('/') + 1);
        try {
            final JSONObject stored = new JSONObject(parameter.value());
            // Read only to fail as Jackson did on a non-text id: the parameter name is authoritative for the id.
            SsmParameters.text(stored, "customKeyStoreId");
            return new OwnershipRecord(id, SsmParameters.text(stored, "connectionState"), SsmParameters.text(stored, "connectionStateOnDelete"),
                SsmParameters.text(stored, "stackId"), SsmParameters.text(stored, "logicalResourceId"), SsmParameters.text(stored, "clientRequestToken"),
                SsmParameters.text(stored, "updatedAt"));
        } catch (JSONException e) {
            // A hand-edited value still proves ownership; report what can be read.
            return new OwnershipRecord(id, null, null, "(unreadable record)", "(unreadable record)", null, null);
        }
    }
}
