package io.kupgrade.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one argument vector with {@link ProcessBuilder}: no shell ever sees the caller's values. stdin is
 * {@code /dev/null}; at the timeout the process tree gets SIGTERM, then SIGKILL 5 s later. A command that
 * leaves a background child holding its output (a broker started with {@code -daemon}) returns once the
 * command itself has exited plus 2 s. Thread-safe.
 */
final class CommandRunner {
    private static final long KILL_GRACE_MS = 5_000;
    private static final long OUTPUT_GRACE_MS = 2_000;

    /** Exit status and bounded output; exitCode is -1 when timed out. */
    record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
    }

    private final int maxOutputBytes;

    CommandRunner(int maxOutputBytes) {
        this.maxOutputBytes = maxOutputBytes;
    }

    Result run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        BoundedOutput out = new BoundedOutput(maxOutputBytes);
        BoundedOutput err = new BoundedOutput(maxOutputBytes);
        Thread outReader = drain(process.getInputStream(), out);
        Thread errReader = drain(process.getErrorStream(), err);
        boolean timedOut = false;
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                terminateTree(process);
            }
            outReader.join(OUTPUT_GRACE_MS);
            errReader.join(OUTPUT_GRACE_MS);
        } catch (InterruptedException e) {
            terminateTree(process);
            throw e;
        }
        int exit = timedOut || process.isAlive() ? -1 : process.exitValue();
        return new Result(exit, out.text(), err.text(), timedOut);
    }

    private static Thread drain(InputStream in, OutputStream sink) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // the process is gone and the pipe closed: what was read stays
            }
        }, "kupgrade-agent-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void terminateTree(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        try {
            process.waitFor(KILL_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
