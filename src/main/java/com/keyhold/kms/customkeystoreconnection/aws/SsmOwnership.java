package com.keyhold.kms.customkeystoreconnection.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipPort;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
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

/** Ownership records as SSM Parameter Store parameters (standard tier, plain String, JSON value). */
public final class SsmOwnership implements OwnershipPort {
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

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
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise ownership record", e);
        }
    }

    private static OwnershipRecord parse(final Parameter parameter) {
        final String name = parameter.name();
        final String id = name.substring(name.lastIndexOf('/') + 1);
        try {
            final OwnershipRecord stored = JSON.readValue(parameter.value(), OwnershipRecord.class);
            // The parameter name is authoritative for the id, whatever the value says.
            return new OwnershipRecord(id, stored.connectionState(), stored.connectionStateOnDelete(), stored.stackId(),
                stored.logicalResourceId(), stored.clientRequestToken(), stored.updatedAt());
        } catch (JsonProcessingException e) {
            // A hand-edited value still proves ownership; report what can be read.
            return new OwnershipRecord(id, null, null, "(unreadable record)", "(unreadable record)", null, null);
        }
    }
}
