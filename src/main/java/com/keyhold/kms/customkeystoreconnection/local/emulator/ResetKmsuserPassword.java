package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * {@code keyhold emulator reset-kmsuser-password}: the operator's "reset kmsuser's password in the cluster" of the
 * password rotation runbook, against an emulator's state file (the runner's in-process emulator or a standalone one
 * started with --state-file; a running emulator reads the file before every request). The password comes from
 * standard input or a file, never from the command line (where ps and shell history would show it), and is never
 * printed.
 */
final class ResetKmsuserPassword {
    static final String COMMAND = "reset-kmsuser-password";
    private static final Pattern CLUSTER_ID = Pattern.compile("cluster-[2-7a-zA-Z]{11,16}");

    static final String HELP = """
            Usage: keyhold emulator reset-kmsuser-password --cluster-id <cluster-id>
                       [--state-dir <dir> | --state-file <file>] [--password-file <file>]

            Resets kmsuser's password in an emulated CloudHSM cluster, as an operator does in a real cluster with
            CloudHSM's tools (see examples/password-rotation.yaml). KMS's copy of the password no longer matches until
            UpdateCustomKeyStore sends the new one: put it into the secret KeyStorePassword resolves, raise
            KeyStorePasswordVersion and update the stack. Run it while no stack operation is in progress.

            Options:
              --cluster-id <id>          the cluster (cluster- and 11 to 16 letters and digits 2-7)
              --state-dir <dir>          the runner's state folder (default .keyhold): its in-process emulator
              --state-file <file>        a standalone emulator's --state-file (it may be running)
              --password-file <file>     read the new password from this file (its first line); without it, from
                                         standard input. Never on the command line. 7 to 32 characters.
              --help                     print this text
            """;

    private ResetKmsuserPassword() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String clusterId = null;
        Path stateFile = null;
        Path passwordFile = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--help", "-h" -> {
                        out.print(HELP);
                        return EmulatorCommand.OK;
                    }
                    case "--cluster-id" -> clusterId = value(args, ++i, flag);
                    case "--state-dir" -> stateFile = only(stateFile, Path.of(value(args, ++i, flag))
                            .resolve("emulator").resolve("state.json"));
                    case "--state-file" -> stateFile = only(stateFile, Path.of(value(args, ++i, flag)));
                    case "--password-file" -> passwordFile = Path.of(value(args, ++i, flag));
                    default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
                }
            }
            if (clusterId == null || !CLUSTER_ID.matcher(clusterId).matches()) {
                throw new IllegalArgumentException("--cluster-id is required: a CloudHSM cluster id such as "
                        + "cluster-234567abcdefg (cluster- and 11 to 16 letters and digits 2-7), got '" + clusterId + "'");
            }
            if (stateFile == null) {
                stateFile = Path.of(".keyhold", "emulator", "state.json");
            }
            if (!Files.isRegularFile(stateFile)) {
                throw new IllegalArgumentException("no emulator state at " + stateFile + ": give the runner's state "
                        + "folder with --state-dir (run a keyhold stack command first), or a standalone emulator's "
                        + "--state-file");
            }
            String password = password(passwordFile, in);
            KmsEmulator.builder().stateFile(stateFile).build().resetKmsuserPassword(clusterId, password);
        } catch (IllegalArgumentException | IOException e) {
            err.println("keyhold emulator " + COMMAND + ": " + e.getMessage());
            err.println("Run 'keyhold emulator " + COMMAND + " --help' for the options. Nothing was changed.");
            return EmulatorCommand.USAGE;
        }
        out.println("kmsuser's password in " + clusterId + " is reset (" + stateFile + "). KMS still holds the old "
                + "one: put the new password into the secret KeyStorePassword resolves, raise KeyStorePasswordVersion, "
                + "and update the stack.");
        return EmulatorCommand.OK;
    }

    private static Path only(Path already, Path given) {
        if (already != null) {
            throw new IllegalArgumentException("give one of --state-dir and --state-file");
        }
        return given;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** The first line of the file or of standard input; its value is never part of any message. */
    private static String password(Path file, InputStream in) throws IOException {
        String text = file != null ? Files.readString(file, StandardCharsets.UTF_8)
                : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String line = text.lines().findFirst().orElse("");
        if (line.length() < 7 || line.length() > 32) {
            throw new IllegalArgumentException("the new password must be 7 to 32 characters (KMS's KeyStorePassword "
                    + "rule); " + (file != null ? "the first line of " + file : "standard input") + " does not hold "
                    + "one");
        }
        return line;
    }
}
