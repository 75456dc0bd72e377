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
import software.amazon.awssdk.services.ssm.model.DeleteParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

/**
 * Ownership records as SSM Parameter Store parameters (standard tier, plain String, JSON value: one member per record
 * component, named after it, in component order, null components as null).
 */
public final class SsmOwnership implements OwnershipPort {
    // The JSON is handled with org.json, which the handler already loads, so that Jackson databind stays off its cold
    // start. The format is the one Jackson's ObjectMapper wrote before: stored records must keep reading both ways.

    private final Supplier<SsmClient> ssm;
    private final AwsInvoker invoker;

    public SsmOwnership(final SsmClient ssm, final AwsInvoker invoker) {
        this(() -> ssm, invoker);
    }

    /** The client is built on first use. */
    public SsmOwnership(final Supplier<SsmClient> ssm, final AwsInvoker invoker) {
        this.ssm = ssm;
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
        try {
            final Parameter parameter = invoker.invoke(
                GetParameterRequest.builder().name(OwnershipRecord.parameterName(customKeyStoreId)).build(),
                request -> ssm.get().getParameter(request)).parameter();
            return Optional.of(parse(parameter));
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void save(final OwnershipRecord record) {
        put(record, true);
    }

    @Override
    public void release(final String customKeyStoreId) {
        try {
            invoker.invoke(DeleteParameterRequest.builder().name(OwnershipRecord.parameterName(customKeyStoreId)).build(),
                request -> ssm.get().deleteParameter(request));
        } catch (ParameterNotFoundException e) {
            // Already released: a delete that is re-invoked after it removed the record.
        }
    }

    @Override
    public Page list(final String nextToken, final int pageSize) {
        final GetParametersByPathResponse response = invoker.invoke(GetParametersByPathRequest.builder()
            .path(OwnershipRecord.PATH).recursive(false).maxResults(pageSize).nextToken(nextToken).build(),
            request -> ssm.get().getParametersByPath(request));
        final List<OwnershipRecord> records = response.parameters().stream().map(SsmOwnership::parse)
            .collect(Collectors.toList());
        return new Page(records, response.nextToken());
    }

    private void put(final OwnershipRecord record, final boolean overwrite) {
        invoker.invoke(PutParameterRequest.builder()
            .name(OwnershipRecord.parameterName(record.customKeyStoreId()))
            .description("Keyhold ownership record: this key store's connection state is managed by a CloudFormation "
                + "stack. Do not edit; delete only to release a key store whose stack is gone.")
            .type(ParameterType.STRING).tier(ParameterTier.STANDARD).overwrite(overwrite)
            .value(write(record)).build(), request -> ssm.get().putParameter(request));
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
            text(stored, "customKeyStoreId");
            return new OwnershipRecord(id, text(stored, "connectionState"), text(stored, "connectionStateOnDelete"),
                text(stored, "stackId"), text(stored, "logicalResourceId"), text(stored, "clientRequestToken"),
                text(stored, "updatedAt"));
        } catch (JSONException e) {
            // A hand-edited value still proves ownership; report what can be read.
            return new OwnershipRecord(id, null, null, "(unreadable record)", "(unreadable record)", null, null);
        }
    }

    /**
     * A String component as Jackson read it: absent or null is null, unknown members are ignored by the caller, a
     * number or boolean gives its text, and an object or array makes the whole record unreadable.
     */
    private static String text(final JSONObject stored, final String member) {
        if (stored.isNull(member)) {
            return null;
        }
        final Object value = stored.get(member);
        if (value instanceof JSONObject || value instanceof JSONArray) {
            throw new JSONException(member + " is not text");
        }
        return value.toString();
    }
}
