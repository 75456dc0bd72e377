package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.local.runner.Args.Option;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stack commands of {@code keyhold}, named and flagged as in {@code aws cloudformation}. Exit codes: 0 done,
 * 1 the operation failed (rollback, refused change set, stack in the wrong state), 2 bad usage or bad input.
 */
public final class RunnerCli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** The commands that run resource handlers (and so start the target); the others only read the state folder. */
    private static final Set<String> HANDLER_COMMANDS = Set.of("deploy", "execute-change-set", "delete-stack",
        "detect-stack-drift", "recover-stack", "continue-update-rollback");
    private static final List<Option> COMMON = List.of(
        Option.value("--state-dir", "<dir>", "where stacks and the in-process emulator's state are kept "
            + "(default .keyhold)"),
        Option.value("--region", "<region>", "Region of the requests (default AWS_REGION, else us-east-1; "
            + "required with --aws)"),
        Option.flag("--aws", "use real AWS with the default credential chain: connects and disconnects REAL "
            + "key stores"),
        Option.value("--emulator-seed", "<file.json>", "in-process emulator: key stores to start with when it "
            + "has no saved state yet (guides/EMULATOR.md format)"),
        Option.value("--time-scale", "<x>", "in-process emulator: share of each callback wait that is waited "
            + "for real, 0 to 1 (default 0.1; 0 = none)"),
        Option.flag("--debug", "print what the handlers log to standard error (default: <state-dir>/handler.log)"),
        Option.flag("--help", "print this text"));
    private static final Option STACK = Option.value("--stack-name", "<name>", "the stack (letters, digits, "
        + "hyphens)");
    private static final Option TEMPLATE = Option.value("--template-file", "<file>", "the template, YAML or JSON");
    private static final Option OVERRIDES = Option.list("--parameter-overrides", "<Key=Value> ...|file://<f>",
        "parameter values; parameters not given keep the stack's current value, else their Default. file://params.json "
            + "reads them from a file (the AWS CLI's JSON: [{\"ParameterKey\": \"K\", \"ParameterValue\": \"V\"}] or "
            + "[\"K=V\"]), so secrets stay out of the command line");
    private static final Option CHANGE_SET = Option.value("--change-set-name", "<name>", "the change set");

    /** A command: its name, one-line summary, description and options. */
    private record Command(String name, String summary, String description, List<Option> options) {
    }

    private static final List<Command> COMMANDS = List.of(
        new Command("deploy", "create or update a stack through a change set, with live events",
            "Creates a change set from the template, prints it, and executes it (unless --no-execute-changeset),\n"
                + "printing stack events as they happen. A failure rolls the stack back.",
            with(STACK, TEMPLATE, OVERRIDES, Option.flag("--no-execute-changeset",
                "only create and print the change set; run execute-change-set later"))),
        new Command("create-change-set", "compute and save a change set (Add / Modify / Remove)",
            "Computes what executing the template would change, as CloudFormation does (Modify shows\n"
                + "Replacement True when a create-only property changes), saves it and prints it as a table.",
            with(STACK, CHANGE_SET, TEMPLATE, Option.flag("--use-previous-template",
                "use the stack's current template (with --parameter-overrides)"), OVERRIDES,
                Option.value("--change-set-type", "<type>", "CREATE or UPDATE (the default, from the stack), or IMPORT"),
                Option.value("--resources-to-import", "<json>", "IMPORT: '[{\"ResourceType\":...,"
                    + "\"LogicalResourceId\":...,\"ResourceIdentifier\":{...}}]' or file://resources.json"))),
        new Command("describe-change-set", "print a change set",
            "Prints a saved change set: status, execution status and its changes.", with(STACK, CHANGE_SET)),
        new Command("execute-change-set", "execute a change set, with live events and rollback on failure",
            "Runs the change set's resource changes in dependency order (removals last, in reverse order)\n"
                + "through the resource handlers, printing events as they happen. A failure rolls back:\n"
                + "created resources are deleted, updated ones are updated back to their previous properties.",
            with(STACK, CHANGE_SET)),
        new Command("describe-stack-events", "print a stack's events, oldest first",
            "Prints every event the stack recorded, oldest first, with time, logical id, status and reason.",
            with(STACK)),
        new Command("describe-stacks", "print stacks: status, parameters, resources, outputs",
            "Prints the stack (or every stack in the state folder): status and reason, parameters,\n"
                + "resources with their physical ids, and outputs.",
            with(Option.value("--stack-name", "<name>", "only this stack"))),
        new Command("detect-stack-drift", "read every resource and compare it with the deployed properties",
            "Calls each resource's read handler and compares what it reports with the properties last\n"
                + "deployed: IN_SYNC, MODIFIED (with the differing properties) or DELETED. Exit code 0 either way.",
            with(STACK)),
        new Command("delete-stack", "delete a stack's resources (reverse dependency order) and the stack",
            "Deletes every resource in reverse dependency order (DeletionPolicy: Retain resources are left\n"
                + "as they are) and then the stack, printing events as they happen.", with(STACK)),
        new Command("recover-stack", "resume or roll back an operation a crash interrupted",
            "When a keyhold process stops mid-operation, the stack stays *_IN_PROGRESS with the in-flight\n"
                + "resource's callback context saved. --resume continues from there (the handler picks up where it\n"
                + "was); --rollback undoes the operation instead. Also retries a rollback that failed.",
            with(STACK, Option.flag("--resume", "continue the interrupted operation"),
                Option.flag("--rollback", "roll the interrupted operation back"))),
        new Command("continue-update-rollback", "retry the rollback of a stack in UPDATE_ROLLBACK_FAILED",
            "As CloudFormation's ContinueUpdateRollback: retries the failed rollback; each resource named in\n"
                + "--resources-to-skip (only those whose rollback failed) is marked UPDATE_COMPLETE and left as the\n"
                + "failed update left it, while the stack records its previous properties. The stack ends\n"
                + "UPDATE_ROLLBACK_COMPLETE. (delete-stack also accepts a stack in UPDATE_ROLLBACK_FAILED.)",
            with(STACK, Option.list("--resources-to-skip", "<LogicalId> ...", "resources whose rollback is "
                + "skipped"))));

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Sleeper sleeper;
    private final Clock baseClock;

    public RunnerCli(final PrintStream out, final PrintStream err, final Map<String, String> env,
                     final Sleeper sleeper, final Clock baseClock) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.sleeper = sleeper;
        this.baseClock = baseClock;
    }

    private static List<Option> with(final Option... specific) {
        final List<Option> all = new ArrayList<>(List.of(specific));
        all.addAll(COMMON);
        return all;
    }

    public static Set<String> commands() {
        final Set<String> names = new java.util.LinkedHashSet<>();
        COMMANDS.forEach(c -> names.add(c.name()));
        return names;
    }

    /** The command table for {@code keyhold --help}. */
    public static String summary() {
        final StringBuilder b = new StringBuilder();
        COMMANDS.forEach(c -> b.append(String.format("  %-22s %s%n", c.name(), c.summary())));
        return b.toString();
    }

    public int run(final String name, final String[] argv) {
        final Command command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        try {
            final Args args = Args.parse(name, command.options(), argv);
            if (args.has("--help")) {
                out.print("Usage: keyhold " + name + " [options]\n\n" + command.description() + "\n\nOptions:\n"
                    + Args.describe(command.options()));
                return OK;
            }
            return execute(name, args);
        } catch (UsageException e) {
            err.println("keyhold " + name + ": " + e.getMessage());
            err.println("Run 'keyhold " + name + " --help' for the options.");
            return USAGE;
        } catch (DamagedStateException e) {
            err.println("keyhold " + name + ": " + e.getMessage());
            return USAGE;
        } catch (OperationFailedException e) {
            err.println("keyhold " + name + ": " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("keyhold " + name + ": interrupted. If a stack operation was running, the stack stays "
                + "*_IN_PROGRESS: see keyhold describe-stacks, then keyhold recover-stack");
            return FAILED;
        } catch (RuntimeException e) {
            err.println("keyhold " + name + ": failed: " + e.getMessage());
            return FAILED;
        }
    }

    private Target.Options options(final Args args) {
        final Target.Options o = new Target.Options();
        if (args.has("--state-dir")) {
            o.stateDir = Path.of(args.value("--state-dir"));
        }
        o.aws = args.has("--aws");
        o.region = args.has("--region") ? Target.checkRegion(args.value("--region"), "--region") : null;
        o.debug = args.has("--debug");
        o.env = env;
        o.sleeper = sleeper;
        o.baseClock = baseClock;
        if (args.has("--emulator-seed")) {
            o.emulatorSeed = Path.of(args.value("--emulator-seed"));
        }
        if (args.has("--time-scale")) {
            o.timeScale = timeScale(args.value("--time-scale"));
        }
        return o;
    }

    static double timeScale(final String value) {
        try {
            final double d = Double.parseDouble(value);
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--time-scale must be a number from 0 to 1 (the share of each wait that is real: "
            + "1 = real time, 0.01 = a hundred times faster, 0 = no real waiting), got '" + value + "'");
    }

    private String region(final Target.Options o) {
        if (o.region != null) {
            return o.region;
        }
        return env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
    }

    private int execute(final String name, final Args args) throws InterruptedException {
        final Target.Options o = options(args);
        final StateStore store = new StateStore(o.stateDir);
        final StackTarget aimed = StackTarget.aimedBy(o.aws, env);
        if (args.has("--stack-name")) {
            // Before anything runs or is created (the in-process emulator's folder included).
            final String stackName = StateStore.checkName("stack name", args.value("--stack-name"));
            store.load(stackName).ifPresent(s -> StackTarget.check(s, aimed, region(o), store.dir()));
        }
        if (!HANDLER_COMMANDS.contains(name) && o.emulatorSeed != null) {
            // This command starts no handler, but a later one will use the emulator's state: seed it now (or say
            // that a saved state wins), rather than ignore the flag without a word.
            try (Target ignored = Target.open(o, err)) {
                out.println("Emulator seeded from " + o.emulatorSeed + " (used by the commands that follow)");
            }
        }
        switch (name) {
            case "create-change-set" -> {
                final String stack = args.required(name, "--stack-name", "<name>");
                final String csName = args.required(name, "--change-set-name", "<name>");
                final String body = templateBody(args, name);
                final StackRunner runner = offline(store, o);
                final ChangeSet cs = runner.createChangeSet(stack, csName, body, args.value("--template-file"),
                    args.pairs("--parameter-overrides"), imports(args));
                ChangeSets.print(cs, out);
                if ("AVAILABLE".equals(cs.executionStatus)) {
                    out.println("Execute it with: keyhold execute-change-set --stack-name " + stack
                        + " --change-set-name " + csName);
                }
                return OK;
            }
            case "describe-change-set" -> {
                final ChangeSet cs = offline(store, o).describeChangeSet(args.required(name, "--stack-name", "<name>"),
                    args.required(name, "--change-set-name", "<name>"));
                ChangeSets.print(cs, out);
                return OK;
            }
            case "describe-stack-events" -> {
                final String stack = args.required(name, "--stack-name", "<name>");
                final StackRunner runner = offline(store, o);
                warnIfInterrupted(runner, runner.requireStack(stack));
                printEvents(store.events(stack), out);
                return OK;
            }
            case "describe-stacks" -> {
                final List<String> names = args.has("--stack-name") ? List.of(args.value("--stack-name"))
                    : store.stackNames();
                if (names.isEmpty()) {
                    out.println("No stacks in " + store.dir() + ".");
                }
                final StackRunner runner = offline(store, o);
                final List<String> elsewhere = new ArrayList<>();
                final List<String> damaged = new ArrayList<>();
                for (String stack : names) {
                    final StackState state;
                    try {
                        state = runner.requireStack(stack);
                    } catch (DamagedStateException e) {
                        // One damaged file is that stack's problem only: the others are still shown.
                        out.println("Stack " + stack + ": cannot be read, see below");
                        damaged.add(e.getMessage());
                        continue;
                    }
                    if (StackTarget.madeOn(state, aimed, region(o))) {
                        describeStack(runner, state, out);
                    } else {
                        elsewhere.add(stack + " (" + StackTarget.madeOn(state).describe(store.dir()) + " in "
                            + StackTarget.regionOf(state) + ")");
                    }
                }
                if (!elsewhere.isEmpty()) {
                    // As CloudFormation lists only the stacks of the Region asked: the others are named, not shown.
                    out.println("Not shown, made on another target or Region: " + String.join(", ", elsewhere) + ".");
                }
                damaged.forEach(message -> err.println("keyhold " + name + ": " + message));
                return damaged.isEmpty() ? OK : USAGE;
            }
            default -> {
                // The commands below run handlers: they need the target.
            }
        }
        final String stack = args.required(name, "--stack-name", "<name>");
        if ("deploy".equals(name)) {
            // Parse the template before starting anything, so bad input costs nothing.
            Template.parse(templateBody(args, name), args.value("--template-file"), Target.offlineRegistry());
        }
        if ("recover-stack".equals(name) && args.has("--resume") == args.has("--rollback")) {
            throw new UsageException("recover-stack needs exactly one of --resume or --rollback");
        }
        try (Target target = Target.open(o, err)) {
            out.println("Target: " + target.description());
            if (target.time().note() != null) {
                out.println(target.time().note());
            }
            final StackRunner runner = new StackRunner(store, target.providers(), target.time(), out,
                target.region(), target.accountId(), target.keyStores()).boundTo(aimed);
            return switch (name) {
                case "deploy" -> deploy(runner, stack, args);
                case "execute-change-set" -> result(runner.executeChangeSet(stack,
                    args.required(name, "--change-set-name", "<name>")), out, err);
                case "delete-stack" -> deleted(runner.deleteStack(stack), stack, out, err);
                case "detect-stack-drift" -> {
                    printDrift(runner.detectDrift(stack), out);
                    yield OK;
                }
                case "continue-update-rollback" -> result(runner.continueUpdateRollback(stack,
                    args.list("--resources-to-skip")), out, err);
                case "recover-stack" -> {
                    final StackState state = runner.recover(stack, args.has("--rollback"));
                    yield "DELETE_COMPLETE".equals(state.status) ? deleted(null, stack, out, err)
                        : result(state, out, err);
                }
                default -> throw new IllegalStateException(name);
            };
        }
    }

    private StackRunner offline(final StateStore store, final Target.Options o) {
        return new StackRunner(store, Target.offlineRegistry(), Target.offlineTime(o), out, region(o),
            env.getOrDefault("AWS_ACCOUNT_ID", o.aws ? "000000000000" : Target.EMULATOR_ACCOUNT))
            .boundTo(StackTarget.aimedBy(o.aws, env));
    }

    private int deploy(final StackRunner runner, final String stack, final Args args) throws InterruptedException {
        final String csName = "keyhold-deploy-" + Instant.now().toEpochMilli();
        final ChangeSet cs = runner.createChangeSet(stack, csName, templateBody(args, "deploy"),
            args.value("--template-file"), args.pairs("--parameter-overrides"));
        if (!"AVAILABLE".equals(cs.executionStatus)) {
            out.println("No changes to deploy. Stack " + stack + " is up to date");
            return OK;
        }
        ChangeSets.print(cs, out);
        if (args.has("--no-execute-changeset")) {
            out.println("Changeset created successfully. Run keyhold execute-change-set --stack-name " + stack
                + " --change-set-name " + csName + " to execute it.");
            return OK;
        }
        return result(runner.executeChangeSet(stack, csName), out, err);
    }

    /** The resources to import for --change-set-type IMPORT, or null for a CREATE or UPDATE change set. */
    private static List<Imports.Target> imports(final Args args) {
        final String type = args.value("--change-set-type");
        if (type != null && !List.of("CREATE", "UPDATE", "IMPORT").contains(type)) {
            throw new UsageException("--change-set-type '" + type + "' is not allowed; allowed: CREATE, UPDATE, IMPORT");
        }
        final boolean importing = "IMPORT".equals(type);
        if (importing != args.has("--resources-to-import")) {
            throw new UsageException(importing ? "--change-set-type IMPORT needs --resources-to-import (the resources "
                + "to import, as the AWS CLI takes them)" : "--resources-to-import goes with --change-set-type IMPORT");
        }
        return importing ? Imports.parse(args.value("--resources-to-import"), Path.of("")) : null;
    }

    private String templateBody(final Args args, final String command) {
        if ("create-change-set".equals(command) && args.has("--use-previous-template")) {
            if (args.has("--template-file")) {
                throw new UsageException("give either --template-file or --use-previous-template, not both");
            }
            return null;
        }
        final String file = args.required(command, "--template-file", "<file>");
        final Path path = Path.of(file);
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException(unreadable("--template-file", path, e));
        }
    }

    /** Where a file was looked for and why it could not be read, with the likelier place when there is one. */
    private String unreadable(final String flag, final Path path, final IOException e) {
        final Path absolute = path.toAbsolutePath().normalize();
        final String why = e instanceof java.nio.file.NoSuchFileException ? "there is no such file"
            : Files.isDirectory(path) ? "it is a folder, not a file"
            : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
        final StringBuilder m = new StringBuilder(flag + " '" + path + "' cannot be read: looked at " + absolute
            + " and " + why + ".");
        if (!path.isAbsolute()) {
            // ./keyhold changes to the repository root, so relative paths start there, not where the shell is.
            final String caller = env.get("KEYHOLD_CALLER_DIR");
            m.append(" Relative paths are resolved from ").append(Path.of("").toAbsolutePath())
                .append(caller != null ? " (./keyhold runs from the repository root)" : "").append('.');
            if (caller != null && Files.isRegularFile(Path.of(caller).resolve(path))) {
                m.append(" The file exists at ").append(Path.of(caller).resolve(path).normalize())
                    .append(": give that absolute path.");
            }
        }
        return m.toString();
    }

    // ---- reports (shared with the demo) -------------------------------------------------------------------

    /** Prints how an operation ended; 0 when the stack reached the state asked for, 1 otherwise. */
    static int result(final StackState state, final PrintStream out, final PrintStream err) {
        switch (state.status) {
            case "CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE" -> {
                out.println("Successfully " + (state.status.startsWith("CREATE") ? "created"
                    : state.status.startsWith("IMPORT") ? "imported into" : "updated")
                    + " stack - " + state.stackName + (state.statusReason != null ? " (" + state.statusReason + ")"
                    : ""));
                if (!state.outputs.isEmpty()) {
                    out.println("Outputs:");
                    state.outputs.forEach((k, v) -> out.println("  " + k + " = " + v));
                }
                return OK;
            }
            default -> {
                err.println("Stack " + state.stackName + " is " + state.status + ": " + state.statusReason);
                final boolean rolledBack = state.status.endsWith("ROLLBACK_COMPLETE");
                if (rolledBack && !state.leftChanged.isEmpty()) {
                    // Said only when true: a rollback that deletes a resource leaves its key store as it is.
                    err.println("The rollback left these key stores changed, or their state could not be read "
                        + "(their ownership records are as before):");
                    state.leftChanged.forEach(line -> err.println("  " + line));
                    err.println("Connect or disconnect them to the state you need (aws kms connect-custom-key-store /"
                        + " disconnect-custom-key-store), or deploy again once the cause is fixed.");
                }
                final boolean clean = state.leftChanged.isEmpty();
                err.println(switch (state.status) {
                    case "ROLLBACK_COMPLETE" -> (clean ? "Nothing was left behind. " : "") + "The stack can only be "
                        + "deleted now: keyhold delete-stack --stack-name " + state.stackName + "; fix the cause and "
                        + "deploy again.";
                    case "IMPORT_ROLLBACK_COMPLETE" -> "Nothing was imported or changed. Fix the cause above and "
                        + "create the import change set again.";
                    case "UPDATE_ROLLBACK_COMPLETE" -> (clean ? "The stack and its key stores are back to their "
                        + "previous state. " : "The stack is back to its previous template and parameters. ")
                        + "Fix the cause above and deploy again.";
                    case "DELETE_FAILED" -> "Fix the cause above, then run keyhold delete-stack --stack-name "
                        + state.stackName + " again.";
                    default -> "See keyhold describe-stack-events --stack-name " + state.stackName + ".";
                });
                return FAILED;
            }
        }
    }

    private static int deleted(final StackState state, final String stack, final PrintStream out,
                               final PrintStream err) {
        if (state == null || "DELETE_COMPLETE".equals(state.status)) {
            out.println("Successfully deleted stack - " + stack);
            return OK;
        }
        return result(state, out, err);
    }

    private void warnIfInterrupted(final StackRunner runner, final StackState state) {
        final String message = runner.statusWarning(state);
        if (message != null) {
            out.println("WARNING: " + message);
        }
    }

    static void printEvents(final List<StackEvent> events, final PrintStream out) {
        final List<String[]> rows = new ArrayList<>();
        // Elapsed is the time the live events printed (the runner's clock, emulated against the in-process
        // emulator); Timestamp is the same clock's instant.
        rows.add(new String[]{"Timestamp", "Elapsed", "LogicalResourceId", "PhysicalResourceId", "ResourceStatus",
            "ResourceStatusReason"});
        for (StackEvent e : events) {
            rows.add(new String[]{e.timestamp, e.elapsed == null ? "-" : "+" + e.elapsed, e.logicalId,
                shorten(e.physicalId), e.status, e.reason == null ? "-" : oneLine(e.reason)});
        }
        Table.print(rows, out);
    }

    private static String shorten(final String physical) {
        return physical == null ? "-" : physical.startsWith("arn:") ? physical.replaceAll(".*:stack/", "stack/")
            : physical;
    }

    void describeStack(final StackRunner runner, final StackState s, final PrintStream out) {
        out.println("Stack " + s.stackName + ": " + s.status + (s.statusReason != null ? " - " + s.statusReason : ""));
        out.println("  StackId: " + s.stackId);
        warnIfInterrupted(runner, s);
        if (!s.parameters.isEmpty()) {
            out.println("  Parameters:");
            final Set<String> hidden = Template.noEchoParameters(s.templateBody, s.parameters.keySet());
            s.parameters.forEach((k, v) -> out.println("    " + k + " = " + (hidden.contains(k) ? "****" : oneLine(v))));
        }
        if (!s.resources.isEmpty()) {
            out.println("  Resources:");
            final List<String[]> rows = new ArrayList<>();
            rows.add(new String[]{"LogicalResourceId", "PhysicalResourceId", "ResourceType", "ResourceStatus"});
            s.resources.values().forEach(r -> rows.add(new String[]{r.logicalId, r.physicalId, r.type,
                statusNow(s, r)}));
            Table.print(rows, out);
        }
        if (!s.outputs.isEmpty()) {
            out.println("  Outputs:");
            s.outputs.forEach((k, v) -> out.println("    " + k + " = " + oneLine(v)));
        }
    }

    /** A value on one line (a PEM certificate's line breaks as \n), so that it cannot break the layout. */
    static String oneLine(final String value) {
        return value == null ? null : value.replace("\r", "\\r").replace("\n", "\\n");
    }

    /**
     * The resource's status as CloudFormation shows it during an operation: the step in flight is
     * {@code <ACTION>_IN_PROGRESS}, not the status the last operation left.
     */
    static String statusNow(final StackState s, final StackState.ResourceState r) {
        if (s.operation != null && s.inProgress()) {
            for (StackState.Step step : s.operation.steps) {
                if (step.logicalId.equals(r.logicalId) && step.call != null && "PENDING".equals(step.status)) {
                    return step.call.action + "_IN_PROGRESS";
                }
            }
            for (StackState.Step step : s.operation.rollbackSteps) {
                if (step.logicalId.equals(r.logicalId) && step.call != null && "PENDING".equals(step.status)) {
                    return step.call.action + "_IN_PROGRESS";
                }
            }
        }
        return r.status;
    }

    static void printDrift(final List<StackRunner.Drift> drifts, final PrintStream out) {
        final List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"LogicalResourceId", "PhysicalResourceId", "StackResourceDriftStatus", "Differences"});
        boolean drifted = false;
        for (StackRunner.Drift d : drifts) {
            rows.add(new String[]{d.logicalId(), d.physicalId(), d.status(),
                d.differences().isEmpty() ? "-" : String.join("; ", d.differences())});
            drifted |= "MODIFIED".equals(d.status()) || "DELETED".equals(d.status());
        }
        Table.print(rows, out);
        out.println("Stack drift status: " + (drifted ? "DRIFTED" : "IN_SYNC"));
    }

    static Map<String, String> noEnv() {
        return new LinkedHashMap<>();
    }
}
