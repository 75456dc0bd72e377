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

    /** Key=Value pairs (--parameter-overrides), in order. */
    Map<String, String> pairs(final String name) {
        final Map<String, String> pairs = new LinkedHashMap<>();
        for (String word : list(name)) {
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
