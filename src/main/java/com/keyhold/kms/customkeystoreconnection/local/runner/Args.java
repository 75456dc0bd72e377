package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small command-line parser in the AWS CLI's style: {@code --name value}, {@code --name=value}, switches, and
 * list options that take every following word up to the next {@code --option}
 * ({@code --parameter-overrides A=1 B=2}).
 */
final class Args {
    /** kind: VALUE, LIST or SWITCH. */
    record Option(String name, String kind, String argument, String help) {
        static Option value(final String name, final String argument, final String help) {
            return new Option(name, "VALUE", argument, help);
        }

        static Option list(final String name, final String argument, final String help) {
            return new Option(name, "LIST", argument, help);
        }

        static Option flag(final String name, final String help) {
            return new Option(name, "SWITCH", null, help);
        }
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Args() {
    }

    static Args parse(final String command, final List<Option> options, final String[] argv) {
        final Map<String, Option> byName = new LinkedHashMap<>();
        options.forEach(o -> byName.put(o.name(), o));
        final Args args = new Args();
        for (int i = 0; i < argv.length; i++) {
            String word = argv[i];
            String inline = null;
            if (!word.startsWith("--")) {
                throw new UsageException("unexpected argument '" + word + "' for keyhold " + command
                    + "; options start with --");
            }
            if (word.contains("=")) {
                inline = word.substring(word.indexOf('=') + 1);
                word = word.substring(0, word.indexOf('='));
            }
            final Option option = byName.get(word);
            if (option == null) {
                throw new UsageException("unknown option '" + word + "' for keyhold " + command + "; allowed: "
                    + String.join(", ", byName.keySet()));
            }
            if (args.values.containsKey(word)) {
                throw new UsageException(word + " is given twice");
            }
            final List<String> collected = new ArrayList<>();
            switch (option.kind()) {
                case "SWITCH" -> {
                    if (inline != null) {
                        throw new UsageException(word + " takes no value");
                    }
                }
                case "VALUE" -> {
                    if (inline != null) {
                        collected.add(inline);
                    } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                        collected.add(argv[++i]);
                    } else {
                        throw new UsageException(word + " needs a value: " + word + " " + option.argument());
                    }
                }
                default -> {
                    if (inline != null) {
                        collected.add(inline);
                    }
                    while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                        collected.add(argv[++i]);
                    }
                    if (collected.isEmpty()) {
                        throw new UsageException(word + " needs at least one value: " + word + " "
                            + option.argument());
                    }
                }
            }
            args.values.put(word, collected);
        }
        return args;
    }

    boolean has(final String name) {
        return values.containsKey(name);
    }

    String value(final String name) {
        final List<String> v = values.get(name);
        return v == null ? null : v.get(0);
    }

    String required(final String command, final String name, final String argument) {
        final String v = value(name);
        if (v == null) {
            throw new UsageException("keyhold " + command + " needs " + name + " " + argument);
        }
        return v;
    }

    List<String> list(final String name) {
        return values.getOrDefault(name, List.of());
    }

    /**
     * Key=Value pairs (--parameter-overrides), in order. A word {@code file://<path>} reads them from a JSON file as
     * the AWS CLI does: a list of {"ParameterKey": ..., "ParameterValue": ...}, or a list of "Key=Value" strings; so
     * a secret need not sit in the command line.
     */
    Map<String, String> pairs(final String name) {
        final Map<String, String> pairs = new LinkedHashMap<>();
        final List<String> words = new ArrayList<>();
        for (String word : list(name)) {
            if (word.startsWith("file://")) {
                fromFile(name, word.substring("file://".length()), words, pairs);
            } else {
                words.add(word);
            }
        }
        for (String word : words) {
            final int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new UsageException(name + " takes Key=Value pairs, got '" + word + "'");
            }
            final String key = word.substring(0, eq);
            if (pairs.put(key, word.substring(eq + 1)) != null) {
                throw new UsageException(name + ": " + key + " is given twice");
            }
        }
        return pairs;
    }

    private static void fromFile(final String option, final String path, final List<String> words,
                                 final Map<String, String> pairs) {
        final String form = "; it must be a JSON list of {\"ParameterKey\": \"Key\", \"ParameterValue\": \"Value\"} "
            + "or of \"Key=Value\" strings";
        final com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = Json.MAPPER.readTree(java.nio.file.Files.readString(java.nio.file.Path.of(path)));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException(option + " file://" + path + ": no such file");
        } catch (java.io.IOException e) {
            // The parser's message may quote the file's text (a secret): name the file and the rule only.
            throw new UsageException(option + " file://" + path + " is not valid JSON" + form);
        }
        if (json == null || !json.isArray()) {
            throw new UsageException(option + " file://" + path + " is not a list" + form);
        }
        int i = 0;
        for (com.fasterxml.jackson.databind.JsonNode item : json) {
            final String where = option + " file://" + path + " item " + i++;
            if (item.isTextual()) {
                words.add(item.asText());
            } else if (item.isObject() && item.path("ParameterKey").isTextual()
                && item.path("ParameterValue").isValueNode() && !item.path("ParameterValue").isNull()) {
                final String key = item.get("ParameterKey").asText();
                if (pairs.put(key, item.get("ParameterValue").asText()) != null) {
                    throw new UsageException(option + ": " + key + " is given twice");
                }
            } else {
                throw new UsageException(where + " is neither \"Key=Value\" nor {\"ParameterKey\", "
                    + "\"ParameterValue\"}" + form);
            }
        }
    }

    /** The options block of a --help text. */
    static String describe(final List<Option> options) {
        final StringBuilder b = new StringBuilder();
        for (Option o : options) {
            final String left = o.name() + (o.argument() == null ? "" : " " + o.argument());
            b.append(String.format("  %-38s %s%n", left, o.help()));
        }
        return b.toString();
    }
}
