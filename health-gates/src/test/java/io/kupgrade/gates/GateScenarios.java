package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.sandbox.SandboxBroker;
import io.kupgrade.sandbox.SandboxCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The "Done when" on a real 3-broker cluster, shared by the ZooKeeper-mode and KRaft subclasses, which
 * start the cluster in {@code @BeforeAll} and set {@link #cluster}. Tests run in order on that one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class GateScenarios {
    static final Set<Integer> ALL = Set.of(1, 2, 3);
    static final Duration WAIT = Duration.ofMinutes(2);

    static SandboxCluster cluster;
    static AdminClusterReader reader;

    final List<String> progress = new ArrayList<>();

    static void createTopics(NewTopic... topics) throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.createTopics(List.of(topics)).all().get(60, TimeUnit.SECONDS);
        }
    }

    static NewTopic topic(String name, int partitions, int rf, int minIsr) {
        return new NewTopic(name, partitions, (short) rf).configs(Map.of("min.insync.replicas", "" + minIsr));
    }

    static AdminClusterReader reader() {
        if (reader == null) {
            reader = AdminClusterReader.create(new ClusterSpec("it", cluster.bootstrapServers(), null, Map.of(),
                    cluster.zookeeperConnect()));
        }
        return reader;
    }

    @Test
    @Order(10)
    void shouldSeeAMinIsrRaisedDuringTheRollBeforeTheNextStop() throws Exception {
        createTopics(topic("raised", 3, 3, 1));
        await("topic raised visible", List.of(Gates.gate("topics", s -> s.partitions().stream()
                .anyMatch(p -> p.topic().equals("raised"))
                ? GateResult.pass("topics", "", Map.of()) : GateResult.fail("topics", "not yet", Map.of()))));
        reader().refreshCachedConfigs(); // the periodic re-read is 60 reads away: the next read is a cached one

        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "raised"),
                    List.of(new AlterConfigOp(new ConfigEntry("min.insync.replicas", "3"), AlterConfigOp.OpType.SET))))
                    .all().get(60, TimeUnit.SECONDS);
        }
        ClusterSnapshot cached = reader().read();
        // KRaft: the brokers learn the change from the metadata log a moment later
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        boolean changed = false;
        while (!changed && System.nanoTime() < deadline) {
            changed = reader().refreshCachedConfigs();
            Thread.sleep(changed ? 0 : 200);
        }
        ClusterSnapshot fresh = reader().read();

        assertEquals(1, cached.minIsr("raised"), "between refreshes the reader serves its cached configs");
        assertTrue(changed, "a refresh says the cached configs were stale");
        assertEquals(3, fresh.minIsr("raised"));
        GateResult canStop = Gates.canStop(3).evaluate(fresh);
        assertFalse(canStop.passed(), "min ISR 3 = RF: no replica may stop");
        assertTrue(canStop.reason().contains("raised-"), canStop.reason());
        assertFalse(Gates.canStop(3).evaluate(cached).reason().contains("raised-"), "the cached snapshot let it");
        // each broker learns the change from the metadata log on its own: a refresh answered by one that has not
        // yet may still see 1 for a moment; once every broker has it, a refresh reports no change
        long settle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean settled = false;
        while (!settled && System.nanoTime() < settle) {
            settled = !reader().refreshCachedConfigs()
                    && "3".equals(reader().topicConfigs().get("raised").get("min.insync.replicas"));
            Thread.sleep(settled ? 0 : 100);
        }
        assertTrue(settled, "nothing changed since: " + reader().topicConfigs().get("raised"));
        assertEquals(3, reader().read().minIsr("raised"));
    }

    @Test
    @Order(11)
    void shouldSeeATopicCreatedBetweenReadsAndForgetItOnceDeleted() throws Exception {
        // each read describes the topics the previous one listed alongside the listing: a topic created after
        // a read must still appear (described after the listing), and a deleted one must not fail the read
        ClusterSnapshot before = reader().read();
        assertFalse(before.partitions().stream().anyMatch(p -> p.topic().equals("late")));

        createTopics(topic("late", 2, 3, 2));
        ClusterSnapshot withLate = readUntil(s -> s.partitions().stream()
                .filter(p -> p.topic().equals("late") && p.isr().length == 3).count() == 2);
        assertEquals(List.of(0, 1), withLate.partitions().stream().filter(p -> p.topic().equals("late"))
                .map(ClusterSnapshot.PartitionState::partition).sorted().toList());

        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.deleteTopics(List.of("late")).all().get(60, TimeUnit.SECONDS);
        }
        ClusterSnapshot gone = readUntil(s -> s.partitions().stream().noneMatch(p -> p.topic().equals("late")));
        assertTrue(gone.partitions().stream().anyMatch(p -> p.topic().equals("gated")), "the other topics stay");
        assertTrue(Gates.clusterHealthy(ALL).stream().allMatch(g -> g.evaluate(reader().read()).passed()),
                "a read after the deletion is a whole, healthy snapshot");
    }

    @Test
    @Order(12)
    void shouldSeeTheClusterWideDefaultMinIsrRaisedDuringTheRollBeforeTheNextStop() throws Exception {
        // a topic without a min ISR of its own takes the brokers' default; an operator raises it cluster-wide
        createTopics(new NewTopic("defaulted", 2, (short) 3));
        readUntil(s -> s.partitions().stream().filter(p -> p.topic().equals("defaulted") && p.isr().length == 3)
                .count() == 2);
        reader().refreshCachedConfigs();
        int before = reader().read().minIsr("defaulted");
        ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
        alterDefaultMinIsr(clusterDefault, new AlterConfigOp(new ConfigEntry("min.insync.replicas", "3"),
                AlterConfigOp.OpType.SET));
        try {
            // each broker learns it on its own: refresh until the reader sees it
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (reader().read().minIsr("defaulted") != 3 && System.nanoTime() < deadline) {
                reader().refreshCachedConfigs();
                Thread.sleep(200);
            }
            ClusterSnapshot raised = reader().read();

            assertTrue(before < 3, "the default before: " + before);
            assertEquals(3, raised.minIsr("defaulted"));
            GateResult canStop = Gates.canStop(raised.partitions().stream().filter(p -> p.topic()
                    .equals("defaulted")).findFirst().orElseThrow().isr()[0]).evaluate(raised);
            assertFalse(canStop.passed(), "min ISR 3 = RF: no replica may stop");
            assertTrue(canStop.reason().contains("defaulted-"), canStop.reason());
        } finally {
            alterDefaultMinIsr(clusterDefault, new AlterConfigOp(new ConfigEntry("min.insync.replicas", ""),
                    AlterConfigOp.OpType.DELETE));
        }
    }

    @Test
    @Order(13)
    void shouldCountTheHighestDefaultMinIsrWhenTheBrokersDisagree() throws Exception {
        // a roll that changes min.insync.replicas in server.properties leaves the brokers disagreeing until it
        // ends, and a partition's leader applies its own default: one broker's answer is not enough
        ConfigResource broker2 = new ConfigResource(ConfigResource.Type.BROKER, "2");
        alterDefaultMinIsr(broker2, new AlterConfigOp(new ConfigEntry("min.insync.replicas", "2"),
                AlterConfigOp.OpType.SET));
        try (AdminClusterReader fresh = AdminClusterReader.create(new ClusterSpec("it", cluster.bootstrapServers(),
                null, Map.of(), cluster.zookeeperConnect()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            reader().refreshCachedConfigs();
            ClusterSnapshot refreshed = reader().read();
            while (refreshed.minIsr("defaulted") != 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                reader().refreshCachedConfigs();
                refreshed = reader().read();
            }
            ClusterSnapshot first = fresh.read();

            for (ClusterSnapshot s : List.of(refreshed, first)) {
                assertEquals(2, s.minIsr("defaulted"), "broker 2's default counts, whichever broker was asked");
                assertTrue(s.notes().stream().anyMatch(n -> n.contains("default min.insync.replicas differ (1 on"
                        + " brokers 1, 3; 2 on broker 2)")), s.notes().toString());
            }
            GateResult canStop = Gates.canStop(1).evaluate(refreshed);
            assertFalse(canStop.reason().contains("defaulted-"), "RF 3, min ISR 2: one of its replicas may stop; "
                    + canStop.reason());
        } finally {
            alterDefaultMinIsr(broker2, new AlterConfigOp(new ConfigEntry("min.insync.replicas", ""),
                    AlterConfigOp.OpType.DELETE));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        reader().refreshCachedConfigs();
        while (reader().read().minIsr("defaulted") != 1 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            reader().refreshCachedConfigs();
        }
        assertTrue(reader().read().notes().stream().noneMatch(n -> n.contains("differ")), "agreed again");
    }

    private static void alterDefaultMinIsr(ConfigResource resource, AlterConfigOp op) throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** Reads until {@code done} holds (30 s at most); every read must succeed. */
    static ClusterSnapshot readUntil(Predicate<ClusterSnapshot> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ClusterSnapshot s = reader().read();
        while (!done.test(s)) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s; last read: " + s.partitions());
            Thread.sleep(100);
            s = reader().read();
        }
        return s;
    }

    @AfterAll
    static void closeReader() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    WaitResult await(String purpose, List<Gate> gates) throws InterruptedException {
        GateWaiter waiter = new GateWaiter(reader(), Clock.systemUTC(), Sleeper.SYSTEM, Duration.ofMillis(500), WAIT,
                2);
        WaitResult result = waiter.await(purpose, gates, p -> progress.add(p.message()));
        System.err.printf("[gates-it] %s: %s after %d polls, %d ms%n", purpose, result.outcome(), result.polls(),
                result.elapsed().toMillis());
        return result;
    }

    static Gate not(Gate gate) {
        return Gates.gate("not " + gate.name(), s -> {
            GateResult r = gate.evaluate(s);
            return r.passed() ? GateResult.fail("not " + gate.name(), r.reason(), Map.of())
                    : GateResult.pass("not " + gate.name(), r.reason(), Map.of());
        });
    }

    abstract boolean kraft();

    @Test
    @Order(1)
    void shouldPassAllGatesOnHealthyCluster() throws Exception {
        createTopics(topic("gated", 6, 3, 2));
        // a topic just created may not be known yet to the broker asked for its partitions or configs
        await("topic gated visible with its config", List.of(Gates.gate("topics", s -> s.partitions().stream()
                .anyMatch(p -> p.topic().equals("gated")) && !s.minIsrUnknown("gated")
                ? GateResult.pass("topics", "", Map.of()) : GateResult.fail("topics", "not yet", Map.of()))));

        WaitResult result = await("healthy cluster", List.of(Gates.clusterHealthy(ALL).toArray(Gate[]::new)));

        assertTrue(result.passed(), () -> result.failing() + " / " + progress);
        ClusterSnapshot snapshot = reader().read();
        assertEquals(kraft(), snapshot.kraft());
        assertEquals(ALL, snapshot.brokers().keySet());
        assertTrue(snapshot.activeController().isPresent());
        assertEquals(2, snapshot.minIsr("gated"), "min.insync.replicas from the topic config");
        assertEquals(6, snapshot.partitions().stream().filter(p -> p.topic().equals("gated")).count());
        assertTrue(Gates.canStop(3).evaluate(snapshot).passed());
        assertFalse(Gates.canStop(Set.of(2, 3)).evaluate(snapshot).passed(), "two of three replicas, min ISR 2");
        if (kraft()) {
            assertEquals(ALL, snapshot.quorumVoters().keySet());
            assertTrue(snapshot.finalizedFeatures().containsKey("metadata.version"), snapshot.finalizedFeatures()::toString);
        } else {
            assertEquals(Map.of(), snapshot.finalizedFeatures());
            assertEquals(ALL, snapshot.brokerEpochs().keySet(), "broker epochs from ZooKeeper");
        }
    }

    @Test
    @Order(2)
    void shouldRefuseSecondBrokerWhileOneIsStoppedAndPassAgainAfterRestart() throws Exception {
        cluster.stopBroker(3);
        ClusterSnapshot afterExit = reader().read();
        System.err.printf("[gates-it] right after broker 3's process exited: registered=%s epoch=%s lastFetch=%s%n",
                afterExit.registered(3), afterExit.brokerEpoch(3), afterExit.lastMetadataFetchMs(3));

        WaitResult down = await("broker 3 out of the ISRs",
                List.of(Gates.brokerGone(3), not(Gates.noUnderReplicated())));
        assertTrue(down.passed(), () -> down.failing() + " / " + progress);

        ClusterSnapshot stopped = reader().read();
        GateResult urp = Gates.noUnderReplicated().evaluate(stopped);
        assertFalse(urp.passed());
        assertTrue((Integer) urp.evidence().get("underReplicated") >= 6, urp.reason());
        assertFalse(Gates.brokerBackInAllIsrs(3).evaluate(stopped).passed());
        GateResult second = Gates.canStop(2).evaluate(stopped);
        assertFalse(second.passed(), second.reason());
        assertTrue(second.reason().contains("gated-"), second.reason());
        assertFalse(Gates.brokerRejoined(3, afterExit).evaluate(stopped).passed(),
                "no new process yet: " + Gates.brokerRejoined(3, afterExit).evaluate(stopped).reason());
        assertTrue(Gates.noUnderMinIsr().evaluate(stopped).passed(), "ISR 2 of min 2 is not under min ISR");

        cluster.startBroker(3);
        List<Gate> back = new ArrayList<>(Gates.brokerCaughtUp(3));
        back.add(Gates.brokerRejoined(3, afterExit));
        back.addAll(Gates.clusterHealthy(ALL));
        WaitResult rejoined = await("broker 3 to rejoin", back);

        assertTrue(rejoined.passed(), () -> rejoined.failing() + " / " + progress);
        ClusterSnapshot healthy = reader().read();
        assertTrue(Gates.canStop(2).evaluate(healthy).passed());
        if (!kraft()) {
            assertTrue(healthy.brokerEpoch(3).getAsLong() != afterExit.brokerEpoch(3).orElse(-1),
                    "a new ZooKeeper registration");
        }
    }

    @Test
    @Order(5)
    void shouldNotTakeACrashedBrokersLingeringRegistrationForARejoin() throws Exception {
        ProcessHandle broker3 = ProcessHandle.of(cluster.processIds().get("broker-3")).orElseThrow();
        broker3.destroyForcibly(); // a crash: no controlled shutdown, the registration outlives the process
        broker3.onExit().get(30, TimeUnit.SECONDS);
        ClusterSnapshot afterExit = reader().read();
        Thread.sleep(1_000);
        ClusterSnapshot later = reader().read();
        System.err.printf("[gates-it] after a crash of broker 3: registered=%s/%s epoch=%s lastFetch=%s/%s%n",
                afterExit.registered(3), later.registered(3), later.brokerEpoch(3),
                afterExit.lastMetadataFetchMs(3), later.lastMetadataFetchMs(3));

        assertTrue(Gates.brokerRegistered(3).evaluate(afterExit).passed(), "the trap: still listed after exit");
        GateResult rejoined = Gates.brokerRejoined(3, afterExit).evaluate(later);
        assertFalse(rejoined.passed(), rejoined.reason());

        // ZooKeeper mode: a broker started while its crashed predecessor's session lives dies on NodeExists for
        // /brokers/ids/3 (seen here); the old registration must be gone first (session expiry, 18 s by default).
        WaitResult gone = await("broker 3's old registration to expire", List.of(Gates.brokerGone(3)));
        assertTrue(gone.passed(), () -> gone.failing() + " / " + progress);
        cluster.startBroker(3);
        List<Gate> back = new ArrayList<>(Gates.brokerCaughtUp(3));
        back.add(Gates.brokerRejoined(3, afterExit));
        back.addAll(Gates.clusterHealthy(ALL));
        WaitResult result = await("broker 3 to rejoin after a crash", back);
        assertTrue(result.passed(), () -> result.failing() + " / " + progress);
    }

    @Test
    @Order(3)
    void shouldReportRf1AndMinIsrEqualToRfTopicsInLint() throws Exception {
        createTopics(topic("single", 2, 1, 1), topic("tight", 2, 2, 2));
        await("new topics visible", List.of(Gates.gate("topics", s -> s.partitions().stream()
                .anyMatch(p -> p.topic().equals("tight")) ? GateResult.pass("topics", "", Map.of())
                : GateResult.fail("topics", "not yet", Map.of()))));

        HealthReport report = new HealthCheck(reader(), reader(), null).run(
                new HealthCheck.Options(ALL, List.of(), false));

        assertTrue(report.healthy(), report.gates()::toString);
        assertFalse(report.readyToRoll());
        LintFinding rf1 = report.findings().stream().filter(f -> f.code().equals("RF1_TOPICS")).findFirst()
                .orElseThrow(() -> new AssertionError(report.findings() + " notes " + report.notes()));
        assertEquals(List.of("single"), rf1.subjects());
        LintFinding atRf = report.findings().stream().filter(f -> f.code().equals("MIN_ISR_AT_RF")).findFirst()
                .orElseThrow(() -> new AssertionError(report.findings() + " notes " + report.notes()));
        assertEquals(List.of("tight (RF 2, min.insync.replicas 2)"), atRf.subjects());
    }

    @Test
    @Order(4)
    void shouldReadBrokerStateVersionAndClientsOverJmx() {
        List<JmxMetricsReader.Endpoint> endpoints = cluster.brokers().stream()
                .map(b -> new JmxMetricsReader.Endpoint(b.id(), b.host(), b.jmxPort())).toList();
        try (JmxMetricsReader jmx = new JmxMetricsReader(endpoints, Duration.ofSeconds(10));
             JmxClusterReader withJmx = new JmxClusterReader(new ClusterReader() {
                 @Override
                 public ClusterSnapshot read() {
                     return reader().read();
                 }

                 @Override
                 public void close() {
                 }
             }, jmx)) {
            ClusterSnapshot snapshot = withJmx.read();

            assertEquals(ALL, snapshot.brokerMetrics().keySet(), snapshot.notes()::toString);
            for (SandboxBroker b : cluster.brokers()) {
                assertTrue(JmxGates.brokerRunning(b.id()).evaluate(snapshot).passed());
                GateResult version = JmxGates.runningVersion(b.id(), cluster.kafkaVersion()).evaluate(snapshot);
                assertTrue(version.passed(), version.reason());
            }
            assertEquals(GateResult.Status.PASS, JmxGates.handlerIdleAtLeast(0.0).evaluate(snapshot).status());
            assertTrue(JmxGates.produceP99AtMost(60_000).evaluate(snapshot).passed(),
                    JmxGates.produceP99AtMost(60_000).evaluate(snapshot)::reason);
            List<ClientSoftware> clients = jmx.connectedClients().orElseThrow();
            assertTrue(clients.stream().anyMatch(c -> c.name().equals("apache-kafka-java")
                    && c.version().equals("3.9.2")), clients::toString);
        }
    }
}
