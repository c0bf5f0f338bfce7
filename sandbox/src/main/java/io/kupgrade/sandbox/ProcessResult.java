package io.kupgrade.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Exit code and output of a short-lived command (a script or a Kafka tool). */
record ProcessResult(int exitCode, String output) {

    /**
     * Runs {@code command}, its stdout and stderr appended to {@code log} (or captured when null).
     *
     * @throws SandboxException when it cannot be run or does not finish within {@code timeoutSeconds}
     */
    static ProcessResult run(List<String> command, Path log, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Path out = log;
        try {
            if (out == null) {
                out = Files.createTempFile("kupgrade-sandbox-cmd-", ".log");
            }
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SandboxException(String.join(" ", command) + " did not finish within "
                        + timeoutSeconds + " s" + (log == null ? "" : "; see " + log));
            }
            String text = log == null ? Files.readString(out) : "";
            return new ProcessResult(p.exitValue(), text.strip());
        } catch (IOException e) {
            throw new SandboxException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while running " + command.get(0), e);
        } finally {
            if (log == null && out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }
}
