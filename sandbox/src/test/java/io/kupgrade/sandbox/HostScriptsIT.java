package io.kupgrade.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host scripts, run for real with sh, on a layout whose "versions" are empty directories. */
class HostScriptsIT {

    @TempDir
    Path tmp;

    private Path host() throws Exception {
        Map<String, Path> versions = new LinkedHashMap<>();
        for (String v : List.of("3.8.1", "3.9.2")) {
            versions.put(v, Files.createDirectories(tmp.resolve("cache").resolve(v).resolve("lib")));
        }
        Path dir = tmp.resolve("broker-1");
        HostLayout.write(dir, "kafka.Kafka", "server.properties", List.of("-Xmx256m"), versions);
        return dir;
    }

    @Test
    void shouldPointCurrentAtTheFirstVersion() throws Exception {
        Path dir = host();

        assertEquals("3.8.1", Files.readSymbolicLink(dir.resolve("versions/current")).toString());
        assertEquals(tmp.resolve("cache/3.9.2/lib"), Files.readSymbolicLink(dir.resolve("versions/3.9.2")));
    }

    @Test
    void shouldSwitchCurrentToAnInstalledVersion() throws Exception {
        Path dir = host();

        Run r = run(dir.resolve("bin/switch-version").toString(), "3.9.2");

        assertEquals(0, r.exit, r.out);
        assertEquals("3.9.2", Files.readSymbolicLink(dir.resolve("versions/current")).toString());
    }

    @Test
    void shouldRefuseAVersionThatIsNotInstalledAndKeepCurrent() throws Exception {
        Path dir = host();

        Run r = run(dir.resolve("bin/switch-version").toString(), "4.0.2");

        assertEquals(1, r.exit);
        assertTrue(r.out.contains("Kafka 4.0.2 is not installed on this host (installed: 3.8.1 3.9.2"), r.out);
        assertEquals("3.8.1", Files.readSymbolicLink(dir.resolve("versions/current")).toString());
    }

    @Test
    void shouldRefuseCurrentAsAVersionName() throws Exception {
        Path dir = host();

        assertEquals(1, run(dir.resolve("bin/switch-version").toString(), "current").exit);
    }

    @Test
    void shouldNotBeRunningBeforeTheFirstStart() throws Exception {
        Path dir = host();

        assertEquals(1, run(dir.resolve("bin/is-running").toString()).exit);
        assertEquals(0, run(dir.resolve("bin/stop").toString()).exit, "stopping a stopped broker is not an error");
    }

    @Test
    void shouldNotMistakeAnotherProcessWithTheRecordedPidForTheBroker() throws Exception {
        Path dir = host();
        // this JVM's pid: alive, but not a process started with this host's config file
        Files.writeString(dir.resolve("run/pid"), Long.toString(ProcessHandle.current().pid()));

        assertEquals(1, run(dir.resolve("bin/is-running").toString()).exit);
    }

    @Test
    void shouldLeaveTheJvmsErrorInStdoutLogWhenItCannotStart() throws Exception {
        Path dir = host();
        // the "lib" directories are empty: java finds no kafka.Kafka and exits with an error

        run(dir.resolve("bin/start").toString()); // may or may not see the JVM alive before it exits

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (run(dir.resolve("bin/is-running").toString()).exit == 0) {
            assertTrue(System.nanoTime() < deadline, "the JVM without Kafka on its classpath should have exited");
            Thread.sleep(50);
        }
        String log = Files.readString(dir.resolve("logs/stdout.log"));
        assertTrue(log.contains("start Kafka 3.8.1"), log);
        assertTrue(log.contains("kafka.Kafka"), log);
    }

    @Test
    void shouldStartWithoutClassDataSharingWhenTheSandboxTurnsItOff() throws Exception {
        Path dir = host();

        run(dir.resolve("bin/start").toString());

        awaitExit(dir);
        assertTrue(lastStartLine(dir).endsWith("start Kafka 3.8.1 (class data sharing: off)"), lastStartLine(dir));
        assertFalse(Files.readString(dir.resolve("bin/start")).contains("ArchiveClassesAtExit"));
    }

    @Test
    void shouldStartWithoutClassDataSharingWhenTheEnvironmentTurnsItOff() throws Exception {
        Path dir = cdsHost();

        ProcessBuilder off = new ProcessBuilder(dir.resolve("bin/start").toString()).redirectErrorStream(true);
        off.environment().put("KUPGRADE_CDS", "off");
        Process q = off.start();
        q.getInputStream().readAllBytes();
        q.waitFor();

        awaitExit(dir);
        assertTrue(lastStartLine(dir).endsWith("(class data sharing: off (KUPGRADE_CDS=off))"), lastStartLine(dir));
    }

    @Test
    void shouldNotAdoptTheArchiveOfAJvmThatExitedByItself() throws Exception {
        Path dir = cdsHost();
        // the "lib" directories are empty: the JVM exits at once, and writes an archive of a few classes then

        run(dir.resolve("bin/start").toString());
        awaitExit(dir);

        String first = lastStartLine(dir);
        assertTrue(first.contains("(class data sharing: none yet, writing " + tmp.resolve("kcache/cds/lib-")),
                first);
        Path written = Path.of(first.replaceAll(".*writing (\\S+) at exit.*", "$1"));
        assertTrue(Files.size(written) > 0, written + " written at exit");
        assertFalse(Files.exists(Path.of(written.toString().replace(".jsa", ".stopped"))));

        run(dir.resolve("bin/start").toString());
        awaitExit(dir);

        assertTrue(lastStartLine(dir).contains("(class data sharing: none yet, writing "), lastStartLine(dir));
        assertFalse(Files.exists(written), "removed, not adopted: " + written);
        try (var files = Files.list(written.getParent())) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().contains(".tmp-")),
                    "no adopted archive in " + written.getParent());
        }
    }

    @Test
    void shouldQuoteForPosixShells() {
        assertEquals("/tmp/a-b_c.d", HostLayout.quote("/tmp/a-b_c.d"));
        assertEquals("'/tmp/a b'", HostLayout.quote("/tmp/a b"));
        assertEquals("'it'\\''s'", HostLayout.quote("it's"));
    }

    /** Like {@link #host()}, with class data sharing, its cache in {@code tmp/kcache}. */
    private Path cdsHost() throws Exception {
        Map<String, Path> versions = new LinkedHashMap<>();
        versions.put("3.8.1", Files.createDirectories(tmp.resolve("cache").resolve("3.8.1").resolve("lib")));
        Path dir = tmp.resolve("broker-1");
        HostLayout.write(dir, "kafka.Kafka", "server.properties", List.of("-Xmx64m"), versions,
                tmp.resolve("kcache"));
        return dir;
    }

    private static void awaitExit(Path dir) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (run(dir.resolve("bin/is-running").toString()).exit == 0) {
            assertTrue(System.nanoTime() < deadline, "the JVM without Kafka on its classpath should have exited");
            Thread.sleep(50);
        }
    }

    private static String lastStartLine(Path dir) throws Exception {
        List<String> starts = Files.readAllLines(dir.resolve("logs/stdout.log")).stream()
                .filter(l -> l.startsWith("=== ")).toList();
        return starts.isEmpty() ? "" : starts.get(starts.size() - 1);
    }

    record Run(int exit, String out) {
    }

    static Run run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Run(p.waitFor(), out);
    }
}
