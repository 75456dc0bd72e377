package com.keyhold.kms.customkeystore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.json.JSONObject;
import org.json.JSONTokener;

/** Loads the key store type's schema, which the build copies into the jar under the CLI's file name. */
final class Configuration {
    static final String SCHEMA_FILENAME = "keyhold-kms-customkeystore.json";

    private Configuration() {
    }

    static JSONObject resourceSchema() {
        try (InputStream schema = Configuration.class.getClassLoader().getResourceAsStream(SCHEMA_FILENAME)) {
            if (schema == null) {
                throw new IllegalStateException("resource schema " + SCHEMA_FILENAME + " is missing from the handler jar");
            }
            return new JSONObject(new JSONTokener(schema));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
