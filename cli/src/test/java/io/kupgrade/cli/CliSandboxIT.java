package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's path through the CLI on a real sandbox cluster: sandbox up, check, plan against the live
 * cluster, apply --dry-run, apply --wave canary, status, apply the rest, sandbox down. One cluster for the
 * class; the tests run in order because each continues where the previous left the cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliSandboxIT {
    static Path dir;
    static Path plan;
    static Path state;

    @BeforeAll
    static void up() throws Exception {
        dir = Files.createTempDirectory("kupgrade-cli-it-");
        state = dir.resolve("state");
        Cli r = Cli.run("sandbox", "up", "--dir", dir.resolve("sb").toString(), "--brokers", "3", "--racks", "3");
        assertEquals(0, r.exitCode(), r.err());
        plan = dir.resolve("sb").resolve("plan.yaml");
        assertTrue(r.out().contains("plan: " + plan), r.out());
    }

    @AfterAll
    static void down() {
        if (dir != null && Files.exists(dir.resolve("sb").resolve("sandbox.properties"))) {
            Cli.run("sandbox", "down", "--dir", dir.resolve("sb").toString());
        }
    }

    @Test
    @Order(1)
    void checkReportsTheFreshClusterHealthy() {
        Cli r = Cli.run("check", plan.toString());

        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("allBrokersRegistered  PASS"), r.out());
        assertTrue(r.out().trim().endsWith("healthy"), r.out());
    }

    @Test
    @Order(2)
    void planAgainstTheLiveClusterPutsTheActiveControllerLast() throws Exception {
        Cli r = Cli.run("plan", "-o", "json", plan.toString());

        assertEquals(0, r.exitCode(), r.err());
        JsonNode p = new ObjectMapper().readTree(r.out()).get("plan");
        int controller = p.get("activeController").asInt();
        JsonNode waves = p.get("phases").get(0).get("waves");
        JsonNode lastWave = waves.get(waves.size() - 1).get("brokers");
        assertEquals(controller, lastWave.get(lastWave.size() - 1).get("id").asInt(), r.out());
        assertTrue(waves.get(0).get("brokers").get(0).get("id").asInt() != controller, "canary is not the controller");
    }

    @Test
    @Order(3)
    void dryRunListsTheCommandsAndTouchesNothing() {
        Cli r = Cli.run("apply", "--dry-run", "--state-dir", state.toString(), plan.toString());

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("/bin/stop"), r.out());
        assertTrue(r.out().contains("/bin/start"), r.out());
        Cli status = Cli.run("status", "--state-dir", state.toString(), plan.toString());
        assertTrue(status.out().contains("PENDING"), "nothing journaled by a dry run: " + status.out());
    }

    @Test
    @Order(4)
    void canaryRollsExactlyOneBrokerThenTheRestFollows() {
        Cli canary = Cli.run("apply", "--wave", "canary", "--state-dir", state.toString(), plan.toString());
        assertEquals(0, canary.exitCode(), canary.out() + canary.err());
        assertEquals(1, canary.out().lines().filter(l -> l.matches("restart\\s+canary\\s+\\d+.*")).count(),
                canary.out());

        Cli status = Cli.run("status", "-o", "json", "--state-dir", state.toString(), plan.toString());
        assertTrue(status.out().contains("\"planDone\" : false"), status.out() + status.err());

        Cli rest = Cli.run("apply", "--state-dir", state.toString(), plan.toString());
        assertEquals(0, rest.exitCode(), rest.out() + rest.err());
        assertEquals(2, rest.out().lines().filter(l -> l.matches("restart\\s+\\S+\\s+\\d+.*")).count(), rest.out());
        Cli done = Cli.run("status", "--state-dir", state.toString(), plan.toString());
        assertTrue(done.out().contains("the plan is done"), done.out());
    }

    @Test
    @Order(5)
    void downStopsEveryProcess() {
        Cli r = Cli.run("sandbox", "down", "--dir", dir.resolve("sb").toString());
        assertEquals(0, r.exitCode(), r.err());

        Cli status = Cli.run("sandbox", "status", "--dir", dir.resolve("sb").toString());
        assertEquals(5, status.exitCode(), "not all running any more: " + status.out());
        assertTrue(status.out().lines().filter(l -> l.contains("127.")).allMatch(l -> !l.contains("running")),
                status.out());
    }
}
