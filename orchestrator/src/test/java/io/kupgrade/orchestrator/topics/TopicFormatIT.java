package io.kupgrade.orchestrator.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.state.StateStores;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The per-topic message-format override against a real Kafka 2.8.2 ZooKeeper-mode broker with
 * inter.broker.protocol.version 2.8 (the clusters this mitigation is for, reference §4). Every change is read
 * back with a separate Admin client's describeConfigs, not taken from the service's own report. Given the plan,
 * a change is journaled in the cluster's journal.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopicFormatIT {
    static SandboxCluster cluster;
    static ClusterSpec spec;
    static Admin admin;
    final TopicFormatService service = new TopicFormatService();

    @BeforeAll
    static void start() throws Exception {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("2.8.2").brokers(1).racks(0)
                .mode(SandboxSpec.Mode.ZOOKEEPER).brokerProperty("inter.broker.protocol.version", "2.8").build());
        System.out.printf("zk sandbox 2.8.2 x1 up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        spec = new ClusterSpec(cluster.name(), cluster.bootstrapServers(), null, Map.of(), null);
        admin = Admin.create(cluster.adminConfig());
        admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1), new NewTopic("audit", 1, (short) 1)))
                .all().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static ConfigEntry readBack(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
        return c.get("message.format.version");
    }

    @Test
    @Order(1)
    void aDryRunShowsBeforeAndAfterAndChangesNothing() throws Exception {
        TopicFormatResult r = service.run(spec, new TopicFormatRequest(List.of("orders"), false, "2.8", false, true));

        assertEquals("2.8", r.interBrokerProtocol());
        TopicFormatChange c = r.topics().get(0);
        assertEquals("orders", c.topic());
        assertTrue(c.changed());
        assertEquals("2.8", c.after());
        assertEquals("topic override", c.afterSource());
        assertFalse(readBack("orders").source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, "nothing set");
    }

    @Test
    @Order(2)
    void settingTheFormatOfOneTopicIsReadBackAsItsOverride() throws Exception {
        long t = System.nanoTime();
        TopicFormatResult r = service.run(spec, new TopicFormatRequest(List.of("orders"), false, "2.8", false, false));
        System.out.printf("topic-format set: %.2f s%n", (System.nanoTime() - t) / 1e9);

        ConfigEntry orders = readBack("orders");
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, orders.source());
        assertEquals("2.8", orders.value());
        assertFalse(readBack("audit").source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, "other topics untouched");
        TopicFormatChange c = r.topics().get(0);
        assertEquals(List.of("2.8", "topic override", true), List.of(c.after(), c.afterSource(), c.changed()));
        assertFalse(c.beforeSource().equals("topic override"), c.toString());
    }

    @Test
    @Order(3)
    void settingTheSameValueAgainChangesNothing() {
        TopicFormatResult r = service.run(spec, new TopicFormatRequest(List.of("orders"), false, "2.8", false, false));

        assertFalse(r.topics().get(0).changed());
    }

    @Test
    @Order(4)
    void anUnknownTopicOrANewerFormatIsRefusedAndNothingChanges() throws Exception {
        TopicFormatRefusedException unknown = assertThrows(TopicFormatRefusedException.class, () -> service.run(spec,
                new TopicFormatRequest(List.of("audit", "nope"), false, "2.7", false, false)));
        TopicFormatRefusedException newer = assertThrows(TopicFormatRefusedException.class, () -> service.run(spec,
                new TopicFormatRequest(List.of("audit"), false, "3.0", false, false)));

        assertTrue(unknown.getMessage().contains("no such topic: nope"), unknown.getMessage());
        assertTrue(newer.getMessage().contains("newer than the cluster's inter.broker.protocol.version 2.8"),
                newer.getMessage());
        assertFalse(readBack("audit").source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    @Test
    @Order(5)
    void removingTheOverrideFallsBackToTheBrokersFormat() throws Exception {
        TopicFormatResult r = service.run(spec, new TopicFormatRequest(List.of(), true, null, true, false));

        ConfigEntry orders = readBack("orders");
        assertFalse(orders.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, orders.toString());
        TopicFormatChange c = r.topics().stream().filter(x -> x.topic().equals("orders")).findFirst().orElseThrow();
        assertTrue(c.changed());
        assertEquals(orders.value(), c.after());
        assertFalse(r.topics().stream().filter(x -> x.topic().equals("audit")).findFirst().orElseThrow().changed());
    }

    @Test
    @Order(6)
    void aChangeGivenThePlanIsJournaledOnceWithBeforeAfterAndWhoAndADryRunOrNoChangeIsNot() throws Exception {
        Path dir = Files.createTempDirectory("kupgrade-topic-format-it-");
        Path planFile = dir.resolve("plan.yaml");
        cluster.writePlan(planFile);
        Plan plan = PlanParser.parse(planFile);
        Path state = dir.resolve("state");
        TopicFormatRequest setAudit = new TopicFormatRequest(List.of("audit"), false, "2.7", false, false);

        service.run(plan, state, plan.cluster(), new TopicFormatRequest(List.of("audit"), false, "2.7", false, true));
        TopicFormatResult r = service.run(plan, state, plan.cluster(), setAudit);
        service.run(plan, state, plan.cluster(), setAudit); // the same again: nothing changes

        List<JournalEntry> journal = StateStores.readJournal(plan, state);
        assertEquals(1, journal.size(), "one entry: not the dry run, not the run that changed nothing " + journal);
        JournalEntry e = journal.get(0);
        assertEquals(List.of("topic-format", "succeeded", plan.sha256()), List.of(e.step(), e.event(), e.planSha256()));
        assertEquals("set 2.7", e.details().get("operation"));
        assertEquals("audit", e.details().get("topics"));
        assertEquals(r.topics().get(0).before() + " (" + r.topics().get(0).beforeSource() + ")",
                e.details().get("before.audit"));
        assertEquals("2.7 (topic override)", e.details().get("after.audit"), "as read back");
        assertEquals(readBack("audit").value(), "2.7");
        assertEquals(System.getProperty("user.name"), e.details().get("by").split("@")[0]);
        assertEquals(Long.toString(ProcessHandle.current().pid()), e.details().get("pid"));
        assertEquals(StateStores.journalLocation(plan, state), r.journal());
        assertTrue(StateStores.holder(plan, state).isEmpty(), "the lock was released");
    }
}
