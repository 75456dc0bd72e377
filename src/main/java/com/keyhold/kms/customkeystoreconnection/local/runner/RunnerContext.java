package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Operation;
import com.keyhold.kms.customkeystoreconnection.protocol.Protocol;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** What every part of the runner shares: the state folder, the resource types, time, events, Region and account. */
final class RunnerContext {
    static final String STACK_TYPE = "AWS::CloudFormation::Stack";

    final StateStore store;
    final ProviderRegistry providers;
    final Turns time;
    final PrintStream out;
    final String region;
    final String accountId;
    /** The target the commands run on, recorded in the stacks they make; null when not known (tests). */
    StackTarget target;
    private final EventPrinter printer;
    private String parsedKey;
    private Template parsed;

    RunnerContext(final StateStore store, final ProviderRegistry providers, final Timekeeper time,
                  final PrintStream out, final String region, final String accountId) {
        this.store = store;
        this.providers = providers;
        this.time = time instanceof Turns turns ? turns : new Turns(time);
        this.out = out;
        this.printer = new EventPrinter(out);
        this.region = region;
        this.accountId = accountId;
    }

    Instant now() {
        return time.clock().instant();
    }

    /**
     * The operation's target template as its parameter values make it (Conditions applied); parsed once per
     * operation, not at every step.
     */
    Template targetTemplate(final StackState stack) {
        final Operation op = stack.operation;
        final String key = op.targetTemplate + "\u0000" + op.targetParameters;
        if (!key.equals(parsedKey)) {
            parsed = Template.parse(op.targetTemplate, "the change set's template", providers)
                .effective(op.targetParameters, pseudo(stack));
            parsedKey = key;
        }
        return parsed;
    }

    /** What the stack's values resolve against: its parameters, resources, template and the other stacks' exports. */
    Intrinsics.Values values(final StackState stack, final Template template, final Map<String, String> parameters) {
        return template.values(parameters, pseudo(stack), stack.resources::get,
            name -> importValue(stack.stackName, name));
    }

    /** Fn::ImportValue: what another stack of the state folder exports under {@code name}. */
    String importValue(final String importer, final String name) {
        final java.util.List<String> known = new java.util.ArrayList<>();
        for (String other : store.stackNames()) {
            if (other.equals(importer)) {
                continue;
            }
            final StackState s;
            try {
                s = store.load(other).orElse(null);
            } catch (DamagedStateException e) {
                // Another stack's damaged file is its own problem: the message below names it.
                known.add("(stack " + other + " cannot be read)");
                continue;
            }
            if (s == null || s.exports == null) {
                continue;
            }
            if (s.exports.containsKey(name)) {
                return s.exports.get(name);
            }
            s.exports.keySet().forEach(e -> known.add(e + " (stack " + other + ")"));
        }
        throw new UsageException("Fn::ImportValue " + name + ": no other stack in " + store.dir() + " exports it; "
            + "exports: " + (known.isEmpty() ? "(none)" : String.join(", ", known)) + ". Deploy the exporting "
            + "stack first (Outputs with Export: Name)");
    }

    Map<String, String> pseudo(final StackState stack) {
        final Map<String, String> pseudo = new TreeMap<>();
        final String stackRegion = stack.region == null ? region : stack.region;
        pseudo.put("AWS::Region", stackRegion);
        pseudo.put("AWS::AccountId", accountId);
        pseudo.put("AWS::StackName", stack.stackName);
        pseudo.put("AWS::StackId", stack.stackId);
        // The same partition the handlers are told (the protocol's awsPartition), from the SDK's Region metadata.
        pseudo.put("AWS::Partition", Protocol.partition(stackRegion));
        pseudo.put("AWS::URLSuffix", stackRegion.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com");
        return pseudo;
    }

    /** Records a stack event (and prints it when {@code print}). */
    void event(final StackState stack, final Operation op, final String logicalId, final String physicalId,
               final String type, final String status, final String reason, final boolean print) {
        final Instant now = now();
        final String elapsed = op == null || op.startedAt == null ? null
            : EventPrinter.elapsed(Duration.between(Instant.parse(op.startedAt), now));
        final StackEvent e = new StackEvent(now.toString(), elapsed, logicalId, physicalId, type, status, reason);
        store.appendEvent(stack.stackName, e);
        if (print) {
            printer.print(e);
        }
    }

    /** The stack's own event. */
    void stackEvent(final StackState stack, final Operation op, final String reason) {
        event(stack, op, stack.stackName, stack.stackId, STACK_TYPE, stack.status, reason, true);
    }
}
