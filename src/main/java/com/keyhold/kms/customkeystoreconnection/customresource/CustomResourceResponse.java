package com.keyhold.kms.customkeystoreconnection.customresource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The document CloudFormation reads from the ResponseURL: Status, Reason, PhysicalResourceId, StackId, RequestId,
 * LogicalResourceId, NoEcho and Data. CloudFormation refuses responses over 4096 bytes, so the Reason is cut to a
 * byte limit, with a marker saying where the full text is.
 */
public record CustomResourceResponse(Status status,
                                     String reason,
                                     String physicalResourceId,
                                     String stackId,
                                     String requestId,
                                     String logicalResourceId,
                                     Map<String, String> data) {

    public enum Status {
        SUCCESS,
        FAILED
    }

    static final String TRUNCATION_MARKER = " [truncated: the full text is in the function's CloudWatch Logs]";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON body with the Reason limited to {@code maxReasonBytes} UTF-8 bytes. */
    public String toJson(final int maxReasonBytes) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("Status", status.name());
        body.put("Reason", truncate(reason, maxReasonBytes));
        body.put("PhysicalResourceId", physicalResourceId);
        body.put("StackId", stackId);
        body.put("RequestId", requestId);
        body.put("LogicalResourceId", logicalResourceId);
        body.put("NoEcho", false);
        body.put("Data", data == null ? Map.of() : data);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the custom resource response", e);
        }
    }

    /** {@code text} cut so that it and the marker fit in {@code maxBytes} UTF-8 bytes; never splits a character. */
    static String truncate(final String text, final int maxBytes) {
        final String value = text == null ? "" : text;
        if (value.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return value;
        }
        final int budget = Math.max(0, maxBytes - TRUNCATION_MARKER.getBytes(StandardCharsets.UTF_8).length);
        final StringBuilder kept = new StringBuilder();
        int used = 0;
        for (int i = 0; i < value.length(); ) {
            final int codePoint = value.codePointAt(i);
            final String character = new String(Character.toChars(codePoint));
            final int size = character.getBytes(StandardCharsets.UTF_8).length;
            if (used + size > budget) {
                break;
            }
            kept.append(character);
            used += size;
            i += Character.charCount(codePoint);
        }
        return kept + TRUNCATION_MARKER;
    }
}
