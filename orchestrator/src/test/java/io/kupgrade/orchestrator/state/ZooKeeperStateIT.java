package io.kupgrade.orchestrator.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.orchestrator.apply.ApplyRequest;
import io.kupgrade.orchestrator.apply.ApplyService;
import io.kupgrade.orchestrator.apply.StatusReport;
import io.kupgrade.orchestrator.apply.StatusService;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.FileJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.journal.ZooKeeperJournal;
import io.kupgrade.orchestrator.lock.LockHeldException;
import io.kupgrade.orchestrator.lock.LockLostException;
import io.kupgrade.orchestrator.lock.ZooKeeperClusterLock;
import io.kupgrade.orchestrator.pause.ClusterPausedException;
import io.kupgrade.orchestrator.pause.Pause;
import io.kupgrade.orchestrator.pause.PauseService;
import io.kupgrade.orchestrator.pause.ZooKeeperPauseMarker;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ZooKeeper lock and journal against the real ZooKeeper of a sandbox cluster (one for the class; each
 * test uses its own cluster name): one holder at a time, named to the refused; the file journal's entries
 * round-trip; fencing (a holder whose session expired cannot append, and the next run takes over); a killed
 * holder on this host is taken over; one on another host is not. The pause marker lives there too: a pause set
 * through one session stops an apply running in another, refuses the next one, and resume lifts it; its read syncs
 * first, and a sync ZooKeeper does not confirm in time makes the marker unreadable.
 */
class ZooKeeperStateIT {
    static SandboxCluster cluster;
    static String connect;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final List<Process> children = new ArrayList<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        cluster = Sandbox.start(SandboxSpec.builder().brokers(1).racks(0).mode(SandboxSpec.Mode.ZOOKEEPER).build());
        connect = cluster.zookeeperConnect() + "/kupgrade-it";
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    ZooKeeperStateStore store() {
        ZooKeeperStateStore s = ZooKeeperStateStore.connect(connect, Duration.ofSeconds(10));
        toClose.add(s);
        return s;
    }

    static JournalEntry entry(String step, String event, int i) {
        return new JournalEntry(Instant.parse("2026-11-25T09:00:00Z").plusSeconds(i), "sha", "binaries", "canary",
                i % 2 == 0 ? null : 3, step, event, Map.of("n", Integer.toString(i), "reason", "a \"quoted\" é"));
    }

    /** Ends {@code store}'s session from outside, as ZooKeeper does after a holder's pause or partition. */
    static void expireSession(ZooKeeperStateStore store) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(cluster.zookeeperConnect(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, store.sessionId(), store.sessionPassword());
        assertTrue(connected.await(10, TimeUnit.SECONDS));
        twin.close(); // closes the shared session on the server: its ephemeral nodes go at once
    }

    @Test
    void shouldRefuseASecondRunNamingTheHolderUntilTheFirstReleases() {
        ZooKeeperStateStore first = store();
        ZooKeeperStateStore second = store();
        ZooKeeperClusterLock lock = first.lock("refuse", "kupgrade apply plan.yaml --wave canary");

        LockHeldException e = assertThrows(LockHeldException.class, () -> second.lock("refuse", "kupgrade apply"));

        assertTrue(e.getMessage().contains("kupgrade apply plan.yaml --wave canary"), e.getMessage());
        assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        assertTrue(e.getMessage().contains("fencing token " + lock.fencingToken()), e.getMessage());
        assertEquals(lock.holder(), e.holder());
        assertEquals(lock.holder(), second.holder("refuse").orElseThrow());
        lock.close();
        try (ZooKeeperClusterLock next = second.lock("refuse", "kupgrade apply")) {
            assertTrue(next.fencingToken() > lock.fencingToken(), "a later holder has a larger token");
            assertTrue(next.isHeld());
            assertFalse(lock.isHeld());
        }
        assertTrue(second.holder("refuse").isEmpty(), "released on close");
    }

    @Test
    void shouldStoreWhatTheFileJournalStoresAndReadItBackInAnotherSession() {
        ZooKeeperStateStore writer = store();
        List<JournalEntry> written = new ArrayList<>();
        FileJournal file = new FileJournal(tmp.resolve("journal.jsonl"));
        try (ZooKeeperClusterLock lock = writer.lock("roundtrip", "apply")) {
            ZooKeeperJournal journal = writer.journal("roundtrip", lock);
            for (int i = 0; i < 25; i++) {
                JournalEntry e = entry(i % 3 == 0 ? "stop" : "start", i % 2 == 0 ? "started" : "succeeded", i);
                journal.append(e);
                file.append(e);
                written.add(e);
            }
            assertEquals(written, journal.entries());
        }

        ZooKeeperJournal reader = store().readOnlyJournal("roundtrip");

        assertEquals(written, reader.entries(), "same entries, same order, from a fresh session");
        assertEquals(file.entries(), reader.entries(), "same as the file journal");
        assertEquals(written.get(24), reader.last().orElseThrow());
        assertThrows(IllegalStateException.class, () -> reader.append(entry("stop", "started", 99)));
        assertEquals(List.of(), store().readOnlyJournal("no-such-cluster").entries());
    }

    @Test
    void shouldRefuseEveryAppendOnceTheHoldersSessionExpiredAndLetTheNextRunTakeOver() throws Exception {
        ZooKeeperStateStore paused = store();
        ZooKeeperClusterLock oldLock = paused.lock("fencing", "apply (will be paused)");
        ZooKeeperJournal oldJournal = paused.journal("fencing", oldLock);
        oldJournal.append(entry("stop", "started", 1));

        expireSession(paused); // the holder does not know yet: it was "paused"
        ZooKeeperStateStore next = store();
        ZooKeeperClusterLock newLock = next.lock("fencing", "apply (next run)");
        ZooKeeperJournal newJournal = next.journal("fencing", newLock);
        newJournal.append(entry("probe", "succeeded", 2));
        LockLostException lost = assertThrows(LockLostException.class,
                () -> oldJournal.append(entry("start", "started", 3)));

        assertTrue(lost.getMessage().contains("no longer holds the cluster's lock"), lost.getMessage());
        assertTrue(newLock.fencingToken() > oldLock.fencingToken());
        assertEquals(List.of("stop", "probe"), store().readOnlyJournal("fencing").entries().stream()
                .map(JournalEntry::step).toList(), "nothing from the fenced-off holder after it lost the lock");
        assertFalse(oldLock.isHeld());
        assertTrue(newLock.isHeld());
    }

    @Test
    void shouldRefuseAppendsWhenTheLockNodeWasRemovedWhileTheSessionLives() throws Exception {
        ZooKeeperStateStore holder = store();
        ZooKeeperClusterLock lock = holder.lock("removed", "apply");
        ZooKeeperJournal journal = holder.journal("removed", lock);
        journal.append(entry("stop", "started", 1));
        ZooKeeper operator = rawClient();
        operator.delete(lock.nodePath(), -1); // e.g. an operator cleaning up by hand

        assertThrows(LockLostException.class, () -> journal.append(entry("stop", "succeeded", 2)));
        assertEquals(1, store().readOnlyJournal("removed").entries().size());
    }

    @Test
    void shouldTakeOverTheLockOfAHolderKilledOnThisHost() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ZkLockChildProcess.class.getName(), connect, "killed").redirectErrorStream(true).start();
        children.add(child);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
            line = out.readLine();
        } while (line != null && !line.startsWith("LOCKED "));
        assertTrue(line != null, "the child took the lock");
        long childToken = Long.parseLong(line.substring("LOCKED ".length()));
        assertThrows(LockHeldException.class, () -> store().lock("killed", "apply"), "held while the child lives");

        child.destroyForcibly(); // SIGKILL: its session lives on in ZooKeeper until it times out (30 s)
        child.waitFor(10, TimeUnit.SECONDS);
        long t = System.nanoTime();
        try (ZooKeeperClusterLock lock = store().lock("killed", "apply after the kill")) {
            System.out.printf("took over the lock of a killed holder in %d ms%n", (System.nanoTime() - t) / 1_000_000);
            assertTrue(lock.fencingToken() > childToken);
        }
    }

    @Test
    void shouldNotTakeOverALiveHoldersLockFromAnotherHost() throws Exception {
        ZooKeeper otherHost = rawClient();
        String dir = ZooKeeperClusterLock.lockDir(store().clusterPath("elsewhere"));
        io.kupgrade.orchestrator.journal.ZooKeeperPaths.ensure(otherHost, dir);
        otherHost.create(dir + "/holder-", ("{\"user\":\"bob\",\"host\":\"ci-runner-7\",\"pid\":1,"
                + "\"processStart\":\"2026-11-25T08:00:00Z\",\"command\":\"kupgrade apply prod.yaml\"}")
                .getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);

        LockHeldException e = assertThrows(LockHeldException.class, () -> store().lock("elsewhere", "apply"));

        assertTrue(e.getMessage().contains("bob@ci-runner-7 (pid 1"), e.getMessage());
        assertTrue(e.getMessage().contains("when its ZooKeeper session expires"), e.getMessage());
        otherHost.close();
        store().lock("elsewhere", "apply").close();
    }

    @Test
    void shouldReadALongJournalQuickly() {
        ZooKeeperStateStore writer = store();
        int n = 1000;
        try (ZooKeeperClusterLock lock = writer.lock("long", "apply")) {
            ZooKeeperJournal journal = writer.journal("long", lock);
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                journal.append(entry("start", "started", i));
            }
            long appendMs = (System.nanoTime() - t) / 1_000_000;
            ZooKeeperJournal reader = store().readOnlyJournal("long");
            t = System.nanoTime();
            assertEquals(n, reader.entries().size());
            long coldMs = (System.nanoTime() - t) / 1_000_000;
            t = System.nanoTime();
            assertEquals(n, reader.entries().size());
            long warmMs = (System.nanoTime() - t) / 1_000_000;
            System.out.printf("ZooKeeper journal: %d appends in %d ms (%.2f ms each); read all cold %d ms, warm %d ms%n",
                    n, appendMs, appendMs / (double) n, coldMs, warmMs);
        }
    }

    @Test
    void shouldStopARunningApplyPausedFromAnotherMachineRefuseTheNextAndResume() throws Exception {
        // three "machines": each its own state directory, so nothing is shared but ZooKeeper
        Path machineA = tmp.resolve("a");
        Path machineB = tmp.resolve("b");
        Path machineC = tmp.resolve("c");
        Path plan = zooKeeperStatePlan("paused-apply");
        PauseService operatorOnA = new PauseService();
        ProgressEvent.Listener pauseOnceThePhaseStarted = e -> {
            if (e.type() == ProgressEvent.Type.STEP_SUCCEEDED && "phase-start".equals(e.step())) {
                operatorOnA.pause(plan, machineA, "consumers lagging");
            }
        };

        RollOutcome run = new ApplyService().apply(new ApplyRequest(plan, Selection.all(), true, machineB),
                pauseOnceThePhaseStarted, null, null);

        assertEquals(OutcomeKind.HALTED, run.kind(), run.message());
        assertTrue(run.message().contains("consumers lagging"), run.message());
        List<JournalEntry> journal = StateStores.readJournal(PlanParser.parse(plan), machineC);
        JournalEntry last = journal.get(journal.size() - 1);
        assertEquals(List.of("run", "paused"), List.of(last.step(), last.event()), "journaled in ZooKeeper");
        assertTrue(journal.stream().noneMatch(e -> "stop".equals(e.step())), "no broker was touched");
        ClusterPausedException refused = assertThrows(ClusterPausedException.class, () -> new ApplyService()
                .apply(new ApplyRequest(plan, Selection.all(), true, machineB), null, null, null));
        assertTrue(refused.getMessage().contains("consumers lagging"), refused.getMessage());
        StatusReport statusOnC = new StatusService().status(plan, machineC);
        assertEquals("consumers lagging", statusOnC.pause().reason());
        String node = store().clusterPath("paused-apply") + "/pause";
        assertTrue(rawClient().exists(node, false) != null, "the pause is the znode " + node);

        PauseService.Result resumed = new PauseService().resume(plan, machineC);

        assertEquals("consumers lagging", resumed.previous().orElseThrow().reason());
        assertTrue(resumed.marker().endsWith(node), resumed.marker());
        assertNull(new StatusService().status(plan, machineA).pause());
        assertNull(rawClient().exists(node, false), "resume removed the znode");
        try (StateStores.Held held = StateStores.acquire(PlanParser.parse(plan), machineB, "apply")) {
            assertEquals(Optional.empty(), held.pauseMarker().pausedBecause(), "a run's own check sees it lifted");
        }
    }

    @Test
    void shouldKeepTheClustersStateToTheHolderOfItsCredentials() throws Exception {
        Path credentials = tmp.resolve("zk-auth");
        Files.writeString(credentials, "ops:s3cret\n");
        Path plan = zooKeeperStatePlan("guarded", "auth: \"${file:" + credentials + "}\"");
        Path open = zooKeeperStatePlan("guarded", null);
        Files.writeString(tmp.resolve("wrong-auth"), "ops:guess\n");
        Path wrong = zooKeeperStatePlan("guarded", "auth: \"${file:" + tmp.resolve("wrong-auth") + "}\"");
        String clusterPath = store().clusterPath("guarded");
        String lockNode;
        try (StateStores.Held held = StateStores.acquire(PlanParser.parse(plan), tmp.resolve("a"), "apply")) {
            held.journal().append(entry("phase-start", "STEP_STARTED", 1));
            lockNode = ((ZooKeeperClusterLock) held.lock()).nodePath();
            ZooKeeper anyone = rawClient();
            ZooKeeper owner = rawClient();
            owner.addAuthInfo("digest", "ops:s3cret".getBytes(StandardCharsets.UTF_8));

            for (String node : List.of(clusterPath, lockNode, ZooKeeperJournal.journalDir(clusterPath))) {
                List<ACL> acl = owner.getACL(node, null);
                assertEquals(1, acl.size(), node + ": " + acl);
                assertEquals(ZooDefs.Perms.ALL, acl.get(0).getPerms(), node + ": " + acl);
                assertEquals("digest", acl.get(0).getId().getScheme(), node + ": " + acl);
                assertTrue(acl.get(0).getId().getId().startsWith("ops:"), node + ": for the credentials' user only");
            }
            assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, anyone.getACL("/kupgrade-it", null),
                    "the root stays open, for other clusters' nodes");
            assertThrows(KeeperException.NoAuthException.class, () -> anyone.getACL(clusterPath, null));
            assertThrows(KeeperException.NoAuthException.class, () -> anyone.getData(lockNode, false, null));
            assertThrows(KeeperException.NoAuthException.class, () -> anyone.getChildren(
                    ZooKeeperJournal.journalDir(clusterPath), false));
            assertThrows(KeeperException.NoAuthException.class, () -> anyone.delete(lockNode, -1),
                    "nobody else can take the lock away");
        }

        for (Path other : List.of(open, wrong)) {
            StateAccessDeniedException refused = assertThrows(StateAccessDeniedException.class,
                    () -> StateStores.readJournal(PlanParser.parse(other), tmp.resolve("b")));
            assertTrue(refused.getMessage().contains(clusterPath) && refused.getMessage().contains("state.auth"),
                    refused.getMessage());
            assertFalse(refused.getMessage().contains("s3cret") || refused.getMessage().contains("guess"),
                    "credentials never quoted: " + refused.getMessage());
        }
        assertThrows(StateAccessDeniedException.class, () -> new PauseService().pause(open, tmp.resolve("b"), "x"));
        List<JournalEntry> journal = StateStores.readJournal(PlanParser.parse(plan), tmp.resolve("c"));
        assertEquals(List.of("phase-start"), journal.stream().map(JournalEntry::step).toList());
        new PauseService().pause(plan, tmp.resolve("c"), "consumers lagging");
        assertThrows(KeeperException.NoAuthException.class, () -> rawClient().getData(clusterPath + "/pause", false,
                null));
        assertEquals("consumers lagging", new StatusService().status(plan, tmp.resolve("a")).pause().reason());
        new PauseService().resume(plan, tmp.resolve("a"));
        assertNull(new StatusService().status(plan, tmp.resolve("c")).pause());
    }

    @Test
    void shouldSayItCannotTellRatherThanNotPausedWhenTheStateStoreDoesNotAnswer() {
        ZooKeeperStateStore gone = ZooKeeperStateStore.connect(connect, Duration.ofSeconds(4));
        ZooKeeperPauseMarker marker = gone.pauseMarker("unreadable");
        gone.close(); // as if ZooKeeper stopped answering: the session is over

        ClusterUnreachableException e = assertThrows(ClusterUnreachableException.class, marker::pausedBecause);

        assertTrue(e.getMessage().startsWith("cannot read the pause marker zookeeper://"), e.getMessage());
        assertTrue(e.getMessage().contains("/kupgrade-it/unreadable/pause"), e.getMessage());
    }

    @Test
    void shouldSyncBeforeReadingThePauseAndCallItUnreadableWhileZooKeeperDoesNotAnswer() throws Exception {
        ZooKeeperStateStore operator = store();
        ZooKeeperPauseMarker runsCheck = new ZooKeeperPauseMarker(rawClient(), operator.clusterPath("synced"),
                cluster.zookeeperConnect(), Duration.ofSeconds(1));
        assertEquals(Optional.empty(), runsCheck.pausedBecause());
        Pause pause = new Pause("consumers lagging", "alice@ops", Instant.parse("2026-11-25T10:00:00Z"));
        operator.pauseMarker("synced").write(pause);
        assertEquals(Optional.of(pause.describe()), runsCheck.pausedBecause(), "set through another session: seen");
        long pid = cluster.zookeeperPid(cluster.zookeepers().get(0).id()).orElseThrow();

        ClusterUnreachableException e;
        long t = System.nanoTime();
        signal(pid, "STOP"); // a ZooKeeper server that stops answering (GC, frozen VM); shorter than any session
        try {
            e = assertThrows(ClusterUnreachableException.class, runsCheck::pausedBecause);
        } finally {
            signal(pid, "CONT");
        }
        double waited = (System.nanoTime() - t) / 1e9;

        assertTrue(e.getMessage().startsWith("cannot read the pause marker zookeeper://"), e.getMessage());
        assertTrue(e.getMessage().contains("ZooKeeper did not confirm the sync before the read within 1 s"),
                e.getMessage());
        assertTrue(waited < 5, "unreadable after the sync timeout, not a session timeout: " + waited + " s");
        assertEquals(Optional.of(pause.describe()), runsCheck.pausedBecause(), "readable again once it answers");
    }

    static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
    }

    /** The sandbox's plan for cluster {@code name}, with its journal, lock and pause in this class's ZooKeeper root. */
    Path zooKeeperStatePlan(String name) throws Exception {
        return zooKeeperStatePlan(name, null);
    }

    /** As {@link #zooKeeperStatePlan(String)}, with {@code extra} (e.g. {@code auth: ...}) in its state section. */
    Path zooKeeperStatePlan(String name, String extra) throws Exception {
        Path base = tmp.resolve("sandbox.yaml");
        cluster.writePlan(base);
        String text = Files.readString(base).replaceFirst("(?m)^  name: .*$", "  name: " + name)
                .replace("waves: [1, \"100%\"]\n", "waves: [\"100%\"]\n")
                + "state: {store: zookeeper, zookeeper: \"" + connect + "\"" + (extra == null ? "" : ", " + extra)
                + "}\n";
        Path plan = tmp.resolve(name + (extra == null ? "" : "-" + Integer.toHexString(extra.hashCode())) + ".yaml");
        Files.writeString(plan, text);
        return plan;
    }

    ZooKeeper rawClient() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(cluster.zookeeperConnect(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertTrue(connected.await(10, TimeUnit.SECONDS));
        toClose.add(zk::close);
        return zk;
    }
}
