package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.AdminClusterReader;
import io.kupgrade.gates.ZooKeeperInspector;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fault matrix (issue 6), "a gate that flaps does not let a restart through", on a real 3-broker ZooKeeper-mode
 * 3.9.2 cluster. The topic {@code flap} (RF 3) has its {@code min.insync.replicas} switched between 2 and 3 on
 * the cluster (incrementalAlterConfigs), so every broker's {@code canStop} passes (2: stopping one leaves 2 in
 * the ISR) and fails (3) by turns, while everything else stays healthy.
 *
 * <p>The switching follows kupgrade's own polls rather than a timer: after each time kupgrade's reader has read
 * the topic's configs, the next value is set, so the reads see 2, 3, 2, 3, ... (the first, apply's start, sees 2:
 * a topic whose min ISR equals its RF when apply starts is refused at once, see Preflight). A timer would alias
 * with the 1 s poll interval (a 300 ms toggle gives runs of 3 passing polls) and make the test pass or fail by
 * chance. And
 * kupgrade's reader re-reads topic configs only every 60 polls by default ({@code
 * AdminClusterReader.DEFAULT_CONFIG_REFRESH_POLLS}): here it re-reads them on every poll, so the flap is seen.
 * The config change itself, and the brokers answering it, are real.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlappingGateIT {
    static final String TOPIC = "flap";
    static final int STABLE_POLLS = 3;
    static SandboxCluster cluster;
    static Path dir;
    static Path state;
    static Path plan;
    static Admin flapper;
    static final ExecutorService SWITCHER = Executors.newSingleThreadExecutor();
    static final AtomicBoolean flapping = new AtomicBoolean();
    static final AtomicInteger configReads = new AtomicInteger();
    static final AtomicInteger switches = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("3.9.2").brokers(3).racks(3)
                .mode(SandboxSpec.Mode.ZOOKEEPER).build());
        System.out.printf("zookeeper sandbox 3.9.2 x3 up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        dir = Files.createTempDirectory("kupgrade-flapping-it");
        state = dir.resolve("state");
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        String text = Files.readString(sandboxPlan);
        plan = dir.resolve("restart.yaml");
        Files.writeString(plan, text.substring(0, text.indexOf("\nwaves:") + 1)
                + "waves: [1, \"100%\"]\n"
                + "gates: {pollInterval: 1s, timeout: 15s, stablePolls: " + STABLE_POLLS + "}\n"
                + "phases:\n  - name: restart\n    set: {log.retention.check.interval.ms: \"300001\"}\n");
        flapper = Admin.create(cluster.adminConfig());
        flapper.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all().get(60, TimeUnit.SECONDS);
        cluster.awaitTopic(TOPIC, 3, Duration.ofSeconds(60));
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        flapping.set(false);
        SWITCHER.shutdownNow();
        if (flapper != null) {
            flapper.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aFlappingCanStopHaltsTheRunWithoutStoppingAnyBroker() throws Exception {
        Map<String, Long> pids = cluster.processIds();
        setMinIsr(2);
        flapping.set(true);

        RollOutcome o = new ApplyService(flappingEnvironment()).apply(new ApplyRequest(plan,
                new Selection(null, "all"), true, state), ItSupport.printer("flap"), RollRunner.Confirmer.NEVER,
                () -> false);
        flapping.set(false);
        System.out.printf("flapping: %d config reads by kupgrade, %d switches of min.insync.replicas%n",
                configReads.get(), switches.get());

        assertEquals(OutcomeKind.HALTED, o.kind(), o.message());
        assertTrue(o.message().contains("pre-stop-gates"), o.message());
        assertTrue(o.message().contains("the gates flapped: they never passed " + STABLE_POLLS + " polls in a row"),
                o.message());
        assertTrue(o.message().matches("(?s).*failing in between: canStop\\(\\d\\) on \\d+ of \\d+ polls;.*"),
                "names the gate, and only that one: " + o.message());
        assertTrue(o.message().contains("would leave 3 partitions under min ISR: flap-"), o.message());
        assertTrue(switches.get() >= 8, "the gate really flapped: " + switches.get() + " switches");
        assertEquals(pids, cluster.processIds(), "no broker (nor ZooKeeper) was restarted");
        assertEquals(List.of(), journal().stream().filter(e -> "stop".equals(e.step())).toList(),
                "no stop in the journal");
        // the cluster as it was found: every broker up, every partition fully replicated
        setMinIsr(2);
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(30));
        for (int id = 1; id <= 3; id++) {
            assertTrue(cluster.isRunning(id), "broker " + id);
        }
    }

    @Test
    @Order(2)
    void onceTheFlappingStopsTheNextApplyCompletes() throws Exception {
        Map<String, Long> before = cluster.processIds();

        RollOutcome o = new ApplyService().apply(new ApplyRequest(plan, new Selection(null, "all"), true, state),
                ItSupport.printer("flap"), RollRunner.Confirmer.NEVER, () -> false);

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        Map<String, Long> after = cluster.processIds();
        for (int id = 1; id <= 3; id++) {
            assertNotEquals(before.get("broker-" + id), after.get("broker-" + id), "broker " + id + " restarted");
        }
        assertEquals(3, journal().stream().filter(e -> "stop".equals(e.step()) && "succeeded".equals(e.event()))
                .count());
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(60));
    }

    // ---------------------------------------------------------------- helpers

    static List<JournalEntry> journal() {
        return ItSupport.journal(state, cluster.name());
    }

    static void setMinIsr(int value) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
        flapper.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry("min.insync.replicas", Integer.toString(value)), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
    }

    /**
     * The standard environment, whose cluster reader re-reads topic configs on every poll and, each time it has
     * read the flapping topic's, switches min.insync.replicas for the next poll: the n-th read sees 2 when n is
     * odd, 3 when it is even.
     */
    static ApplyEnvironment flappingEnvironment() {
        ApplyEnvironment standard = ApplyEnvironment.standard();
        return new ApplyEnvironment(standard.executors(), spec -> {
            Admin admin = new ForwardingAdmin(cluster.adminConfig()) {
                @Override
                public DescribeConfigsResult describeConfigs(Collection<ConfigResource> resources,
                                                             DescribeConfigsOptions options) {
                    DescribeConfigsResult r = super.describeConfigs(resources, options);
                    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
                    if (flapping.get() && r.values().containsKey(topic)) {
                        r.values().get(topic).whenComplete((config, error) -> {
                            int next = configReads.incrementAndGet() + 1;
                            SWITCHER.execute(() -> switchTo(next % 2 == 0 ? 3 : 2));
                        });
                    }
                    return r;
                }
            };
            return new AdminClusterReader(admin, Clock.systemUTC(), AdminClusterReader.DEFAULT_READ_TIMEOUT, 1)
                    .withZooKeeper(new ZooKeeperInspector(spec.zookeeper(), Duration.ofSeconds(5)));
        }, standard.clock(), standard.sleeper());
    }

    static void switchTo(int minIsr) {
        if (!flapping.get()) {
            return;
        }
        try {
            setMinIsr(minIsr);
            switches.incrementAndGet();
        } catch (Exception e) {
            System.out.println("flapping: switching min.insync.replicas to " + minIsr + " failed: " + e);
        }
    }
}
