package io.kupgrade.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process the way a user would, capturing stdout, stderr and the exit code. */
record Cli(int exitCode, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    /** True when nothing in the output looks like a Java stack trace. */
    boolean noStackTrace() {
        String all = out + err;
        return !all.contains("\tat ") && !all.contains("Exception in thread") && !all.matches("(?s).*\\bat [a-z]+\\.[\\w.$]+\\(.*");
    }
}
