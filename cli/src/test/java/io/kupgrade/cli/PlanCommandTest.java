package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlanCommandTest {

    static Stream<Path> examples() throws IOException {
        return Files.list(Path.of("..", "examples")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExamplePlansOfflineWithItsWaves(Path example) {
        Cli r = Cli.run("plan", "--offline", example.toString());

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("sha256"), r.out());
        assertTrue(r.out().contains("  waves"), r.out());
        assertTrue(r.out().contains("canary"), "the first wave is the canary: " + r.out());
        assertTrue(r.out().contains("pre-stop-gates") && r.out().contains("canStop"), r.out());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExamplePlansOfflineAsValidJson(Path example) throws IOException {
        Cli r = Cli.run("plan", "--offline", "-o", "json", example.toString());

        assertEquals(0, r.exitCode(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(Json.SCHEMA_VERSION, doc.get("schemaVersion").asInt());
        JsonNode phases = doc.get("plan").get("phases");
        assertTrue(phases.size() >= 2, r.out());
        assertTrue(phases.get(0).get("waves").get(0).get("brokers").size() == 1, "canary of one broker: " + r.out());
        assertEquals(64, doc.get("plan").get("sha256").asText().length());
    }

    @Test
    void theProtocolBumpIsShownAsAPointOfNoReturn() {
        Cli r = Cli.run("plan", "--offline", "../examples/zookeeper-3.8-to-3.9.yaml");

        assertTrue(r.out().contains("phase 2/2: protocol   ** POINT OF NO RETURN"), r.out());
        assertTrue(r.out().contains("points of no return: protocol"), r.out());
        assertTrue(r.out().contains("inter.broker.protocol.version: ? -> 3.8"), r.out());
    }

    @Test
    void aParallelPlanShowsItsBatchesByRackOfflineInTextAndJson(@TempDir Path dir) throws IOException {
        Path plan = dir.resolve("parallel.yaml");
        Files.writeString(plan, Files.readString(Path.of("../examples/zookeeper-3.8-to-3.9.yaml"))
                + "rollout: {maxParallel: 3}\n");

        Cli text = Cli.run("plan", "--offline", plan.toString());
        Cli json = Cli.run("plan", "--offline", "-o", "json", plan.toString());

        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("batches: "), text.out());
        assertTrue(text.out().contains("computed from the live assignment at each stop"), text.out());
        assertTrue(text.out().contains("batch-start"), text.out());
        JsonNode wave = new ObjectMapper().readTree(json.out()).get("plan").get("phases").get(0).get("waves").get(1);
        assertTrue(wave.get("batches").size() >= 1, json.out());
        assertTrue(wave.get("batches").get(0).has("rack"), json.out());
    }

    @Test
    void theZooKeeperEnsembleRollIsShownFirstWithItsServersAndMaskedZooCfgChanges(@TempDir Path dir)
            throws IOException {
        Path plan = dir.resolve("ensemble.yaml");
        Files.writeString(plan, Files.readString(Path.of("../examples/zookeeper-3.8-to-3.9.yaml")) + """
                zookeeperEnsemble:
                  servers:
                    - {id: 1, host: zk-1.eu1.example}
                    - {id: 2, host: zk-2.eu1.example}
                    - {id: 3, host: zk-3.eu1.example}
                  service: {configFile: /etc/zookeeper/zoo.cfg, stop: zk-stop, start: zk-start, isRunning: zk-up}
                  set: {maxClientCnxns: 500, ssl.keyStore.password: HUNTER2ZK}
                """);

        Cli text = Cli.run("plan", "--offline", plan.toString());
        Cli json = Cli.run("plan", "--offline", "-o", "json", plan.toString());

        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("phase 1/3: zookeeper-ensemble\n  ZooKeeper servers, before any broker\n"
                + "    servers    1 zk-1.eu1.example, 2 zk-2.eu1.example, 3 zk-3.eu1.example\n"), text.out());
        assertTrue(text.out().contains("maxClientCnxns: ? -> 500"), text.out());
        assertTrue(text.out().contains("ssl.keyStore.password: ? -> ******"), text.out());
        assertTrue(text.out().contains("followers first (plan order), the leader last"), text.out());
        assertTrue(text.out().contains("phase 2/3: binaries"), text.out());
        assertFalse((text.out() + json.out()).contains("HUNTER2ZK"));
        JsonNode first = new ObjectMapper().readTree(json.out()).get("plan").get("phases").get(0);
        assertEquals("zookeeper-ensemble", first.get("name").asText());
        assertEquals(3, first.get("waves").get(0).get("brokers").size());
    }

    @Test
    void secretsAreNeverPrinted(@TempDir Path dir) throws IOException {
        Path plan = dir.resolve("secret.yaml");
        Files.writeString(plan, Files.readString(Path.of("../examples/zookeeper-3.8-to-3.9.yaml"))
                .replace("${env:KAFKA_ADMIN_JAAS}", "\"org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=admin password=hunter2-very-secret;\""));

        Cli text = Cli.run("plan", "--offline", plan.toString());
        Cli json = Cli.run("plan", "--offline", "-o", "json", plan.toString());

        assertEquals(0, text.exitCode(), text.err());
        assertFalse((text.out() + text.err() + json.out() + json.err()).contains("hunter2"));
    }

    @Test
    void anInvalidPlanIsLocatedProblemsAndExitTwo(@TempDir Path dir) throws IOException {
        Path plan = dir.resolve("bad.yaml");
        Files.writeString(plan, Files.readString(Path.of("../examples/zookeeper-3.8-to-3.9.yaml"))
                .replace("inter.broker.protocol.version: \"3.9\"", "inter.broker.protocol.versoin: \"3.9\""));

        Cli r = Cli.run("plan", "--offline", plan.toString());

        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("bad.yaml:"), r.err());
        assertTrue(r.err().contains("inter.broker.protocol.versoin"), r.err());
        assertTrue(r.err().contains("did you mean 'inter.broker.protocol.version'"), r.err());
        assertTrue(r.noStackTrace(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aMissingPlanFileIsOneLineAndExitTwo() {
        Cli r = Cli.run("plan", "--offline", "no/such/plan.yaml");

        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no/such/plan.yaml"), r.err());
        assertTrue(r.noStackTrace(), r.err());
    }

    @Test
    void yamlSyntaxErrorsAreLocated(@TempDir Path dir) throws IOException {
        Path plan = dir.resolve("syntax.yaml");
        Files.writeString(plan, "apiVersion: kupgrade/v1\ncluster: {name: x\nphases: []\n");

        Cli r = Cli.run("plan", "--offline", plan.toString());

        assertEquals(2, r.exitCode());
        assertTrue(r.err().matches("(?s).*syntax\\.yaml:\\d+:\\d+: .*"), r.err());
        assertTrue(r.noStackTrace(), r.err());
    }
}
