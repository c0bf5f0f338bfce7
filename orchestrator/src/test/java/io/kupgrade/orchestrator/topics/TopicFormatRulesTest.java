package io.kupgrade.orchestrator.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicFormatRulesTest {

    @Test
    void shouldAcceptAnOverrideAtOrBelowTheProtocolOfAPre30Cluster() {
        assertEquals(Optional.empty(), TopicFormatRules.checkCluster(false, Map.of(1, "2.8", 2, "2.8-IV1"), "2.8"));
        assertEquals(Optional.empty(), TopicFormatRules.checkCluster(false, Map.of(1, "2.8"), "0.10.2"));
        assertEquals(Optional.empty(), TopicFormatRules.checkCluster(false, Map.of(1, "2.8"), null));
    }

    @Test
    void shouldRefuseOnceAnyBrokerRunsProtocol30OrHigherBecauseKafkaIgnoresTheSetting() {
        String why = TopicFormatRules.checkCluster(false, Map.of(1, "2.8", 2, "3.9", 3, "2.8"), "2.8").orElseThrow();

        assertTrue(why.contains("broker 2") && why.contains("KIP-724") && why.contains("ignores"), why);
    }

    @Test
    void shouldRefuseInKraftModeAndOnKafka4WhereTheSettingIsGone() {
        Map<Integer, String> kafka4 = new HashMap<>();
        kafka4.put(1, null);

        assertTrue(TopicFormatRules.checkCluster(true, Map.of(1, "3.9"), "2.8").orElseThrow().contains("KRaft"));
        assertTrue(TopicFormatRules.checkCluster(false, kafka4, null).orElseThrow().contains("removed"));
    }

    @Test
    void shouldRefuseAFormatNewerThanTheLowestProtocol() {
        String why = TopicFormatRules.checkCluster(false, Map.of(1, "2.7", 2, "2.8"), "2.8").orElseThrow();

        assertTrue(why.contains("newer than the cluster's inter.broker.protocol.version 2.7"), why);
    }

    @Test
    void shouldRefuseVersionsKafkaDoesNotKnow() {
        for (String bad : List.of("2.9", "banana", "2.8-IV7", "4.0", "")) {
            assertTrue(TopicFormatRules.checkVersion(bad).isPresent(), bad);
        }
        for (String good : List.of("0.10.2", "2.8", "2.8-IV1", "2.1.1", "0.11.0")) {
            assertEquals(Optional.empty(), TopicFormatRules.checkVersion(good), good);
        }
    }

    @Test
    void shouldRequireTopicsOrAllTopicsAndAVersionOrRemove() {
        assertThrows(IllegalArgumentException.class, () -> new TopicFormatRequest(List.of(), false, "2.8", false, false));
        assertThrows(IllegalArgumentException.class, () -> new TopicFormatRequest(List.of("t"), true, "2.8", false, false));
        assertThrows(IllegalArgumentException.class, () -> new TopicFormatRequest(List.of("t"), false, "2.8", true, false));
        assertThrows(IllegalArgumentException.class, () -> new TopicFormatRequest(List.of("t"), false, null, false, false));
    }

    @Test
    void shouldAcceptTheTopicNamesKafkaAccepts() {
        for (String good : List.of("orders", "a.b_c-D9", "...", "_confluent-metrics", "t".repeat(249))) {
            assertEquals(Optional.empty(), TopicFormatRules.checkTopic(good), good);
        }
    }

    @Test
    void shouldRefuseTheTopicNamesKafkaRefusesNamingTheFirstBadCharacter() {
        assertEquals("--topic '': a topic name cannot be empty", TopicFormatRules.checkTopic("").orElseThrow());
        assertEquals("--topic '.': a topic name cannot be '.' or '..'", TopicFormatRules.checkTopic(".").orElseThrow());
        assertEquals("--topic 'a/b': a topic name may hold only ASCII letters, digits, '.', '_' and '-', not '/' (at 2)",
                TopicFormatRules.checkTopic("a/b").orElseThrow());
        assertEquals("--topic 'a\\u000ab': a topic name may hold only ASCII letters, digits, '.', '_' and '-', not"
                + " '\\u000a' (at 2)", TopicFormatRules.checkTopic("a\nb").orElseThrow());
        assertTrue(TopicFormatRules.checkTopic("\u00e9t\u00e9").isPresent());
        assertTrue(TopicFormatRules.checkTopic("t".repeat(250)).orElseThrow().endsWith("at most 249 characters, this"
                + " one 250"));
    }

    @Test
    void shouldRefuseARequestNamingATopicKafkaWouldRefuse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TopicFormatRequest(List.of("orders", "bad topic"), false, "2.8", false, false));

        assertTrue(e.getMessage().startsWith("--topic 'bad topic': "), e.getMessage());
    }

    @Test
    void shouldRefuseAPlanWithoutZookeeperAsAKraftCluster() {
        Plan kraft = PlanParser.parse(Path.of("../examples/kraft-4.0-to-4.1.yaml"));
        Plan zookeeper = PlanParser.parse(Path.of("../examples/zookeeper-3.8-to-3.9.yaml"));

        assertEquals("../examples/kraft-4.0-to-4.1.yaml: cluster.zookeeper is not set, so the plan is for a KRaft"
                + " cluster, where message.format.version is ignored (KIP-724): topic-format is only for"
                + " ZooKeeper-mode clusters whose inter.broker.protocol.version is below 3.0",
                TopicFormatRules.checkPlan(kraft).orElseThrow());
        assertEquals(Optional.empty(), TopicFormatRules.checkPlan(zookeeper));
    }
}
