package com.keyhold.kms.customkeystoreconnection.protocol;

import java.util.Map;
import org.json.JSONObject;

/**
 * A resource type's callback context in JSON, as it travels between the invocations of one operation.
 *
 * @param <C> the context class
 */
public interface ContextCodec<C> {
    /**
     * @throws IllegalArgumentException when the context cannot be read (another version wrote it, say): the protocol
     *                                  then stops the operation rather than start it over, which could repeat a call
     */
    C read(JSONObject json);

    /** The context's members, in the order they should be written. */
    Map<String, Object> write(C context);
}
