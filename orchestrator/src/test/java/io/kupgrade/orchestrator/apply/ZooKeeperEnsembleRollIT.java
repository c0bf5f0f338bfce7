package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.ZooKeeperInspector;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.pause.ClusterPausedException;
import io.kupgrade.orchestrator.pause.PauseService;
import io.kupgrade.orchestrator.zookeeper.EnsembleHealth;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoll;
import io.kupgrade.orchestrator.zookeeper.FourLetterWordProbe;
import io.kupgrade.orchestrator.zookeeper.ServerState;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import io.kupgrade.sandbox.SandboxZooKeeper;
import io.kupgrade.sandbox.load.LoadResult;
import io.kupgrade.sandbox.load.NumberedLoad;
import io.kupgrade.sandbox.load.Verification;
import io.kupgrade.sandbox.load.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The ZooKeeper ensemble roll on real processes: a 3-server ensemble under 3 ZooKeeper-mode 3.8.1 brokers, an
 * acks=all numbered load the whole time, and a plan whose {@code zookeeperEnsemble} raises {@code maxClientCnxns}
 * in every {@code zoo.cfg}. One cluster for the class; the tests run in order and build on each other: an operator's
 * {@code kupgrade pause} stops the roll after its first server, {@code resume} and apply again finish it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZooKeeperEnsembleRollIT {
    static final String TOPIC = "zk-roll";
    static SandboxCluster cluster;
    static Path plan;
    static Path state;
    static NumberedLoad load;
    static int leaderBefore;
    static final Map<Integer, Long> pidsBefore = new LinkedHashMap<>();
    static Map<Integer, Long> brokerEpochsBefore;
    static long rollNanos;

    @BeforeAll
    static void start() throws IOException {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("3.8.1").brokers(3).racks(3)
                .zookeeperEnsemble(3).build());
        System.out.printf("zk ensemble x3 + 3.8.1 x3 up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        Path dir = Files.createTempDirectory("kupgrade-zk-ensemble-it");
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        plan = dir.resolve("ensemble.yaml");
        Files.writeString(plan, Files.readString(sandboxPlan) + ensembleSection());
        state = dir.resolve("state");
        load = NumberedLoad.start(cluster.bootstrapServers(), TOPIC, 100);
        cluster.awaitZooKeeperQuorum(Duration.ofMinutes(2));
        leaderBefore = cluster.zookeeperLeader().orElseThrow();
        for (SandboxZooKeeper z : cluster.zookeepers()) {
            pidsBefore.put(z.id(), cluster.zookeeperPid(z.id()).orElseThrow());
        }
        try (ZooKeeperInspector zk = new ZooKeeperInspector(cluster.zookeeperConnect(), Duration.ofSeconds(10))) {
            brokerEpochsBefore = zk.brokerEpochs();
        }
        assertEquals(3, brokerEpochsBefore.size(), "every broker registered: " + brokerEpochsBefore);
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

    static String ensembleSection() {
        return ItSupport.ensembleSection(cluster, "  set:\n    maxClientCnxns: 500\n");
    }

    static RollOutcome apply(Selection selection) {
        return apply(selection, ItSupport.printer("zk"));
    }

    static RollOutcome apply(Selection selection, ProgressEvent.Listener listener) {
        long t = System.nanoTime();
        RollOutcome o = new ApplyService().apply(new ApplyRequest(plan, selection, true, state),
                listener, RollRunner.Confirmer.NEVER, () -> false);
        rollNanos += System.nanoTime() - t;
        System.out.println(DemoRunner.summaryTable(o.brokers()));
        return o;
    }

    static List<JournalEntry> ensembleEntries() {
        return ItSupport.journal(state, cluster.name()).stream()
                .filter(e -> ZooKeeperEnsembleSpec.PHASE_NAME.equals(e.phase())).toList();
    }

    @Test
    @Order(1)
    void aBrokerCanaryIsRefusedWhileTheEnsembleIsNotRolled() {
        RunRefusedException e = assertThrows(RunRefusedException.class,
                () -> apply(new Selection(null, "canary")));

        assertTrue(e.getMessage().contains("--phase zookeeper-ensemble"), e.getMessage());
        assertEquals(List.of(), ensembleEntries());
        cluster.zookeepers().forEach(z -> assertEquals(pidsBefore.get(z.id()),
                cluster.zookeeperPid(z.id()).orElseThrow(), "server " + z.id() + " untouched"));
    }

    @Test
    @Order(2)
    void aPauseSetDuringTheFirstServerStopsTheRollBeforeTheNextServerIsStopped() {
        ProgressEvent.Listener printer = ItSupport.printer("zk");
        ProgressEvent.Listener operatorPausesAfterTheFirstServer = e -> {
            printer.onEvent(e);
            if (e.type() == ProgressEvent.Type.STEP_SUCCEEDED && "server-done".equals(e.step())) {
                new PauseService().pause(plan, state, "consumers lagging");
            }
        };

        RollOutcome o = apply(new Selection(ZooKeeperEnsembleSpec.PHASE_NAME, null), operatorPausesAfterTheFirstServer);

        assertEquals(OutcomeKind.HALTED, o.kind(), o.message());
        assertTrue(o.message().startsWith("paused before the next ZooKeeper server's stop (paused by "), o.message());
        assertTrue(o.message().contains("consumers lagging") && o.message().contains("Run kupgrade resume"),
                o.message());
        List<JournalEntry> journal = ItSupport.journal(state, cluster.name());
        JournalEntry last = journal.get(journal.size() - 1);
        assertEquals(List.of("run", "paused"), List.of(last.step(), last.event()));
        List<Integer> order = new EnsembleRoll(PlanParser.parse(plan).zookeeperEnsemble()).finishedOrder(journal);
        assertEquals(1, order.size(), "one server rolled: " + order);
        assertNotEquals(leaderBefore, order.get(0), "a follower first");
        for (SandboxZooKeeper z : cluster.zookeepers()) {
            assertTrue(cluster.isZooKeeperRunning(z.id()), "server " + z.id() + " running: none left stopped");
            if (z.id() != order.get(0)) {
                assertEquals(pidsBefore.get(z.id()), cluster.zookeeperPid(z.id()).orElseThrow(),
                        "server " + z.id() + " untouched");
            }
        }
        ClusterPausedException refused = assertThrows(ClusterPausedException.class,
                () -> apply(new Selection(ZooKeeperEnsembleSpec.PHASE_NAME, null)));
        assertTrue(refused.getMessage().contains("kupgrade resume"), refused.getMessage());
    }

    @Test
    @Order(3)
    void afterResumeTheEnsembleRollsOnFollowersFirstAndTheLeaderLast() {
        new PauseService().resume(plan, state);

        RollOutcome o = apply(new Selection(ZooKeeperEnsembleSpec.PHASE_NAME, null));

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        List<JournalEntry> entries = ensembleEntries();
        List<Integer> order = new EnsembleRoll(PlanParser.parse(plan).zookeeperEnsemble()).finishedOrder(
                ItSupport.journal(state, cluster.name()));
        assertEquals(3, order.size(), "every server rolled once: " + order);
        assertEquals(leaderBefore, order.get(2), "the leader of the start rolled last: " + order);
        List<String> roles = ItSupport.succeeded(entries, "pre-stop-gates").stream()
                .map(e -> e.details().get("role")).toList();
        assertEquals(List.of("follower", "follower", "leader"), roles, "as the pre-stop gates saw them");
        assertEquals(2, o.brokers().size(), "this run rolled the two servers left");
    }

    @Test
    @Order(4)
    void everyServerRunsANewProcessWithTheEditedZooCfgAndABackup() throws IOException {
        for (SandboxZooKeeper z : cluster.zookeepers()) {
            long pid = cluster.zookeeperPid(z.id()).orElseThrow();
            assertNotEquals(pidsBefore.get(z.id()), pid, "server " + z.id() + " restarted");
            assertTrue(Files.readString(z.configFile()).contains("maxClientCnxns=500"), "server " + z.id());
            try (Stream<Path> files = Files.list(z.configFile().getParent())) {
                List<Path> backups = files.filter(f -> f.getFileName().toString()
                        .startsWith("zoo.cfg.kupgrade-zookeeper-ensemble-")).toList();
                assertEquals(1, backups.size(), "one backup beside zoo.cfg of server " + z.id());
                assertTrue(Files.readString(backups.get(0)).contains("maxClientCnxns=0"), "the previous file");
            }
        }
    }

    @Test
    @Order(5)
    void theEnsembleIsHealthyAndTheBrokersKeptTheirSessionsAndController() {
        FourLetterWordProbe probe = new FourLetterWordProbe(Duration.ofSeconds(5));
        ZooKeeperEnsembleSpec spec = PlanParser.parse(plan).zookeeperEnsemble();
        Map<Integer, ServerState> states = spec.servers().stream()
                .collect(Collectors.toMap(ZooKeeperEnsembleSpec.ZooKeeperServerSpec::id, probe::read));
        EnsembleHealth.Verdict v = EnsembleHealth.of(spec.servers(), states);

        assertTrue(v.healthy(), v.reason());
        assertNotEquals(OptionalInt.of(leaderBefore), v.leader(), "the old leader's restart elected another");
        try (ZooKeeperInspector zk = new ZooKeeperInspector(cluster.zookeeperConnect(), Duration.ofSeconds(10))) {
            assertTrue(zk.controller().isPresent(), "a Kafka controller is registered");
            // the registration znode of a broker is ephemeral: an unchanged czxid means its session survived
            assertEquals(brokerEpochsBefore, zk.brokerEpochs(), "every broker kept its ZooKeeper session");
        }
    }

    @Test
    @Order(6)
    void rollingAgainDoesNothing() {
        Map<Integer, Long> pids = new LinkedHashMap<>();
        cluster.zookeepers().forEach(z -> pids.put(z.id(), cluster.zookeeperPid(z.id()).orElseThrow()));

        RollOutcome o = apply(new Selection(ZooKeeperEnsembleSpec.PHASE_NAME, null));

        assertEquals(OutcomeKind.DONE, o.kind());
        assertTrue(o.message().startsWith("nothing to do"), o.message());
        cluster.zookeepers().forEach(z -> assertEquals(pids.get(z.id()), cluster.zookeeperPid(z.id()).orElseThrow()));
    }

    @Test
    @Order(7)
    void theProducerLostNothingAcknowledged() {
        LoadResult produced = load.stop();
        Verification v = Verifier.verify(cluster.bootstrapServers(), TOPIC, produced.acked());

        System.out.printf("load: %d sent, %d acked, %d failed; %s; ensemble roll wall time %.1f s%n",
                produced.sent(), produced.ackedCount(), produced.failed(), v, rollNanos / 1e9);
        assertTrue(produced.ackedCount() > 500, "the load ran the whole time: " + produced.ackedCount());
        assertEquals(0, v.lost(), v.toString());
    }
}
