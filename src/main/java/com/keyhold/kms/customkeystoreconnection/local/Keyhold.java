package com.keyhold.kms.customkeystoreconnection.local;

import com.keyhold.kms.customkeystoreconnection.local.emulator.EmulatorCommand;
import com.keyhold.kms.customkeystoreconnection.local.lambda.LambdaInvokeCommand;
import com.keyhold.kms.customkeystoreconnection.local.runner.Demo;
import com.keyhold.kms.customkeystoreconnection.local.runner.RunnerCli;
import com.keyhold.kms.customkeystoreconnection.local.runner.Sleeper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/** {@code keyhold <command>}: the local runner's stack commands, the emulator and the demo, in one jar. */
public final class Keyhold {
    static final String HELP = """
        Usage: keyhold <command> [options]      (keyhold <command> --help for the options of each)

        Runs stacks of Keyhold's two resource types on this machine the way CloudFormation runs them: change sets,
        live events, rollback, drift detection, resource import:
          Keyhold::KMS::CustomKeyStore            a KMS custom key store (AWS CloudHSM or external): create, update
                                                  (disconnecting and reconnecting when KMS needs it), delete
          Keyhold::KMS::CustomKeyStoreConnection  a key store's connection state: CONNECTED or DISCONNECTED
        Custom resources (Custom::*) run Keyhold's custom-resource handler. Against an in-process KMS + SSM emulator
        by default (state in .keyhold/); against the endpoint in AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL_SSM when they
        are set; against real AWS with --aws (this creates, changes, connects and disconnects REAL key stores). A
        stack stays on the target and Region it was made on.

        Commands:
        %s  emulator               run the KMS + SSM emulator in the foreground (keyhold emulator --help);
                                 keyhold emulator reset-kmsuser-password: the runbook's kmsuser reset
          lambda-invoke          Lambda's Invoke API for a SAM template's handler jars, for cfn test (--help)
          demo                   the whole loop in under a minute against an in-process emulator

        Exit codes: 0 done, 1 the operation failed (e.g. rolled back), 2 bad usage or bad input.
        Documentation: guides/RUNNER.md, guides/EMULATOR.md.
        """;

    private Keyhold() {
    }

    public static void main(final String[] args) {
        if (args.length > 0 && "emulator".equals(args[0])) {
            // The emulator runs until Ctrl-C; its own entry point turns the signal into a clean stop.
            EmulatorCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        quietSlf4j();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * The SDK logs through SLF4J 1.x, which prints a three-line "no binding" warning on first use; the handlers log
     * through the Lambda logger instead (to handler.log), so the warning says nothing useful to an operator.
     */
    private static void quietSlf4j() {
        final PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
            org.slf4j.LoggerFactory.getILoggerFactory();
        } finally {
            System.setErr(err);
        }
    }

    public static int run(final String[] args, final PrintStream out, final PrintStream err) {
        return run(args, out, err, System.getenv(), Sleeper.REAL, Clock.systemUTC(), Path.of(""));
    }

    /** With the environment, waiting, clock and working directory injected (tests never sleep). */
    public static int run(final String[] args, final PrintStream out, final PrintStream err,
                          final Map<String, String> env, final Sleeper sleeper, final Clock clock,
                          final Path workingDir) {
        return run(args, out, err, env, sleeper, clock, workingDir, System.in);
    }

    /** ... and standard input (keyhold emulator reset-kmsuser-password reads the new password from it). */
    public static int run(final String[] args, final PrintStream out, final PrintStream err,
                          final Map<String, String> env, final Sleeper sleeper, final Clock clock,
                          final Path workingDir, final java.io.InputStream in) {
        if (args.length == 0) {
            err.print(help());
            return RunnerCli.USAGE;
        }
        final String command = args[0];
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if ("--help".equals(command) || "-h".equals(command) || "help".equals(command)) {
            out.print(help());
            return RunnerCli.OK;
        }
        if ("emulator".equals(command)) {
            return EmulatorCommand.run(rest, in, out, err);
        }
        if ("lambda-invoke".equals(command)) {
            return LambdaInvokeCommand.run(rest, out, err);
        }
        if ("demo".equals(command)) {
            return Demo.run(rest, out, err, workingDir, sleeper, clock);
        }
        if (RunnerCli.commands().contains(command)) {
            return new RunnerCli(out, err, env, sleeper, clock).run(command, rest);
        }
        err.println("keyhold: unknown command '" + command + "'; commands: " + String.join(", ",
            RunnerCli.commands()) + ", emulator, lambda-invoke, demo. Run 'keyhold --help'.");
        return RunnerCli.USAGE;
    }

    static String help() {
        return String.format(HELP, RunnerCli.summary());
    }
}
