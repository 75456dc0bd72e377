package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** A stack's outputs and exports, evaluated once its resources exist. */
final class Outputs {
    private Outputs() {
    }

    static Map<String, String> evaluate(final RunnerContext ctx, final StackState stack, final Template template) {
        final Map<String, String> outputs = new LinkedHashMap<>();
        final Intrinsics.Values values = ctx.values(stack, template, stack.parameters);
        template.outputs().forEach((name, output) -> {
            if (template.holds(output.condition(), values)) {
                outputs.put(name, text(Intrinsics.resolve(output.value(), values)));
            }
        });
        return outputs;
    }

    static Map<String, String> exports(final RunnerContext ctx, final StackState stack, final Template template) {
        final Map<String, String> exports = new LinkedHashMap<>();
        final Intrinsics.Values values = ctx.values(stack, template, stack.parameters);
        template.outputs().forEach((name, output) -> {
            if (output.exportName() != null && template.holds(output.condition(), values)) {
                exports.put(Intrinsics.resolve(output.exportName(), values).asText(),
                    text(Intrinsics.resolve(output.value(), values)));
            }
        });
        return exports;
    }

    /** The export names the template's resources and outputs import (Fn::ImportValue), as resolved now. */
    static java.util.List<String> imports(final RunnerContext ctx, final StackState stack, final Template template) {
        final java.util.Set<String> names = new java.util.TreeSet<>();
        final Intrinsics.Values values = ctx.values(stack, template, stack.parameters);
        final Intrinsics.Values recording = new Intrinsics.Values.Forwarding(values) {
            @Override
            public String importValue(final String name) {
                names.add(name);
                return super.importValue(name);
            }
        };
        template.resources().values().forEach(r -> Intrinsics.resolve(r.properties(), recording));
        template.outputs().values().forEach(o -> Intrinsics.resolve(o.value(), recording));
        return new java.util.ArrayList<>(names);
    }

    private static String text(final JsonNode resolved) {
        if (Intrinsics.isUnresolved(resolved)) {
            return "(unavailable)";
        }
        return resolved.isTextual() ? resolved.asText() : Json.compact(resolved);
    }
}
