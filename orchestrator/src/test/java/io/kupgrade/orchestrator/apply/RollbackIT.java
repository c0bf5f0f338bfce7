package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RollbackOutcome;
import io.kupgrade.orchestrator.engine.RollbackRefusedException;
import io.kupgrade.orchestrator.engine.Rollbacks;
import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import io.kupgrade.sandbox.SandboxStatus;
import io.kupgrade.sandbox.load.LoadResult;
import io.kupgrade.sandbox.load.NumberedLoad;
import io.kupgrade.sandbox.load.Verification;
import io.kupgrade.sandbox.load.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 6 on real brokers: a 3-broker ZooKeeper-mode 3.8.1 cluster (3.9.2 installed beside it) under acks=all
 * load. (a) A canary whose new config makes Kafka refuse to start is reverted (onFailure: revert, the first
 * wave's default): the run ends FAILED, the broker runs its old config, the cluster is healthy. (b) A finished
 * binaries phase (3.8.1 -> 3.9.2, IBP pinned at 3.8) is rolled back: every broker runs 3.8.1 and its previous
 * config again; apply then rolls the phase again. (c) Once the protocol phase touched a broker, rollback is
 * refused without --force and touches nothing. No acknowledged record is lost. One cluster for the class; the
 * tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollbackIT {
    static final String TOPIC = "rollback-orders";
    static SandboxCluster cluster;
    static Path dir;
    static NumberedLoad load;

    @BeforeAll
    static void start() {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("3.8.1").extraVersions("3.9.2").brokers(3)
                .racks(3).mode(SandboxSpec.Mode.ZOOKEEPER).build());
        System.out.printf("zk sandbox 3.8.1 x3 up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        try {
            dir = Files.createTempDirectory("kupgrade-rollback-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        load = NumberedLoad.start(cluster.bootstrapServers(), TOPIC, 100);
    }

    @AfterAll
    static void stop() {
        if (load != null) {
            load.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The sandbox's plan with {@code phases} in place of its own, and a start timeout short enough for a test. */
    static Path plan(String name, String phasesYaml) throws IOException {
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        String text = Files.readString(sandboxPlan);
        text = text.replaceFirst("(?m)^(  isRunning: .*)$", "$1\n  startTimeout: 40s");
        text = text.substring(0, text.indexOf("\nwaves:") + 1) + "waves: [1, \"100%\"]\n"
                + "gates: {pollInterval: 500ms, timeout: 3m, stablePolls: 2}\n" + phasesYaml;
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, text);
        return file;
    }

    static String hostDir() {
        return cluster.status().baseDir().resolve("broker-{broker.id}").toString();
    }

    static Map<Integer, String> configs() throws IOException {
        Map<Integer, String> out = new HashMap<>();
        for (SandboxStatus.BrokerStatus b : cluster.status().brokers()) {
            out.put(b.broker().id(), Files.readString(b.broker().configFile()));
        }
        return out;
    }

    static Map<Integer, OptionalLong> pids() {
        Map<Integer, OptionalLong> out = new HashMap<>();
        for (SandboxStatus.BrokerStatus b : cluster.status().brokers()) {
            out.put(b.broker().id(), b.pid());
        }
        return out;
    }

    static RollOutcome apply(Path plan, Path state, Selection selection) {
        RollOutcome o = new ApplyService().apply(new ApplyRequest(plan, selection, true, state),
                ItSupport.printer("apply"), RollRunner.Confirmer.NEVER, () -> false);
        System.out.println(o.kind() + ": " + o.message());
        return o;
    }

    static RollbackOutcome rollback(Path plan, Path state, String phase, boolean force) {
        RollbackOutcome o = new RollbackService().rollback(new RollbackRequest(plan, phase, null, force, true, state),
                ItSupport.printer("rollback"), RollRunner.Confirmer.NEVER, () -> false);
        System.out.println(o.kind() + ": " + o.message());
        return o;
    }

    @Test
    @Order(0)
    void outsideItsMaintenanceWindowsApplyHaltsBeforeTouchingABroker() throws IOException {
        // a daily window that opens in 2 hours and closes an hour later: closed now, whatever the time of day
        java.time.LocalTime now = java.time.LocalTime.now(java.time.ZoneOffset.UTC);
        String window = String.format("%02d:00-%02d:00", (now.getHour() + 2) % 24, (now.getHour() + 3) % 24);
        Path plan = plan("windowed", "rollout:\n  maintenanceWindows: {timezone: UTC, times: [\"" + window + "\"]}\n"
                + "phases:\n  - name: tuning\n    set: {num.io.threads: \"9\"}\n");
        Path state = dir.resolve("state-w");
        Map<Integer, String> before = configs();
        Map<Integer, OptionalLong> pids = pids();

        RollOutcome o = apply(plan, state, Selection.all());

        assertEquals(OutcomeKind.HALTED, o.kind(), o.message());
        assertTrue(o.message().startsWith("not begun: tuning: phase-start: outside the maintenance windows ("
                + window + " (UTC)); the next opens "), o.message());
        assertEquals(before, configs(), "no config touched");
        assertEquals(pids, pids(), "no broker restarted");
        assertTrue(ItSupport.journal(state, cluster.name()).stream().noneMatch(e -> e.brokerId() != null),
                "nothing journaled for any broker");
    }

    @Test
    @Order(0)
    void aPlanWhoseConfigFileIsAnotherBrokersIsRefusedBeforeAnythingIsTouched() throws IOException {
        // a slip: the config path names broker 1's directory for every broker, so "broker 2" and "broker 3" would
        // be gated as themselves while their edits went to broker 1's file
        Path plan = plan("one-config", "phases:\n  - name: tuning\n    set: {num.io.threads: \"9\"}\n");
        String text = Files.readString(plan);
        String perBroker = "broker-{broker.id}/config/server.properties";
        assertTrue(text.contains(perBroker), text);
        Files.writeString(plan, text.replace(perBroker, "broker-1/config/server.properties"));
        Path state = dir.resolve("state-id");
        Map<Integer, String> before = configs();
        Map<Integer, OptionalLong> pids = pids();

        RunRefusedException e = assertThrows(RunRefusedException.class, () -> apply(plan, state, Selection.all()));

        String file = cluster.status().baseDir().resolve("broker-1/config/server.properties").toString();
        assertTrue(e.getMessage().startsWith("the plan's broker 2 is on " + cluster.status().brokers().get(1).broker()
                .host() + ", but " + file + " there says broker.id=1; the plan's broker 3 is on "), e.getMessage());
        assertTrue(e.getMessage().endsWith("Fix the plan's brokers (id and host) or service.configFile; nothing was"
                + " touched"), e.getMessage());
        assertEquals(before, configs(), "no config touched");
        assertEquals(pids, pids(), "no broker restarted");
        assertTrue(ItSupport.journal(state, cluster.name()).stream().noneMatch(j -> j.brokerId() != null),
                "nothing journaled for any broker");
    }

    @Test
    @Order(0)
    void anIsRunningCommandThatDoesNotSeeTheBrokersIsRefusedBeforeAnythingIsTouched() throws IOException {
        Path plan = plan("typo", "phases:\n  - name: tuning\n    set: {num.io.threads: \"9\"}\n");
        String text = Files.readString(plan);
        assertTrue(text.contains("/bin/is-running\""), text);
        Files.writeString(plan, text.replace("/bin/is-running\"", "/bin/is-runing\""));
        Map<Integer, String> before = configs();
        Map<Integer, OptionalLong> pids = pids();

        RunRefusedException e = assertThrows(RunRefusedException.class,
                () -> apply(plan, dir.resolve("state-typo"), Selection.all()));

        assertTrue(e.getMessage().startsWith("service.isRunning does not say running for registered broker 1: it"
                + " exited 127 (command not found); broker 2: it exited 127 (command not found); broker 3: it exited"
                + " 127 (command not found): the roll judges each stop and start by it"), e.getMessage());
        assertEquals(before, configs(), "no config touched");
        assertEquals(pids, pids(), "no broker restarted");
    }

    @Test
    @Order(0)
    void aProtocolBumpIsRefusedWhileARegisteredBrokerIsMissingFromThePlan() throws IOException {
        Path full = upgradePlan();
        String text = Files.readString(full);
        String third = text.lines().filter(l -> l.startsWith("  - {id: 3,")).findFirst().orElseThrow();
        Path plan = dir.resolve("two-of-three.yaml");
        Files.writeString(plan, text.replace(third + "\n", ""));
        Path state = dir.resolve("state-unlisted");
        Map<Integer, String> before = configs();
        Map<Integer, OptionalLong> pids = pids();

        RunRefusedException e = assertThrows(RunRefusedException.class, () -> apply(plan, state, Selection.all()));

        assertTrue(e.getMessage().startsWith("broker 3 is registered in the cluster but not in the plan's brokers, and"
                + " phase protocol is a point of no return (raises inter.broker.protocol.version from 3.8 to 3.9"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; nothing was touched"), e.getMessage());
        assertEquals(before, configs(), "no config touched");
        assertEquals(pids, pids(), "no broker restarted");
        DryRun dry = new ApplyService().dryRun(new ApplyRequest(plan, Selection.all(), false, state));
        assertTrue(dry.notes().stream().anyMatch(n -> n.startsWith("broker 3 is registered in the cluster but not in"
                + " the plan's brokers") && n.endsWith(": apply refuses to start")), dry.notes().toString());
    }

    @Test
    @Order(0)
    void aTopicWithOneReplicaRefusesTheRunAtOnceInsteadOfAfterTheGateTimeout() throws Exception {
        Path plan = plan("rf1", "phases:\n  - name: tuning\n    set: {num.io.threads: \"9\"}\n");
        Path state = dir.resolve("state-rf1");
        Map<Integer, String> before = configs();
        Map<Integer, OptionalLong> pids = pids();
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.createTopics(List.of(new NewTopic("rf1-scratch", Map.of(0, List.of(2))))).all()
                    .get(30, TimeUnit.SECONDS);
            cluster.awaitTopic("rf1-scratch", 1, Duration.ofSeconds(60));
            try {
                long t = System.nanoTime();

                RollOutcome o = apply(plan, state, Selection.all());

                Duration took = Duration.ofNanos(System.nanoTime() - t);
                assertEquals(OutcomeKind.HALTED, o.kind(), "a state of the cluster, as the gate would have said");
                assertEquals("broker 2 can never pass canStop: it holds replicas of topics that go offline or under"
                        + " min ISR whenever one replica stops: rf1-scratch (RF 1) (kupgrade check: RF1_TOPICS,"
                        + " MIN_ISR_AT_RF). Raise their replication factor or lower their min.insync.replicas first;"
                        + " nothing was touched", o.message());
                assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "at once, not after the gates: " + took);
                assertEquals(before, configs(), "no config touched");
                assertEquals(pids, pids(), "no broker restarted");
            } finally {
                admin.deleteTopics(List.of("rf1-scratch")).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void aCanaryThatCannotStartWithItsNewConfigIsRevertedAndTheRunFails() throws IOException {
        // num.io.threads must be at least 1: Kafka's config validation refuses 0 and the JVM exits at startup
        Path plan = plan("bad-config", "phases:\n  - name: tuning\n    set: {num.io.threads: \"0\"}\n");
        Path state = dir.resolve("state-a");
        Map<Integer, String> before = configs();
        long t = System.nanoTime();

        RollOutcome o = apply(plan, state, Selection.all());

        System.out.printf("fault + revert: %.1f s%n", (System.nanoTime() - t) / 1e9);
        assertEquals(OutcomeKind.FAILED, o.kind(), o.message());
        assertTrue(o.message().contains("Reverted (onFailure: revert)"), o.message());
        assertTrue(o.message().contains("the cluster is healthy"), o.message());
        List<JournalEntry> journal = ItSupport.journal(state, cluster.name());
        JournalEntry marker = journal.stream().filter(e -> Rollbacks.ROLLED_BACK.equals(e.step())).findFirst()
                .orElseThrow();
        int canary = marker.brokerId();
        assertEquals(before, configs(), "broker " + canary + " runs its previous config; no other broker touched");
        assertTrue(journal.stream().noneMatch(e -> "stop".equals(e.step()) && e.brokerId() != canary));
        assertTrue(cluster.status().allRunning());
        assertEquals("3.8.1", cluster.reportedVersion(canary), "the restarted process answers over JMX");
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(30));
    }

    @Test
    @Order(2)
    void rollingBackAFinishedBinariesPhaseReturnsEveryBrokerToTheOldVersionAndConfig() throws IOException {
        Path state = dir.resolve("state-bc");
        Path plan = upgradePlan();
        Map<Integer, String> before = configs();
        RollOutcome applied = apply(plan, state, new Selection("binaries", "all"));
        assertEquals(OutcomeKind.DONE, applied.kind(), applied.message());
        for (SandboxStatus.BrokerStatus b : cluster.status().brokers()) {
            assertEquals("3.9.2", cluster.reportedVersion(b.broker().id()));
        }
        int journaled = ItSupport.journal(state, cluster.name()).size();
        DryRun dry = new RollbackService().dryRun(new RollbackRequest(plan, null, null, false, false, state));
        assertEquals(3 * 8, dry.steps().size(), "7 steps and the marker per broker: " + dry.steps());
        DryRun.Step install = dry.steps().stream().filter(s -> s.step().equals("rollback-install")).findFirst()
                .orElseThrow();
        assertTrue(install.command().endsWith("/bin/switch-version 3.8.1"), install.command());
        DryRun.Step config = dry.steps().stream().filter(s -> s.step().equals("rollback-config")).findFirst()
                .orElseThrow();
        assertEquals(List.of(new DryRun.ConfigChange("inter.broker.protocol.version", "3.8", null, true)),
                config.configChanges(), "read from the broker's file and its backup");
        assertEquals(journaled, ItSupport.journal(state, cluster.name()).size(), "a dry run journals nothing");
        int controller = activeController();
        long t = System.nanoTime();

        RollbackOutcome o = rollback(plan, state, null, false);

        System.out.printf("rollback of 3 brokers: %.1f s%n", (System.nanoTime() - t) / 1e9);
        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertEquals("binaries", o.phase());
        assertEquals(3, o.restored().size());
        List<Integer> rolled = ItSupport.succeeded(ItSupport.journal(state, cluster.name()), "broker-done").stream()
                .map(JournalEntry::brokerId).toList();
        List<Integer> expected = new ArrayList<>(List.of(rolled.get(2), rolled.get(1), rolled.get(0)));
        expected.remove(Integer.valueOf(controller));
        expected.add(controller);
        assertEquals(expected, o.restored(), "the reverse of the roll, the active controller (" + controller
                + ") last: one failover");
        assertEquals(List.of(o.restored().get(0), o.restored().get(1), o.restored().get(2)),
                dry.steps().stream().filter(s -> s.step().equals(Rollbacks.ROLLED_BACK)).map(DryRun.Step::brokerId)
                        .toList(), "the dry run said that order");
        for (SandboxStatus.BrokerStatus b : cluster.status().brokers()) {
            int id = b.broker().id();
            assertEquals("3.8.1", cluster.reportedVersion(id), "broker " + id + " app-info version");
            assertEquals("3.8.1", b.currentVersion(), "broker " + id + " versions/current");
        }
        assertEquals(before, configs(), "every broker's server.properties as before the phase");
    }

    /** ZooKeeper mode: describeCluster's controller is the active one. */
    static int activeController() {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            return admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(3)
    void afterTheProtocolPhaseTouchedABrokerRollbackIsRefusedAndTouchesNothing() throws IOException {
        Path state = dir.resolve("state-bc");
        Path plan = upgradePlan();
        RollOutcome again = apply(plan, state, new Selection("binaries", "all"));
        assertEquals(OutcomeKind.DONE, again.kind(), "apply rolls a rolled-back phase again: " + again.message());
        assertEquals(3, again.brokers().size());
        RollOutcome canary = apply(plan, state, new Selection("protocol", "canary"));
        assertEquals(OutcomeKind.DONE, canary.kind(), canary.message());
        int journaled = ItSupport.journal(state, cluster.name()).size();
        Map<Integer, OptionalLong> pids = pids();
        Map<Integer, String> configs = configs();

        RollbackRefusedException refused = assertThrows(RollbackRefusedException.class,
                () -> rollback(plan, state, null, false));
        RollbackRefusedException beneath = assertThrows(RollbackRefusedException.class,
                () -> rollback(plan, state, "binaries", false));

        System.out.println("refused: " + refused.getMessage());
        assertTrue(refused.getMessage().contains("phase protocol is a point of no return"), refused.getMessage());
        assertTrue(beneath.getMessage().contains("cannot be rolled back beneath it"), beneath.getMessage());
        assertEquals(journaled, ItSupport.journal(state, cluster.name()).size(), "nothing journaled");
        assertEquals(pids, pids(), "no broker restarted");
        assertEquals(configs, configs(), "no config changed");
        assertNotEquals(OptionalLong.empty(), pids.values().iterator().next());
    }

    @Test
    @Order(4)
    void theProducerLostNothingAcknowledged() {
        LoadResult produced = load.stop();
        Verification v = Verifier.verify(cluster.bootstrapServers(), TOPIC, produced.acked());

        System.out.printf("load: %d sent, %d acked, %d failed; %s%n", produced.sent(), produced.ackedCount(),
                produced.failed(), v);
        assertTrue(produced.ackedCount() > 1000, "the load ran the whole time: " + produced.ackedCount());
        assertEquals(0, v.lost(), v.toString());
    }

    /** DemoPlans' two-phase ZooKeeper upgrade, with the binaries phase saying how to switch back. */
    static Path upgradePlan() throws IOException {
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        String text = DemoPlans.zookeeperUpgrade(Files.readString(sandboxPlan), "3.9.2", "3.8", "3.9");
        String install = "    install: \"" + hostDir() + "/bin/switch-version 3.9.2\"\n";
        assertTrue(text.contains(install), text);
        text = text.replace(install, install + "    rollback:\n      install: \"" + hostDir()
                + "/bin/switch-version 3.8.1\"\n");
        text = text.replaceFirst("(?m)^(  isRunning: .*)$", "$1\n  startTimeout: 40s");
        Path file = dir.resolve("upgrade.yaml");
        Files.writeString(file, text);
        return file;
    }
}
