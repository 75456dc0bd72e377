package com.keyhold.kms.customkeystoreconnection.aws;

import java.util.Optional;
import java.util.function.Supplier;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DeleteParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

/**
 * Keyhold's records in Parameter Store (standard tier, plain String, a JSON value): the calls both record kinds make,
 * the connection type's ownership records and the key store type's store records. SDK exceptions pass unchanged,
 * except that a missing parameter is an empty find and a delete of a missing one is done.
 */
final class SsmParameters {
    private final Supplier<SsmClient> ssm;
    private final AwsInvoker invoker;

    SsmParameters(final Supplier<SsmClient> ssm, final AwsInvoker invoker) {
        this.ssm = ssm;
        this.invoker = invoker;
    }

    Optional<Parameter> find(final String name) {
        try {
            return Optional.of(invoker.invoke(GetParameterRequest.builder().name(name).build(),
                request -> ssm.get().getParameter(request)).parameter());
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        }
    }

    void put(final String name, final String description, final String value, final boolean overwrite) {
        invoker.invoke(PutParameterRequest.builder().name(name).description(description)
            .type(ParameterType.STRING).tier(ParameterTier.STANDARD).overwrite(overwrite).value(value).build(),
            request -> ssm.get().putParameter(request));
    }

    void delete(final String name) {
        try {
            invoker.invoke(DeleteParameterRequest.builder().name(name).build(),
                request -> ssm.get().deleteParameter(request));
        } catch (ParameterNotFoundException e) {
            // Already gone: a delete that is re-invoked after it removed the record.
        }
    }

    SsmClient client() {
        return ssm.get();
    }

    /**
     * A String component as Jackson read it: absent or null is null, unknown members are ignored by the caller, a
     * number or boolean gives its text, and an object or array makes the whole record unreadable.
     */
    static String text(final JSONObject stored, final String member) {
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
