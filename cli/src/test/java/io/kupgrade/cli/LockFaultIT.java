package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.state.StateStores;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fault matrix, the lock, with real processes on a real 3-broker sandbox (one for the class): a second
 * concurrent {@code apply} is refused with exit code 6 (LOCKED), names the holder and touches nothing, with
 * the file lock and with the ZooKeeper lock; and a holder paused (SIGSTOP) until its ZooKeeper session expired
 * is fenced off: another run takes the lock and finishes, and the paused one, resumed, records and does
 * nothing more and exits 4 (FAILED). The first {@code apply} always runs as the CLI's main in a JVM of its own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LockFaultIT {
    static SandboxCluster cluster;
    static Path dir;
    static Path filePlan;
    static Path zkPlan;
    static Path state;
    final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void up() throws IOException {
        cluster = Sandbox.start(SandboxSpec.builder().brokers(3).racks(3).mode(SandboxSpec.Mode.ZOOKEEPER).build());
        dir = Files.createTempDirectory("kupgrade-lock-it-");
        state = dir.resolve("state");
        Path base = dir.resolve("sandbox.yaml");
        cluster.writePlan(base);
        // soaks keep the first run busy (and holding the lock) long enough for the second to try
        String text = Files.readString(base).replace("waves: [1, \"100%\"]\n",
                "waves:\n  - {size: 1, soak: 20s}\n  - {size: \"100%\", soak: 20s}\n");
        filePlan = dir.resolve("file-state.yaml");
        Files.writeString(filePlan, text);
        zkPlan = dir.resolve("zookeeper-state.yaml");
        Files.writeString(zkPlan, text + "state: {store: zookeeper}\n");
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            if (p.isAlive()) {
                signal(p, "CONT");
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void aSecondApplyIsRefusedByTheFileLockAndTouchesNothing() throws Exception {
        assertSecondApplyRefused(filePlan, "lock file");
    }

    @Test
    @Order(2)
    void aSecondApplyIsRefusedByTheZooKeeperLockAndTouchesNothing() throws Exception {
        assertSecondApplyRefused(zkPlan, "ZooKeeper lock");
    }

    void assertSecondApplyRefused(Path plan, String lockKind) throws Exception {
        Process first = applyInAnotherJvm(plan, "first.log", Map.of(), "--wave", "canary");
        awaitEntry(plan, e -> "soak".equals(e.step()) && "started".equals(e.event()), first);
        List<JournalEntry> before = journal(plan);
        Map<String, Long> pidsBefore = cluster.processIds();

        Cli second = Cli.run("apply", "--wave", "canary", "--state-dir", state.toString(), plan.toString());
        Cli status = Cli.run("status", "--state-dir", state.toString(), plan.toString());

        assertEquals(ExitCode.LOCKED.code(), second.exitCode(), second.out() + second.err());
        assertTrue(second.err().contains("pid " + first.pid()), "names the holder: " + second.err());
        assertTrue(second.err().contains("kupgrade apply " + plan), "and what it runs: " + second.err());
        assertTrue(second.noStackTrace(), second.err());
        assertTrue(status.out().contains("\nlock     held by " + System.getProperty("user.name") + "@")
                && status.out().contains("(pid " + first.pid() + ", since ")
                && status.out().contains("): kupgrade apply " + plan + "\n"), "status names the holder: " + status.out());
        assertEquals(before, journal(plan), "the refused run journaled nothing");
        assertEquals(pidsBefore, cluster.processIds(), "the refused run restarted nothing");
        assertTrue(first.waitFor(3, TimeUnit.MINUTES), "the first run finishes its canary");
        assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.log")));
        assertEquals(1, journal(plan).stream().filter(e -> "run".equals(e.step()) && "started".equals(e.event()))
                .count(), "one run only, the first (" + lockKind + ")");
    }

    @Test
    @Order(3)
    void aHolderPausedUntilItsZooKeeperSessionExpiredIsFencedOffAndAnotherRunFinishes() throws Exception {
        // a 4 s session (ZooKeeper's minimum with tickTime 2000) so the test need not wait 15 s
        Process paused = applyInAnotherJvm(zkPlan, "paused.log",
                Map.of("kupgrade.zookeeper.sessionTimeoutMs", "4000"));
        awaitEntry(zkPlan, e -> "soak".equals(e.step()) && "started".equals(e.event()) && !"canary".equals(e.wave()),
                paused);
        signal(paused, "STOP"); // a long GC pause, a frozen VM, a partition: the holder does not run
        long t = System.nanoTime();
        Plan plan = PlanParser.parse(zkPlan);
        while (StateStores.holder(plan, state).isPresent()) {
            assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(60), "the paused holder's session expires");
            Thread.sleep(200);
        }
        System.out.printf("paused holder's lock gone %.1f s after SIGSTOP%n", (System.nanoTime() - t) / 1e9);

        Cli next = Cli.run("apply", "--state-dir", state.toString(), zkPlan.toString());

        assertEquals(ExitCode.OK.code(), next.exitCode(), next.out() + next.err());
        List<JournalEntry> afterNext = journal(zkPlan);
        Map<String, Long> pidsAfterNext = cluster.processIds();
        signal(paused, "CONT");
        assertTrue(paused.waitFor(2, TimeUnit.MINUTES), "the resumed holder ends at its next journal append");
        String log = Files.readString(dir.resolve("paused.log"));
        assertEquals(ExitCode.FAILED.code(), paused.exitValue(), log);
        assertTrue(log.contains("lost the cluster's lock"), log);
        assertEquals(afterNext, journal(zkPlan), "nothing recorded by the fenced-off holder");
        assertEquals(pidsAfterNext, cluster.processIds(), "nothing restarted by the fenced-off holder");
        assertTrue(afterNext.get(afterNext.size() - 1).step().equals("run"), "the next run's end is the last entry");
    }

    Process applyInAnotherJvm(Path plan, String log, Map<String, String> props, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "apply"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--state-dir", state.toString(), plan.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
        children.add(p);
        return p;
    }

    static List<JournalEntry> journal(Path plan) {
        return StateStores.readJournal(PlanParser.parse(plan), state);
    }

    static void awaitEntry(Path plan, Predicate<JournalEntry> p, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the apply process ended (exit " + process.exitValue() + ") first");
            }
            List<JournalEntry> entries;
            try {
                entries = journal(plan);
            } catch (RuntimeException e) {
                entries = List.of(); // a line being appended: read again
            }
            if (entries.stream().anyMatch(p)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no such journal entry within 3 minutes");
    }

    static void signal(Process p, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
