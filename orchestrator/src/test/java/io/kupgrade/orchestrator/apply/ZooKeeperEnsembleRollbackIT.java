package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.ZooKeeperInspector;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RollbackOutcome;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.zookeeper.EnsembleHealth;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code kupgrade rollback} of a ZooKeeper ensemble roll on real processes: 3 servers under 3 ZooKeeper-mode 3.8.1
 * brokers, an acks=all numbered load the whole time. The plan's {@code zookeeperEnsemble} raises
 * {@code maxClientCnxns} and switches every server's binaries to those of Kafka 3.9.2 ({@code bin/switch-version};
 * both bundle ZooKeeper 3.8.4), with {@code rollback.install} switching back to 3.8.1. The roll runs, then
 * {@code rollback} without {@code --phase} (no broker phase was applied, so the ensemble is what is left). One
 * cluster for the class; the tests run in order and build on each other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZooKeeperEnsembleRollbackIT {
    static final String TOPIC = "zk-rollback";
    static SandboxCluster cluster;
    static Path plan;
    static Path state;
    static NumberedLoad load;
    static final Map<Integer, byte[]> zooCfgBefore = new LinkedHashMap<>();
    static final Map<Integer, Long> pidsAfterRoll = new LinkedHashMap<>();
    static Map<Integer, Long> brokerEpochsBefore;
    static int leaderAfterRoll;
    static long nanos;

    @BeforeAll
    static void start() throws IOException {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("3.8.1").extraVersions("3.9.2").brokers(3).racks(3)
                .zookeeperEnsemble(3).build());
        System.out.printf("zk ensemble x3 + 3.8.1 x3 up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        Path dir = Files.createTempDirectory("kupgrade-zk-rollback-it");
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        plan = dir.resolve("ensemble.yaml");
        Files.writeString(plan, Files.readString(sandboxPlan) + ensembleSection());
        state = dir.resolve("state");
        for (SandboxZooKeeper z : cluster.zookeepers()) {
            zooCfgBefore.put(z.id(), Files.readAllBytes(z.configFile()));
        }
        load = NumberedLoad.start(cluster.bootstrapServers(), TOPIC, 100);
        cluster.awaitZooKeeperQuorum(Duration.ofMinutes(2));
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
        return ItSupport.ensembleSection(cluster, "  set:\n    maxClientCnxns: 500\n"
                + "  install: \"{dir}/bin/switch-version 3.9.2\"\n"
                + "  rollback:\n    install: \"{dir}/bin/switch-version 3.8.1\"\n");
    }

    static RollbackRequest rollbackRequest() {
        return new RollbackRequest(plan, null, null, false, true, state);
    }

    static List<JournalEntry> ensembleEntries() {
        return ItSupport.journal(state, cluster.name()).stream()
                .filter(e -> ZooKeeperEnsembleSpec.PHASE_NAME.equals(e.phase())).toList();
    }

    static String runningVersion(SandboxZooKeeper z) throws IOException {
        return Files.readString(z.dir().resolve("run").resolve("version")).trim();
    }

    @Test
    @Order(1)
    void theRollChangesEveryZooCfgAndBinary() throws IOException {
        long t = System.nanoTime();
        RollOutcome o = new ApplyService().apply(new ApplyRequest(plan, new Selection(ZooKeeperEnsembleSpec.PHASE_NAME,
                null), true, state), ItSupport.printer("zk-roll"), RollRunner.Confirmer.NEVER, () -> false);
        nanos += System.nanoTime() - t;

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        for (SandboxZooKeeper z : cluster.zookeepers()) {
            assertTrue(Files.readString(z.configFile()).contains("maxClientCnxns=500"), "server " + z.id());
            assertEquals("3.9.2", runningVersion(z), "server " + z.id() + " runs the switched binaries");
            pidsAfterRoll.put(z.id(), cluster.zookeeperPid(z.id()).orElseThrow());
        }
        leaderAfterRoll = cluster.zookeeperLeader().orElseThrow();
    }

    @Test
    @Order(2)
    void theDryRunListsEveryServerWithItsZooCfgDiffAndTheLeaderLast() {
        DryRun dry = new RollbackService().dryRun(rollbackRequest());

        assertNull(dry.nothingToDo());
        List<DryRun.Step> configs = dry.steps().stream().filter(s -> s.step().equals("rollback-config")).toList();
        assertEquals(3, configs.size(), dry.steps().toString());
        configs.forEach(c -> assertEquals(List.of(new DryRun.ConfigChange("maxClientCnxns", "500", "0", true)),
                c.configChanges(), c.wave()));
        assertEquals("server-" + leaderAfterRoll, configs.get(2).wave(), "the leader last");
        assertTrue(dry.steps().stream().anyMatch(s -> s.step().equals("rollback-install")
                && s.command().endsWith("/bin/switch-version 3.8.1")), dry.steps().toString());
        cluster.zookeepers().forEach(z -> assertEquals(pidsAfterRoll.get(z.id()),
                cluster.zookeeperPid(z.id()).orElseThrow(), "the dry run touched nothing"));
    }

    @Test
    @Order(3)
    void rollbackRestoresTheEnsembleFollowersFirstAndTheLeaderLast() {
        long t = System.nanoTime();
        RollbackOutcome o = new RollbackService().rollback(rollbackRequest(), ItSupport.printer("zk-rollback"),
                RollRunner.Confirmer.NEVER, () -> false);
        nanos += System.nanoTime() - t;
        System.out.printf("rollback: %s in %.1f s%n", o.message(), (System.nanoTime() - t) / 1e9);

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertEquals(ZooKeeperEnsembleSpec.PHASE_NAME, o.phase());
        assertEquals(3, o.restored().size(), o.restored().toString());
        assertEquals(leaderAfterRoll, o.restored().get(2), "the leader at the start of the rollback last");
        List<String> roles = ItSupport.succeeded(ensembleEntries(), "rollback-pre-stop-gates").stream()
                .map(e -> e.details().get("role")).toList();
        assertEquals(List.of("follower", "follower", "leader"), roles, "as the pre-stop gates saw them");
        // the ZooKeeper version srvr reported before the roll's stop, checked again after the rollback's start
        // (Kafka 3.8.1 and 3.9.2 both bundle ZooKeeper 3.8.4)
        assertEquals(List.of("3.8.4", "3.8.4", "3.8.4"), ItSupport.succeeded(ensembleEntries(), "pre-stop-gates")
                .stream().map(e -> e.details().get("version")).toList());
        assertEquals(List.of("3.8.4", "3.8.4", "3.8.4"), ItSupport.succeeded(ensembleEntries(),
                "rollback-post-start-gates").stream().map(e -> e.details().get("version")).toList());
    }

    @Test
    @Order(4)
    void everyServerHasItsPreRollZooCfgByteForByteAndItsBinariesBack() throws IOException {
        for (SandboxZooKeeper z : cluster.zookeepers()) {
            assertArrayEquals(zooCfgBefore.get(z.id()), Files.readAllBytes(z.configFile()), "server " + z.id());
            assertEquals("3.8.1", runningVersion(z), "server " + z.id() + " runs its previous binaries");
            try (Stream<Path> files = Files.list(z.configFile().getParent())) {
                List<Path> kept = files.filter(f -> f.getFileName().toString()
                        .startsWith("zoo.cfg.kupgrade-zookeeper-ensemble-rollback-")).toList();
                assertEquals(1, kept.size(), "the replaced file kept beside zoo.cfg of server " + z.id());
                assertTrue(Files.readString(kept.get(0)).contains("maxClientCnxns=500"));
            }
        }
    }

    @Test
    @Order(5)
    void everyServerWasRestartedOnceAndTheQuorumIsHealthyWithTheBrokersSessionsKept() {
        for (SandboxZooKeeper z : cluster.zookeepers()) {
            assertNotEquals(pidsAfterRoll.get(z.id()), cluster.zookeeperPid(z.id()).orElseThrow(), "server " + z.id());
            long stops = ensembleEntries().stream().filter(e -> ("server-" + z.id()).equals(e.wave())
                    && e.step().equals("rollback-stop") && e.event().equals("succeeded")
                    && "stop command sent".equals(e.details().get("summary"))).count();
            assertEquals(1, stops, "server " + z.id() + " stopped once by the rollback");
        }
        FourLetterWordProbe probe = new FourLetterWordProbe(Duration.ofSeconds(5));
        ZooKeeperEnsembleSpec spec = PlanParser.parse(plan).zookeeperEnsemble();
        Map<Integer, ServerState> states = spec.servers().stream()
                .collect(Collectors.toMap(ZooKeeperEnsembleSpec.ZooKeeperServerSpec::id, probe::read));
        EnsembleHealth.Verdict v = EnsembleHealth.of(spec.servers(), states);
        assertTrue(v.healthy(), v.reason());
        try (ZooKeeperInspector zk = new ZooKeeperInspector(cluster.zookeeperConnect(), Duration.ofSeconds(10))) {
            assertTrue(zk.controller().isPresent(), "a Kafka controller is registered");
            // an unchanged czxid of the ephemeral registration znode: the broker's session survived roll and rollback
            assertEquals(brokerEpochsBefore, zk.brokerEpochs(), "every broker kept its ZooKeeper session");
        }
    }

    @Test
    @Order(6)
    void applyWouldRollTheEnsembleAgain() {
        DryRun again = new ApplyService().dryRun(new ApplyRequest(plan, new Selection(ZooKeeperEnsembleSpec.PHASE_NAME,
                null), true, state));

        assertNull(again.nothingToDo(), "not 'already rolled'");
        assertEquals(3, again.steps().stream().filter(s -> s.step().equals("edit-config")).count());
        assertTrue(new RollbackService().dryRun(rollbackRequest()).nothingToDo() != null, "nothing left to roll back");
    }

    @Test
    @Order(7)
    void theProducerLostNothingAcknowledged() {
        LoadResult produced = load.stop();
        Verification v = Verifier.verify(cluster.bootstrapServers(), TOPIC, produced.acked());

        System.out.printf("load: %d sent, %d acked, %d failed; %s; roll + rollback wall time %.1f s%n",
                produced.sent(), produced.ackedCount(), produced.failed(), v, nanos / 1e9);
        assertTrue(produced.ackedCount() > 500, "the load ran the whole time: " + produced.ackedCount());
        assertEquals(0, v.lost(), v.toString());
    }
}
