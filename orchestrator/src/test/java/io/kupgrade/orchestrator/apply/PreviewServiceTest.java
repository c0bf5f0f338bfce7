package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewServiceTest {
    /** What {@code SandboxCluster.writePlan} writes for a 5-broker ZooKeeper sandbox (broker 5 on rack r2). */
    static final String SANDBOX_PLAN = """
            # kupgrade plan for the sandbox in /tmp/sb
            apiVersion: kupgrade/v1
            cluster:
              name: sb
              bootstrapServers: "127.0.0.11:9092"
              zookeeper: "127.0.0.10:2181"
            brokers:
              - {id: 1, host: "127.0.0.11", rack: r1, jmxPort: 9999}
              - {id: 2, host: "127.0.0.12", rack: r2, jmxPort: 9999}
              - {id: 3, host: "127.0.0.13", rack: r3, jmxPort: 9999}
              - {id: 4, host: "127.0.0.14", rack: r1, jmxPort: 9999}
              - {id: 5, host: "127.0.0.15", rack: r2, jmxPort: 9999}
            access:
              executor: local
            service:
              configFile: "/tmp/sb/broker-{broker.id}/config/server.properties"
              stop: "/tmp/sb/broker-{broker.id}/bin/stop"
              start: "/tmp/sb/broker-{broker.id}/bin/start"
              isRunning: "/tmp/sb/broker-{broker.id}/bin/is-running"
            waves: [1, "100%"]
            phases:
              - name: restart
            """;

    @TempDir
    Path dir;

    Path write(String yaml) throws IOException {
        Path p = dir.resolve("plan.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void shouldMakeAValidTwoPhaseZookeeperUpgradePlanFromTheSandboxPlan() throws IOException {
        Plan plan = PlanParser.parse(write(DemoPlans.zookeeperUpgrade(SANDBOX_PLAN, "3.9.2", "3.8", "3.9")));

        assertEquals(List.of("binaries", "protocol"), plan.phases().stream().map(p -> p.name()).toList());
        assertEquals("/tmp/sb/broker-{broker.id}/bin/switch-version 3.9.2", plan.phases().get(0).install());
        assertEquals("3.8", plan.phases().get(0).set().get("inter.broker.protocol.version"));
        assertTrue(plan.phases().get(1).pointOfNoReturn());
        assertEquals(3, plan.waves().size());
    }

    @Test
    void shouldPreviewWavesDiffsGatesAndPointsOfNoReturnOffline() throws IOException {
        Path file = write(DemoPlans.zookeeperUpgrade(SANDBOX_PLAN, "3.9.2", "3.8", "3.9"));

        PlanPreview preview = new PreviewService().preview(file, true);

        assertTrue(preview.offline());
        assertEquals(List.of("protocol"), preview.pointsOfNoReturn());
        PlanPreview.PhasePreview binaries = preview.phases().get(0);
        assertEquals(List.of(1, 3, 1), binaries.waves().stream().map(w -> w.brokers().size()).toList());
        assertEquals(5, binaries.configDiffs().size());
        DryRun.ConfigChange change = binaries.configDiffs().get(0).changes().get(0);
        assertEquals(new DryRun.ConfigChange("inter.broker.protocol.version", null, "3.8", false), change,
                "offline: the current value is unknown");
        List<String> steps = binaries.brokerSteps().stream().map(PlanPreview.StepPreview::step).toList();
        assertEquals(List.of("pre-stop-gates", "stop", "await-exit", "install", "edit-config", "start",
                "post-start-gates", "restore-leaders"), steps);
        assertTrue(binaries.brokerSteps().get(0).gates().contains("canStop({broker.id})"));
        assertTrue(binaries.brokerSteps().get(6).gates().contains("runningVersion({broker.id})=3.9.2"));
        assertEquals(List.of("preferredLeaders({broker.id})"), binaries.brokerSteps().get(7).gates());
        assertEquals(64, preview.sha256().length());
    }

    @Test
    void shouldShowTheLeaderStepsThePlanAsksFor() throws IOException {
        Path file = write(DemoPlans.zookeeperUpgrade(SANDBOX_PLAN, "3.9.2", "3.8", "3.9")
                + "rollout:\n  leaders:\n    electPreferred: false\n    drainBeforeStop: true\n");

        PlanPreview preview = new PreviewService().preview(file, true);

        List<String> steps = preview.phases().get(0).brokerSteps().stream().map(PlanPreview.StepPreview::step)
                .toList();
        assertEquals(List.of("pre-stop-gates", "stop", "drain-leaders", "await-exit", "install", "edit-config",
                "start", "post-start-gates"), steps);
        assertEquals(List.of("leadsNothing({broker.id})"), preview.phases().get(0).brokerSteps().get(2).gates());
    }

    @Test
    void shouldMaskSecretLookingPropertiesInDiffs() {
        assertEquals(Masking.MASK, Masking.value("ssl.keystore.password", "hunter2"));
        assertEquals(Masking.MASK, Masking.value("listener.name.sasl_ssl.plain.sasl.jaas.config", "x"));
        assertEquals("3.9", Masking.value("inter.broker.protocol.version", "3.9"));
        assertFalse(Masking.secretKey("log.dirs"));
    }
}
