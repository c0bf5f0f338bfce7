package io.kupgrade.orchestrator.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileClusterLockTest {
    @TempDir
    Path stateDir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRefuseASecondAcquireInTheSameJvmNamingTheHolder() {
        try (FileClusterLock first = FileClusterLock.acquire(stateDir, "prod", "apply plan.yaml --wave canary")) {
            LockHeldException e = assertThrows(LockHeldException.class,
                    () -> FileClusterLock.acquire(stateDir, "prod", "apply plan.yaml"));

            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("apply plan.yaml --wave canary"), e.getMessage());
            assertEquals(first.holder(), e.holder());
        }
    }

    @Test
    void shouldReleaseOnCloseSoTheNextRunCanTakeIt() {
        Path file;
        try (FileClusterLock first = FileClusterLock.acquire(stateDir, "prod", "apply")) {
            file = first.file();
            assertTrue(Files.exists(file));
        }

        assertFalse(Files.exists(file));
        try (FileClusterLock again = FileClusterLock.acquire(stateDir, "prod", "apply")) {
            assertTrue(Files.exists(again.file()));
        }
    }

    @Test
    void shouldKeepTheLockWhenTakenOnAnInterruptedThread() {
        Thread.currentThread().interrupt();
        try (FileClusterLock lock = FileClusterLock.acquire(stateDir, "prod", "apply")) {
            Thread.interrupted();
            assertTrue(Files.exists(lock.file()));
            assertThrows(LockHeldException.class, () -> FileClusterLock.acquire(stateDir, "prod", "apply"));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void shouldLockClustersIndependently() {
        try (FileClusterLock a = FileClusterLock.acquire(stateDir, "a", "apply");
             FileClusterLock b = FileClusterLock.acquire(stateDir, "b", "apply")) {
            assertTrue(Files.exists(a.file()) && Files.exists(b.file()));
        }
    }

    @Test
    void shouldRefuseTheLockHeldByAnotherProcess() throws Exception {
        Process child = startChild("hold");
        long childPid = Long.parseLong(firstLine(child).substring("LOCKED ".length()));

        LockHeldException e = assertThrows(LockHeldException.class,
                () -> FileClusterLock.acquire(stateDir, "prod", "apply"));

        assertTrue(e.getMessage().contains("pid " + childPid), e.getMessage());
        assertTrue(e.getMessage().contains("child hold"), e.getMessage());
        assertEquals(childPid, child.pid());
    }

    @Test
    void shouldMakeAnotherProcessFailWhileThisOneHoldsTheLock() throws Exception {
        try (FileClusterLock lock = FileClusterLock.acquire(stateDir, "prod", "apply here")) {
            Process child = startChild("try");
            String line = firstLine(child);

            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, child.exitValue());
            assertTrue(line.startsWith("HELD: ") && line.contains("pid " + lock.holder().pid()), line);
        }
    }

    @Test
    void shouldTakeOverTheLockOfAKilledProcess() throws Exception {
        Process child = startChild("hold");
        firstLine(child);
        child.destroyForcibly(); // SIGKILL: no chance to clean up
        child.waitFor(10, TimeUnit.SECONDS);
        assertTrue(Files.exists(FileClusterLock.lockFile(stateDir, "prod")), "the dead holder left its lock file");

        try (FileClusterLock lock = FileClusterLock.acquire(stateDir, "prod", "apply again")) {
            assertEquals(lock.holder(), FileClusterLock.currentHolder(stateDir, "prod").orElseThrow());
            assertEquals(ProcessHandle.current().pid(), lock.holder().pid());
        }
    }

    @Test
    void shouldNotBreakTheLockOfALiveProcess() throws Exception {
        Process child = startChild("hold");
        firstLine(child);

        LockHeldException e = assertThrows(LockHeldException.class,
                () -> FileClusterLock.breakLock(stateDir, "prod"));

        assertTrue(e.getMessage().contains("running process"), e.getMessage());
        assertTrue(Files.exists(FileClusterLock.lockFile(stateDir, "prod")));
    }

    @Test
    void shouldRefuseALockLeftByAnotherHostUntilItIsBroken() throws IOException {
        LockHolder remote = new LockHolder("bob", "ci-runner-7", 4242, Instant.parse("2026-11-25T05:00:00Z"),
                "apply plan.yaml");
        Path file = FileClusterLock.lockFile(stateDir, "prod");
        Files.createDirectories(file.getParent());
        Files.writeString(file, FileClusterLock.toJson(remote));

        LockHeldException e = assertThrows(LockHeldException.class,
                () -> FileClusterLock.acquire(stateDir, "prod", "apply"));
        Optional<LockHolder> broken = FileClusterLock.breakLock(stateDir, "prod");

        assertTrue(e.getMessage().contains("bob@ci-runner-7 (pid 4242"), e.getMessage());
        assertTrue(e.getMessage().contains("break the lock"), e.getMessage());
        assertEquals(Optional.of(remote), broken);
        FileClusterLock.acquire(stateDir, "prod", "apply").close();
    }

    @Test
    void shouldTakeOverALockWhosePidOnThisHostIsGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        LockHolder dead = new LockHolder("alice", LockHolder.localHostName(), gone.pid(), Instant.EPOCH, "apply");
        Path file = FileClusterLock.lockFile(stateDir, "prod");
        Files.createDirectories(file.getParent());
        Files.writeString(file, FileClusterLock.toJson(dead));

        try (FileClusterLock lock = FileClusterLock.acquire(stateDir, "prod", "apply")) {
            assertEquals(ProcessHandle.current().pid(), lock.holder().pid());
        }
    }

    @Test
    void shouldSayNothingHoldsAnUnlockedCluster() {
        assertEquals(Optional.empty(), FileClusterLock.currentHolder(stateDir, "prod"));
        assertEquals(Optional.empty(), FileClusterLock.breakLock(stateDir, "prod"));
    }

    private Process startChild(String mode) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), LockChildProcess.class.getName(), stateDir.toString(),
                "prod", mode)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        children.add(p);
        return p;
    }

    private static String firstLine(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null) {
            throw new IllegalStateException("child printed nothing");
        }
        return line;
    }
}
