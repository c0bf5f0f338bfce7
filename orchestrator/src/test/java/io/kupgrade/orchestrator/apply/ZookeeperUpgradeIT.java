package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.Wave;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The mission's proof in ZooKeeper mode (issue 5 "Done when"): a 5-broker 3.8.1 cluster on 3 racks is upgraded
 * to 3.9.2 by a two-phase plan (binaries with IBP pinned to 3.8, then IBP 3.9), waves [1, 3, "100%"], while an
 * acks=all idempotent producer writes the whole time: canary first, then an apply killed (SIGKILL, separate
 * JVM) while a broker is down, then an apply that resumes and finishes. One cluster for the class; the tests
 * run in order and build on each other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZookeeperUpgradeIT {
    static final String TOPIC = "orders";
    static SandboxCluster cluster;
    static Path dir;
    static Path plan;
    static Path state;
    static NumberedLoad load;
    static final Map<String, Integer> controllerAtPhaseStart = new ConcurrentHashMap<>();
    static final List<RollOutcome> outcomes = new ArrayList<>();
    static long rollNanos;

    @BeforeAll
    static void start() throws IOException {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("3.8.1").extraVersions("3.9.2").brokers(5)
                .racks(3).mode(SandboxSpec.Mode.ZOOKEEPER).build());
        System.out.printf("zk sandbox 3.8.1 x5 up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        dir = Files.createTempDirectory("kupgrade-zk-it");
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        plan = dir.resolve("upgrade.yaml");
        Files.writeString(plan, DemoPlans.zookeeperUpgrade(Files.readString(sandboxPlan), "3.9.2", "3.8", "3.9"));
        state = dir.resolve("state");
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

    /** Records the active controller when a phase starts (ZooKeeper mode: describeCluster's answer is right). */
    static ProgressEvent.Listener listener(String prefix) {
        ProgressEvent.Listener print = ItSupport.printer(prefix);
        return e -> {
            print.onEvent(e);
            if (e.type() == ProgressEvent.Type.STEP_STARTED && "phase-start".equals(e.step())) {
                try (Admin admin = Admin.create(cluster.adminConfig())) {
                    controllerAtPhaseStart.put(e.phase(),
                            admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id());
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }
        };
    }

    static RollOutcome apply(String wave) {
        long t = System.nanoTime();
        RollOutcome o = new ApplyService().apply(new ApplyRequest(plan, new Selection(null, wave), true, state),
                listener(wave), RollRunner.Confirmer.NEVER, () -> false);
        rollNanos += System.nanoTime() - t;
        outcomes.add(o);
        System.out.println(DemoRunner.summaryTable(o.brokers()));
        return o;
    }

    static List<JournalEntry> journal() {
        return ItSupport.journal(state, cluster.name());
    }

    /**
     * kupgrade's own time: the gaps between one step's outcome and the next step's start (deciding, journaling
     * with fsync, reading the journal back), as opposed to time spent in commands and waits.
     */
    static void printOverhead(List<JournalEntry> entries) {
        long gaps = 0;
        long total = 0;
        for (int i = 1; i < entries.size(); i++) {
            JournalEntry prev = entries.get(i - 1);
            JournalEntry next = entries.get(i);
            if ("run".equals(next.step()) && "started".equals(next.event())) {
                continue;
            }
            long ms = Duration.between(prev.at(), next.at()).toMillis();
            total += ms;
            if (!"started".equals(prev.event()) && !"run".equals(prev.step())) {
                gaps += ms;
            }
        }
        System.out.printf("journal: %d entries, %.1f s journaled, of which %.1f s between steps (kupgrade's own)%n",
                entries.size(), total / 1000.0, gaps / 1000.0);
    }

    @Test
    @Order(1)
    void dryRunShowsTheCanarysExactStepsAndTouchesNothing() {
        DryRun dry = new ApplyService().dryRun(new ApplyRequest(plan, new Selection(null, "canary"), false, state));

        List<String> steps = dry.steps().stream().map(DryRun.Step::step).toList();
        // restore-leaders: rollout.leaders.electPreferred is on by default
        assertEquals(List.of("phase-start", "pre-stop-gates", "stop", "await-exit", "install", "edit-config", "start",
                "post-start-gates", "restore-leaders", "broker-done", "wave-done"), steps);
        DryRun.Step install = dry.steps().get(4);
        assertTrue(install.command().endsWith("/bin/switch-version 3.9.2"), install.command());
        assertTrue(install.command().contains("broker-" + install.brokerId()), "placeholders replaced");
        DryRun.Step edit = dry.steps().get(5);
        assertEquals(List.of(new DryRun.ConfigChange("inter.broker.protocol.version", null, "3.8", true)),
                edit.configChanges(), "read from the broker's real server.properties");
        assertTrue(dry.steps().get(7).gates().contains("backInAllIsrs(" + edit.brokerId() + ")"));
        assertFalse(Files.exists(state), "a dry run writes no journal and takes no lock");
    }

    @Test
    @Order(2)
    void canaryRollsExactlyOneBrokerAndStops() {
        RollOutcome o = apply("canary");

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertFalse(o.planDone());
        List<JournalEntry> done = ItSupport.succeeded(journal(), "broker-done");
        assertEquals(1, done.size());
        int canary = done.get(0).brokerId();
        for (SandboxStatus.BrokerStatus b : cluster.status().brokers()) {
            String expected = b.broker().id() == canary ? "3.9.2" : "3.8.1";
            assertEquals(expected, cluster.reportedVersion(b.broker().id()), "broker " + b.broker().id());
        }
        assertEquals(1, o.brokers().size());
    }

    @Test
    @Order(3)
    void applyKilledWhileABrokerIsDownResumesAndFinishes() throws Exception {
        Path log = dir.resolve("killed-apply.log");
        Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ApplyProcess.class.getName(), plan.toString(), state.toString(), "all")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        JournalEntry down;
        try {
            // kill it while the first wave-2 broker is shutting down: stop sent, broker-done far away
            down = ItSupport.awaitEntry(state, cluster.name(), e -> "binaries".equals(e.phase())
                    && "wave-2".equals(e.wave()) && "await-exit".equals(e.step()) && "started".equals(e.event()),
                    Duration.ofMinutes(3), killed);
        } finally {
            killed.destroyForcibly();
            killed.waitFor(30, TimeUnit.SECONDS);
        }
        System.out.println("killed apply (SIGKILL) during await-exit of broker " + down.brokerId());
        int killedBroker = down.brokerId();

        RollOutcome o = apply("all");

        assertEquals(OutcomeKind.DONE, o.kind(), o.message() + "\n" + Files.readString(log));
        assertTrue(o.planDone());
        List<JournalEntry> entries = journal();
        assertTrue(entries.stream().anyMatch(e -> "probe".equals(e.step()) && "succeeded".equals(e.event())
                && e.brokerId() == killedBroker), "the interrupted broker was probed, then resumed");
        assertEquals(1, entries.stream().filter(e -> "binaries".equals(e.phase()) && "broker-done".equals(e.step())
                && e.brokerId() == killedBroker).count());
    }

    @Test
    @Order(4)
    void everyBrokerRunsTheNewVersionAndProtocolAndEachRolledOncePerPhase() throws IOException {
        for (SandboxStatus.BrokerStatus b : cluster.status().brokers()) {
            int id = b.broker().id();
            String config = Files.readString(b.broker().configFile());
            assertTrue(config.contains("inter.broker.protocol.version=3.9"), "broker " + id + ":\n" + config);
            assertFalse(config.contains("inter.broker.protocol.version=3.8"), "broker " + id);
            assertEquals("3.9.2", b.currentVersion(), "broker " + id + " versions/current");
            assertEquals("3.9.2", cluster.reportedVersion(id), "broker " + id + " app-info version");
        }
        List<JournalEntry> done = ItSupport.succeeded(journal(), "broker-done");
        for (String phase : List.of("binaries", "protocol")) {
            List<Integer> ids = done.stream().filter(e -> phase.equals(e.phase())).map(JournalEntry::brokerId).toList();
            assertEquals(5, ids.size(), phase + ": " + ids);
            assertEquals(5, ids.stream().distinct().count(), phase + ": each broker exactly once: " + ids);
        }
    }

    @Test
    @Order(5)
    void theActiveControllerRolledLastInEachPhase() {
        List<JournalEntry> entries = journal();
        for (String phase : List.of("binaries", "protocol")) {
            Integer controller = controllerAtPhaseStart.get(phase);
            assertNotNull(controller, "phase " + phase + " started in this JVM");
            JournalEntry start = ItSupport.succeeded(entries, "phase-start").stream()
                    .filter(e -> phase.equals(e.phase())).findFirst().orElseThrow();
            List<Wave> layout = Journaling.layoutFrom(start.details(), id -> new BrokerSpec(id, "h", null, null));
            List<BrokerSpec> last = layout.get(layout.size() - 1).brokers();
            assertEquals(controller, last.get(last.size() - 1).id(), phase + " layout " + layout);
            List<Integer> order = ItSupport.succeeded(entries, "broker-done").stream()
                    .filter(e -> phase.equals(e.phase())).map(JournalEntry::brokerId).toList();
            assertEquals(controller, order.get(order.size() - 1), phase + " roll order " + order);
            assertEquals(List.of(1, 3, 1), layout.stream().map(w -> w.brokers().size()).toList(),
                    "waves [1, 3, 100%] of 5 brokers");
        }
    }

    @Test
    @Order(6)
    void theProducerLostNothingAcknowledged() {
        LoadResult produced = load.stop();
        Verification v = Verifier.verify(cluster.bootstrapServers(), TOPIC, produced.acked());

        System.out.printf("load: %d sent, %d acked, %d failed; %s; roll wall time %.1f s%n", produced.sent(),
                produced.ackedCount(), produced.failed(), v, rollNanos / 1e9);
        printOverhead(journal());
        assertTrue(produced.ackedCount() > 1000, "the load ran the whole time: " + produced.ackedCount());
        assertEquals(0, v.lost(), v.toString());
        assertEquals(produced.ackedCount(), v.acked());
    }
}
