package io.kupgrade.cli;

import java.io.PrintWriter;

/** Entry point: runs the command line and exits with its code. Tests call {@link #run} instead. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs kupgrade with the given arguments; results go to {@code out}, diagnostics to {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return KupgradeCommand.commandLine(out, err).execute(args);
    }
}
