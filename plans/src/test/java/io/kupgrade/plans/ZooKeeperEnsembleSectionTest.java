package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional {@code zookeeperEnsemble} section: read strictly, absent by default. */
class ZooKeeperEnsembleSectionTest {
    private static final String HEAD = """
            apiVersion: kupgrade/v1
            cluster:
              name: c1
              bootstrapServers: localhost:9092
              zookeeper: zk-1:2181,zk-2:2181,zk-3:2181
            service:
              configFile: /etc/kafka/server.properties
              stop: stop
              start: start
              isRunning: is-running
            """;
    private static final String PHASES = """
            phases:
              - name: restart
            """;
    private static final String ENSEMBLE = """
            zookeeperEnsemble:
              servers:
                - {id: 1, host: zk-1}
                - {id: 2, host: zk-2, clientPort: 2181}
                - {id: 3, host: zk-3}
              service:
                configFile: /etc/zookeeper/zoo.cfg
                stop: sudo systemctl stop zookeeper
                start: sudo systemctl start zookeeper
                isRunning: systemctl is-active --quiet zookeeper
                stopTimeout: 2m
              set:
                maxClientCnxns: 100
                4lw.commands.whitelist: "srvr,mntr,ruok"
              unset: [autopurge.purgeInterval]
              install: sudo /opt/zookeeper/switch-version 3.8.4 {server.id}
              version: "3.8.4"
            """;

    private static Plan parse(String text) {
        return new PlanParser(Map.<String, String>of()::get).read(text, "plan.yaml");
    }

    private static List<String> problems(String text) {
        return assertThrows(PlanException.class, () -> parse(text)).problems().stream()
                .map(PlanProblem::toString).toList();
    }

    @Test
    void aPlanWithoutTheSectionRollsNoEnsemble() {
        assertNull(parse(HEAD + PHASES).zookeeperEnsemble());
    }

    @Test
    void theSectionIsReadWithItsDefaults() {
        ZooKeeperEnsembleSpec e = parse(HEAD + PHASES + ENSEMBLE).zookeeperEnsemble();

        assertEquals(List.of(new ZooKeeperServerSpec(1, "zk-1", 2181), new ZooKeeperServerSpec(2, "zk-2", 2181),
                new ZooKeeperServerSpec(3, "zk-3", 2181)), e.servers());
        assertEquals("/etc/zookeeper/zoo.cfg", e.service().configFile());
        assertEquals(Duration.ofMinutes(2), e.service().stopTimeout());
        assertEquals(Duration.ofMinutes(2), e.service().startTimeout(), "the brokers' default start timeout");
        assertEquals(Map.of("maxClientCnxns", "100", "4lw.commands.whitelist", "srvr,mntr,ruok"), e.set());
        assertEquals(List.of("autopurge.purgeInterval"), e.unset());
        assertEquals("sudo /opt/zookeeper/switch-version 3.8.4 2",
                ZooKeeperEnsembleSpec.render(e.install(), e.server(2)));
        assertEquals("3.8.4", e.version());
    }

    @Test
    void aPlanThatOnlyRollsTheEnsembleNeedsNoPhase() {
        Plan plan = parse(HEAD + ENSEMBLE);

        assertEquals(List.of(), plan.phases());
        assertEquals(3, plan.zookeeperEnsemble().servers().size());
    }

    @Test
    void aPlanWithoutEnsembleStillNeedsAPhase() {
        assertTrue(problems(HEAD).stream().anyMatch(p -> p.contains("missing required field 'phases'")));
    }

    @Test
    void fewerThanThreeServersAreRefusedWithTheirLine() {
        List<String> problems = problems(HEAD + PHASES + """
                zookeeperEnsemble:
                  servers:
                    - {id: 1, host: zk-1}
                  service: {configFile: /z/zoo.cfg, stop: s, start: s, isRunning: r}
                """);

        assertTrue(problems.stream().anyMatch(p -> p.matches("plan\\.yaml:\\d+:\\d+: zookeeperEnsemble\\.servers: an"
                + " ensemble roll needs at least 3 servers, got 1.*")), problems.toString());
    }

    @Test
    void duplicateIdsUnknownFieldsAndBrokerPlaceholdersAreRefused() {
        List<String> problems = problems(HEAD + PHASES + """
                zookeeperEnsemble:
                  servers:
                    - {id: 1, host: zk-1}
                    - {id: 1, host: zk-2}
                    - {id: 3, host: zk-3, port: 2181}
                  service: {configFile: "/z/{broker.id}/zoo.cfg", stop: s, start: s, isRunning: r}
                """);

        assertTrue(problems.stream().anyMatch(p -> p.contains("zookeeperEnsemble.servers[1].id: duplicate ZooKeeper"
                + " server id 1")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("zookeeperEnsemble.servers[2].port: unknown field"
                + " 'port'")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("unknown placeholder {broker.id} (a ZooKeeper server's"
                + " id is {server.id})")), problems.toString());
    }

    @Test
    void aKraftClusterHasNoEnsembleToRoll() {
        List<String> problems = problems(HEAD.replace("  zookeeper: zk-1:2181,zk-2:2181,zk-3:2181\n", "")
                + PHASES + ENSEMBLE);

        assertTrue(problems.stream().anyMatch(p -> p.contains("set cluster.zookeeper")), problems.toString());
    }

    @Test
    void thePhaseNameOfTheEnsembleRollIsReserved() {
        List<String> problems = problems(HEAD + """
                phases:
                  - name: zookeeper-ensemble
                """ + ENSEMBLE);

        assertTrue(problems.stream().anyMatch(p -> p.contains("phases[0].name: the phase name 'zookeeper-ensemble'"
                + " is reserved")), problems.toString());
    }

    @Test
    void aServerTheBrokersDoNotUseIsWarnedAbout() {
        Plan plan = parse(HEAD + PHASES + ENSEMBLE.replace("{id: 3, host: zk-3}", "{id: 3, host: zk-9}"));

        assertTrue(plan.warnings().stream().anyMatch(w -> w.toString().contains("server 3 (zk-9:2181) is not in"
                + " cluster.zookeeper")), plan.warnings().toString());
    }

    @Test
    void theEnsembleSaysHowToRestoreItsBinaries() {
        Plan plan = parse(HEAD + PHASES + ENSEMBLE + """
                  rollback:
                    install: sudo /opt/zookeeper/switch-version 3.6.4 {server.id}
                """);

        ZooKeeperEnsembleSpec e = plan.zookeeperEnsemble();
        assertEquals("sudo /opt/zookeeper/switch-version 3.6.4 3",
                ZooKeeperEnsembleSpec.render(e.rollbackInstall(), e.server(3)));
        assertNull(parse(HEAD + PHASES + ENSEMBLE).zookeeperEnsemble().rollbackInstall(), "none by default");
    }

    @Test
    void aBadRollbackSectionIsRefusedWithItsLine() {
        List<String> problems = problems(HEAD + PHASES + ENSEMBLE + """
                  rollback:
                    instal: switch-version 3.6.4
                """);

        assertEquals(List.of("plan.yaml:31:5: zookeeperEnsemble.rollback.instal: unknown field 'instal' — did you"
                + " mean 'install'?", "plan.yaml:31:5: zookeeperEnsemble.rollback.install: missing required field"
                + " 'install'"), problems);
        assertTrue(problems(HEAD + PHASES + ENSEMBLE + """
                  rollback: {install: "switch-version {broker.id}"}
                """).stream().anyMatch(p -> p.contains("zookeeperEnsemble.rollback.install: unknown placeholder"
                + " {broker.id}")));
    }

    @Test
    void aRollbackInstallWithoutAnInstallIsWarnedAbout() {
        Plan plan = parse(HEAD + PHASES + ENSEMBLE.replace("  install: sudo /opt/zookeeper/switch-version 3.8.4"
                + " {server.id}\n", "") + """
                  rollback: {install: switch-version 3.6.4}
                """);

        assertTrue(plan.warnings().stream().anyMatch(w -> w.toString().contains("zookeeperEnsemble.rollback.install:"
                + " zookeeperEnsemble has no install, so rollback.install never runs")), plan.warnings().toString());
    }
}
