package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CloudFormation template, JSON or YAML, into a JSON tree. YAML short forms ({@code !Ref X},
 * {@code !GetAtt A.B}, {@code !Sub ...}) become their long forms ({@code {"Ref": "X"}}, ...), read from the tag of
 * each node as Jackson's YAML parser reports it.
 */
public final class TemplateReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final YAMLFactory YAML = new YAMLFactory();
    /** CloudFormation's YAML tags; the runner evaluates only some (see {@link Intrinsics}) and names the rest. */
    private static final Map<String, String> SHORT_FORMS = Map.ofEntries(
        Map.entry("Ref", "Ref"), Map.entry("Condition", "Condition"), Map.entry("GetAtt", "Fn::GetAtt"),
        Map.entry("Sub", "Fn::Sub"), Map.entry("Join", "Fn::Join"), Map.entry("Select", "Fn::Select"),
        Map.entry("Split", "Fn::Split"), Map.entry("If", "Fn::If"), Map.entry("Equals", "Fn::Equals"),
        Map.entry("Not", "Fn::Not"), Map.entry("And", "Fn::And"), Map.entry("Or", "Fn::Or"),
        Map.entry("FindInMap", "Fn::FindInMap"), Map.entry("Base64", "Fn::Base64"), Map.entry("Cidr", "Fn::Cidr"),
        Map.entry("GetAZs", "Fn::GetAZs"), Map.entry("ImportValue", "Fn::ImportValue"),
        Map.entry("Transform", "Fn::Transform"), Map.entry("ToJsonString", "Fn::ToJsonString"),
        Map.entry("Length", "Fn::Length"));
    /** Standard YAML tags (after the parser strips the leading '!'s): plain values, not functions. */
    private static final Set<String> STANDARD = Set.of("str", "int", "float", "bool", "null", "map", "seq",
        "binary", "timestamp");

    private TemplateReader() {
    }

    /** @param source the file name, for messages */
    public static JsonNode read(final String text, final String source) {
        final String trimmed = text.stripLeading();
        try {
            // One walker for both, so both refuse a key given twice (Jackson and YAML would keep the last one).
            try (JsonParser parser = trimmed.startsWith("{") ? Json.MAPPER.getFactory().createParser(text)
                : YAML.createParser(text)) {
                if (parser.nextToken() == null) {
                    throw new UsageException(source + " is empty; a template needs at least a Resources section");
                }
                final JsonNode root = value(parser, "", source);
                if (parser.nextToken() != null) {
                    throw new UsageException(source + ": unexpected content after the template at line "
                        + parser.currentLocation().getLineNr());
                }
                return root;
            }
        } catch (JsonProcessingException e) {
            throw new UsageException(source + " is not a valid JSON or YAML template: " + e.getOriginalMessage()
                + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")" : ""));
        } catch (IOException e) {
            throw new UsageException("cannot read " + source + ": " + e.getMessage());
        }
    }

    private static JsonNode value(final JsonParser parser, final String path, final String source)
        throws IOException {
        final Object typeId = parser.getTypeId();
        final String tag = typeId == null ? null : typeId.toString();
        final JsonToken token = parser.currentToken();
        final JsonNode node;
        switch (token) {
            case START_OBJECT -> {
                final ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    final String name = parser.currentName();
                    final String where = path.isEmpty() ? name : path + "." + name;
                    if (object.has(name)) {
                        throw new UsageException(source + ": " + where + " is given twice (the second time at line "
                            + parser.currentTokenLocation().getLineNr() + "); a key may appear only once in a "
                            + "mapping. Nothing was changed");
                    }
                    parser.nextToken();
                    object.set(name, value(parser, where, source));
                }
                node = object;
            }
            case START_ARRAY -> {
                final ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser, path + "[" + array.size() + "]", source));
                }
                node = array;
            }
            case VALUE_STRING -> node = NODES.textNode(parser.getText());
            // The node types Jackson's own tree reader makes, so values compare equal to saved ones.
            case VALUE_NUMBER_INT -> node = switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> node = NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE, VALUE_FALSE -> node = NODES.booleanNode(parser.getBooleanValue());
            case VALUE_NULL -> node = NODES.nullNode();
            default -> throw new UsageException("unexpected YAML content " + token + " at line "
                + parser.currentLocation().getLineNr());
        }
        return tag == null ? node : tagged(tag, node, parser);
    }

    private static JsonNode tagged(final String rawTag, final JsonNode node, final JsonParser parser) {
        final String tag = rawTag.startsWith("tag:yaml.org,2002:") ? rawTag.substring(18) : rawTag;
        if (STANDARD.contains(tag)) {
            return node;
        }
        final String function = SHORT_FORMS.get(tag);
        if (function == null) {
            throw new UsageException("unknown YAML tag !" + tag + " at line " + parser.currentLocation().getLineNr()
                + "; CloudFormation's short forms are !" + String.join(", !", SHORT_FORMS.keySet().stream().sorted()
                .toList()));
        }
        final ObjectNode wrapped = NODES.objectNode();
        // !GetAtt Resource.Attribute is the one short form whose scalar means a two-element list.
        if ("Fn::GetAtt".equals(function) && node.isTextual() && node.asText().contains(".")) {
            final String text = node.asText();
            final int dot = text.indexOf('.');
            wrapped.set(function, NODES.arrayNode().add(text.substring(0, dot)).add(text.substring(dot + 1)));
        } else {
            wrapped.set(function, node);
        }
        return wrapped;
    }
}
