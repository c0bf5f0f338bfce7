package io.kupgrade.orchestrator.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, for tests that load a report in a real browser. Found on the PATH or at
 * /usr/bin/chromium; when missing, installed with {@code apt-get install -y chromium} if this runs as root with
 * apt-get (CI installs it in .ci/run); otherwise the test is skipped with the reason.
 */
public final class Chromium {
    private static final Path DEBIAN = Path.of("/usr/bin/chromium");

    private Chromium() {
    }

    /** The chromium binary, or a skipped test. */
    public static Path require() throws IOException, InterruptedException {
        Path found = find();
        if (found == null && Files.isExecutable(Path.of("/usr/bin/apt-get"))
                && "root".equals(System.getProperty("user.name"))) {
            Process p = new ProcessBuilder("apt-get", "install", "-y", "chromium").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(10, TimeUnit.MINUTES);
            found = find();
        }
        Assumptions.assumeTrue(found != null, "chromium is not installed and could not be installed"
                + " (apt-get install -y chromium): the HTML report is not checked in a browser");
        return found;
    }

    private static Path find() {
        if (Files.isExecutable(DEBIAN)) {
            return DEBIAN;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                Path candidate = Path.of(dir, "chromium");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /**
     * Loads {@code html} in headless Chromium and returns the DOM after its scripts ran ({@code --dump-dom}).
     * No network: file URL, background networking, component updates, sync and QUIC off.
     */
    public static String dumpDom(Path chromium, Path html, Path tmp) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        Path out = tmp.resolve("dom-" + System.nanoTime() + ".html");
        Path err = tmp.resolve("chromium-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--dump-dom",
                html.toUri().toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s; its log: " + err);
        }
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || dom.isBlank()) {
            throw new AssertionError("chromium exited " + p.exitValue() + " with " + dom.length() + " chars of DOM: "
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return dom;
    }
}
