package com.keyhold.kms.customkeystoreconnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.json.JSONObject;
import org.json.JSONTokener;

/** Loads the resource schema that the build copies into the jar, as {@code cfn generate} arranges it. */
public abstract class BaseConfiguration {
    protected final String schemaFilename;

    protected BaseConfiguration(final String schemaFilename) {
        this.schemaFilename = schemaFilename;
    }

    public JSONObject resourceSchemaJSONObject() {
        try (InputStream schema = getClass().getClassLoader().getResourceAsStream(schemaFilename)) {
            if (schema == null) {
                throw new IllegalStateException("resource schema " + schemaFilename + " is missing from the handler jar");
            }
            return new JSONObject(new JSONTokener(schema));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
