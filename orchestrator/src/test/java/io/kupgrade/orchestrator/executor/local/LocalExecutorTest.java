package io.kupgrade.orchestrator.executor.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.executor.CommandResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalExecutorTest {
    private final LocalExecutor executor = new LocalExecutor(Duration.ofMillis(500), Duration.ofMillis(200));

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        executor.close();
    }

    @Test
    void shouldReturnExitCodeAndBothOutputs() {
        CommandResult r = executor.run("h1", "echo out; echo err >&2; exit 3", Duration.ofSeconds(10));

        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        assertFalse(r.timedOut());
        assertFalse(r.ok());
    }

    @Test
    void shouldRunTheCommandInAPosixShell() {
        CommandResult r = executor.run("h1", "X=a; for i in 1 2; do X=$X$i; done; printf %s \"$X\" | tr a b",
                Duration.ofSeconds(10));

        assertTrue(r.ok());
        assertEquals("b12", r.stdout());
    }

    @Test
    void shouldTerminateACommandAtItsTimeout() {
        long start = System.nanoTime();

        CommandResult r = executor.run("h1", "sleep 30", Duration.ofMillis(300));

        assertTrue(r.timedOut());
        assertFalse(r.ok());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "took too long");
    }

    @Test
    void shouldKillTheWholeProcessTreeAtTimeout() throws Exception {
        Path pidFile = dir.resolve("child.pid");

        executor.run("h1", "sh -c 'echo $$ > " + pidFile + "; exec sleep 30' ; true", Duration.ofMillis(500));

        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertFalse(runningAfterAMoment(pid), "child still running");
    }

    /** True if the process still runs after up to 2 s (a zombie waiting for its reaper does not run). */
    private static boolean runningAfterAMoment(long pid) throws Exception {
        for (int i = 0; i < 40; i++) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            if (!Files.exists(stat)) {
                return false;
            }
            String s = Files.readString(stat);
            char state = s.charAt(s.lastIndexOf(')') + 2);
            if (state == 'Z' || state == 'X') {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Test
    void shouldReturnWhenABackgroundProcessKeepsTheOutputOpen() {
        long start = System.nanoTime();

        CommandResult r = executor.run("h1", "sleep 3 & echo started", Duration.ofSeconds(20));

        assertTrue(r.ok());
        assertTrue(r.stdout().startsWith("started"), r.stdout());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2500, "waited for the background job");
    }

    @Test
    void shouldBoundCapturedOutput() {
        CommandResult r = executor.run("h1", "head -c 5000000 /dev/zero | tr '\\0' a; echo; echo the end",
                Duration.ofSeconds(30));

        assertTrue(r.ok());
        assertTrue(r.stdout().length() < 70_000, "kept " + r.stdout().length());
        assertTrue(r.stdout().contains("bytes of output omitted"));
        assertTrue(r.stdout().endsWith("the end\n"));
    }

    @Test
    void shouldReportAMissingFileClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> executor.readFile("h1", dir.resolve("nope").toString()));

        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("h1"), e.getMessage());
    }

    @Test
    void shouldReplaceAFileKeepingABackupAndItsPermissions() throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "broker.id=1\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Path backup = dir.resolve("server.properties.kupgrade-bak");

        executor.writeFile("h1", file.toString(), "broker.id=1\nx=$(rm -rf /)\n", backup.toString());

        assertEquals("broker.id=1\nx=$(rm -rf /)\n", executor.readFile("h1", file.toString()));
        assertEquals("broker.id=1\n", Files.readString(backup));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temp file left behind");
        }
    }

    @Test
    void shouldReplaceTheTargetOfASymlinkAndKeepTheLink() throws IOException {
        Path real = dir.resolve("real.properties");
        Files.writeString(real, "a=1\n");
        Path link = Files.createSymbolicLink(dir.resolve("server.properties"), real);

        executor.writeFile("h1", link.toString(), "a=2\n", dir.resolve("bak").toString());

        assertTrue(Files.isSymbolicLink(link));
        assertEquals("a=2\n", Files.readString(real));
    }

    @Test
    void shouldWriteAndReadBytesAsLatin1LikeKafkaReadsThem() throws IOException {
        Path file = dir.resolve("f");
        Files.write(file, new byte[] {'a', '=', (byte) 0xE9, '\n'});

        String text = executor.readFile("h1", file.toString());
        executor.writeFile("h1", file.toString(), text, null);

        assertEquals("a=\u00e9\n", text);
        assertEquals(4, Files.readAllBytes(file).length);
    }

    @Test
    void shouldRefuseCharactersKafkaCannotReadBack() {
        Path file = dir.resolve("f");

        assertThrows(IllegalArgumentException.class,
                () -> executor.writeFile("h1", file.toString(), "a=\u65e5\n", null));
        assertFalse(Files.exists(file));
    }

    @Test
    void shouldCreateANewFileWithoutBackup() throws IOException {
        Path file = dir.resolve("new.properties");

        executor.writeFile("h1", file.toString(), "a=1\n", dir.resolve("bak").toString());

        assertEquals("a=1\n", Files.readString(file, StandardCharsets.ISO_8859_1));
        assertFalse(Files.exists(dir.resolve("bak")));
    }
}
