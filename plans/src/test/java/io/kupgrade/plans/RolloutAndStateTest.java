package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The sections that shape how a plan is carried out: {@code rollout}, {@code waves[].onFailure},
 * {@code phases[].rollback}, {@code state} and {@code brokers[].executor}. Absent, they keep the behaviour of
 * plans written before them.
 */
class RolloutAndStateTest {
    private static final String HEAD = """
            apiVersion: kupgrade/v1
            cluster:
              name: c1
              bootstrapServers: localhost:9092
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

    private static Plan parse(String text) {
        return new PlanParser(Map.of("TOKEN", "t0k3n-from-env-0123456789")::get).read(text, "plan.yaml");
    }

    private static List<String> problems(String text) {
        return assertThrows(PlanException.class, () -> parse(text)).problems().stream()
                .map(PlanProblem::toString).toList();
    }

    @Test
    void withoutTheNewSectionsAPlanKeepsTodaysBehaviour() {
        Plan plan = parse(HEAD + PHASES);

        assertEquals(RolloutSpec.DEFAULT, plan.rollout());
        assertEquals(1, plan.rollout().maxParallel());
        assertTrue(plan.rollout().electPreferredLeaders());
        assertFalse(plan.rollout().drainLeadersBeforeStop());
        assertEquals(StateSpec.FILE, plan.state());
        assertNull(plan.phases().get(0).rollbackInstall());
        assertNull(plan.waves().get(0).onFailure(), "the default is resolved per wave position");
    }

    @Test
    void rolloutIsRead() {
        Plan plan = parse(HEAD + """
                rollout:
                  maxParallel: 3
                  rackAware: false
                  leaders: {electPreferred: false, drainBeforeStop: true}
                """ + PHASES);

        assertEquals(new RolloutSpec(3, false, false, true), plan.rollout());
        assertTrue(plan.rollout().parallel());
    }

    @Test
    void rolloutMistakesAreLocated() {
        assertEquals(List.of(
                "plan.yaml:11:16: rollout.maxParallel: maxParallel must be between 1 and 100, got 0",
                "plan.yaml:12:3: rollout.rackaware: unknown field 'rackaware' — did you mean 'rackAware'?",
                "plan.yaml:13:29: rollout.leaders.electPreferred: expected true or false, got 'yes'"),
                problems(HEAD + """
                        rollout:
                          maxParallel: 0
                          rackaware: true
                          leaders: {electPreferred: yes}
                        """ + PHASES));
    }

    @Test
    void onFailureDefaultsToRevertForTheCanaryAndHaltAfter() {
        Plan plan = parse(HEAD + """
                brokers:
                  - {id: 1, host: h1}
                  - {id: 2, host: h2}
                  - {id: 3, host: h3}
                  - {id: 4, host: h4}
                waves: [1, 1, "100%"]
                """ + PHASES);

        List<Wave> waves = WavePlanner.expand(plan.waves(), plan.brokers(), OptionalInt.empty());
        assertEquals(List.of(OnFailure.REVERT, OnFailure.HALT, OnFailure.HALT),
                waves.stream().map(Wave::onFailure).toList());
    }

    @Test
    void onFailureIsReadPerWave() {
        Plan plan = parse(HEAD + """
                brokers:
                  - {id: 1, host: h1}
                  - {id: 2, host: h2}
                waves:
                  - {size: 1, onFailure: halt}
                  - {size: "100%", onFailure: revert}
                """ + PHASES);

        List<Wave> waves = WavePlanner.expand(plan.waves(), plan.brokers(), OptionalInt.empty());
        assertEquals(List.of(OnFailure.HALT, OnFailure.REVERT), waves.stream().map(Wave::onFailure).toList());
    }

    @Test
    void anUnknownOnFailureIsLocatedWithASuggestion() {
        assertEquals(List.of("plan.yaml:11:26: waves[0].onFailure: 'revret' is not one of revert, halt"
                        + " — did you mean 'revert'?"),
                problems(HEAD + """
                        waves:
                          - {size: 1, onFailure: revret}
                        """ + PHASES));
    }

    @Test
    void aPhaseSaysHowToRestoreItsBinaries() {
        Plan plan = parse(HEAD + """
                phases:
                  - name: binaries
                    install: switch-version 3.9.2
                    rollback:
                      install: switch-version 3.8.1
                """);

        assertEquals("switch-version 3.8.1", plan.phases().get(0).rollbackInstall());
        assertEquals(List.of("plan.yaml:14:7: phases[0].rollback.instal: unknown field 'instal' — did you mean"
                        + " 'install'?", "plan.yaml:14:7: phases[0].rollback.install: missing required field 'install'"),
                problems(HEAD + """
                        phases:
                          - name: binaries
                            install: switch-version 3.9.2
                            rollback:
                              instal: switch-version 3.8.1
                        """));
    }

    @Test
    void zookeeperStateDefaultsToAChrootOfTheClustersOwnEnsemble() {
        Plan plan = parse(HEAD.replace("  bootstrapServers: localhost:9092\n",
                "  bootstrapServers: localhost:9092\n  zookeeper: zk1:2181,zk2:2181/kafka\n")
                + "state: {store: zookeeper}\n" + PHASES);

        assertEquals(new StateSpec(StateSpec.Store.ZOOKEEPER, "zk1:2181,zk2:2181/kafka/kupgrade"), plan.state());
    }

    @Test
    void zookeeperStateTakesItsOwnConnectString() {
        Plan plan = parse(HEAD + "state: {store: zookeeper, zookeeper: \"zk9:2181/ops\"}\n" + PHASES);

        assertEquals("zk9:2181/ops", plan.state().zookeeperConnect());
    }

    @Test
    void zookeeperStateOnAKraftClusterNeedsAConnectString() {
        assertEquals(List.of("plan.yaml:10:16: state.zookeeper: store: zookeeper needs state.zookeeper"
                        + " (host:port,...[/chroot]) on a cluster without cluster.zookeeper"),
                problems(HEAD + "state: {store: zookeeper}\n" + PHASES));
        assertEquals(List.of("plan.yaml:10:16: state.store: 'zk' is not one of file, zookeeper"),
                problems(HEAD + "state: {store: zk}\n" + PHASES));
    }

    @Test
    void zookeeperStateTakesDigestCredentialsAsASecret() {
        Plan plan = parse(HEAD + "state: {store: zookeeper, zookeeper: \"zk9:2181/ops\", auth: \"kupgrade:${env:TOKEN}\"}\n"
                + PHASES);

        assertEquals("kupgrade:t0k3n-from-env-0123456789", plan.state().zookeeperAuth().reveal());
        assertFalse(plan.state().toString().contains("t0k3n"), plan.state().toString());
        assertEquals(List.of(), plan.warnings());
        Plan literal = parse(HEAD + "state: {store: zookeeper, zookeeper: \"zk9:2181\", auth: \"ops:s3cret\"}\n" + PHASES);
        assertEquals("state.auth", literal.warnings().get(0).path(), "a literal secret is warned about");
        assertNull(parse(HEAD + "state: {store: zookeeper, zookeeper: \"zk9:2181\"}\n" + PHASES).state()
                .zookeeperAuth(), "none: the nodes are open");
    }

    @Test
    void zookeeperStateCredentialsMistakesAreLocated() {
        assertEquals(List.of("plan.yaml:10:56: state.auth: state.auth must read user:password (ZooKeeper digest"
                        + " credentials), e.g. \"${env:KUPGRADE_ZK_AUTH}\""),
                problems(HEAD + "state: {store: zookeeper, zookeeper: \"zk9:2181\", auth: \"s3cret\"}\n" + PHASES));
        assertEquals(List.of("plan.yaml:10:28: state.auth: state.auth is only used with store: zookeeper (this plan"
                        + " keeps its state in files)"),
                problems(HEAD + "state: {store: file, auth: \"a:b\"}\n" + PHASES));
    }

    @Test
    void dedicatedKraftControllersAreListedWithTheirRole() {
        Plan plan = parse(HEAD.replace("  start: start\n", "  start: /opt/{role}-{broker.id}/bin/start\n") + """
                brokers:
                  - {id: 1, host: kafka-1}
                  - {id: 101, host: ctl-1, role: controller}
                """ + PHASES);

        assertFalse(plan.brokers().get(0).dedicatedController());
        assertTrue(plan.brokers().get(1).dedicatedController());
        assertEquals("/opt/controller-101/bin/start", Placeholders.apply(plan.service().start(), plan.brokers().get(1)));
        assertEquals("/opt/broker-1/bin/start", Placeholders.apply(plan.service().start(), plan.brokers().get(0)));
    }

    @Test
    void dedicatedControllerMistakesAreLocated() {
        assertEquals(List.of("plan.yaml:13:34: brokers[1].role: role: controller is a dedicated KRaft controller; this"
                        + " plan is for a ZooKeeper-mode cluster (cluster.zookeeper is set)"),
                problems(HEAD.replace("  bootstrapServers: localhost:9092\n",
                        "  bootstrapServers: localhost:9092\n  zookeeper: zk1:2181\n") + """
                        brokers:
                          - {id: 1, host: kafka-1}
                          - {id: 101, host: ctl-1, role: controller}
                        """ + PHASES));
        assertEquals(List.of("plan.yaml:11:3: brokers: every node listed has role: controller: list the brokers too"
                        + " (they roll first, the dedicated controllers after them)"),
                problems(HEAD + "brokers:\n  - {id: 101, host: ctl-1, role: controller}\n" + PHASES));
        assertEquals(List.of("plan.yaml:11:12: waves[0].name: wave name 'controllers' is reserved for the dedicated"
                        + " KRaft controllers' wave (brokers with role: controller roll in it, after the others)"),
                problems(HEAD + "waves:\n  - {name: controllers, size: 1}\n" + PHASES));
        assertEquals(List.of("plan.yaml:11:34: brokers[0].role: 'controler' is not one of broker, controller"
                        + " — did you mean 'controller'?"),
                problems(HEAD + "brokers:\n  - {id: 101, host: ctl-1, role: controler}\n" + PHASES));
    }

    @Test
    void aBrokerMayBeReachedThroughItsOwnExecutor() {
        Plan plan = parse(HEAD + """
                brokers:
                  - {id: 1, host: h1}
                  - {id: 2, host: h2, executor: agent}
                access:
                  executor: ssh
                  agent: {token: "${env:TOKEN}"}
                """ + PHASES);

        assertNull(plan.brokers().get(0).executor());
        assertEquals("ssh", plan.brokers().get(0).executorOr(plan.access().executor()));
        assertEquals("agent", plan.brokers().get(1).executorOr(plan.access().executor()));
        assertEquals("t0k3n-from-env-0123456789", plan.access().agent().token().reveal());
        assertTrue(plan.access().ssh() != null, "broker 1 still needs the ssh settings");
        assertTrue(plan.warnings().isEmpty(), plan.warnings().toString());
    }

    @Test
    void aBrokerOnTheAgentNeedsTheAgentSettings() {
        assertEquals(List.of("plan.yaml:11:3: access.agent: broker 2 uses executor: agent, which needs an"
                        + " access.agent section with at least the token (agent: {token: \"${env:KUPGRADE_AGENT_TOKEN}\"})"),
                problems(HEAD + """
                        brokers:
                          - {id: 1, host: h1}
                          - {id: 2, host: h2, executor: agent}
                        """ + PHASES));
        assertEquals(List.of("plan.yaml:11:33: brokers[0].executor: 'sh' is not one of ssh, local, agent"
                        + " — did you mean 'ssh'?"),
                problems(HEAD + """
                        brokers:
                          - {id: 1, host: h1, executor: sh}
                        """ + PHASES));
    }

    @Test
    void sshSudoIsReadAndOffByDefault() {
        assertTrue(parse(HEAD + "access: {ssh: {user: deploy, sudo: true}}\n" + PHASES).access().ssh().sudo());
        assertFalse(parse(HEAD + "access: {ssh: {user: deploy}}\n" + PHASES).access().ssh().sudo());
        assertEquals(List.of("plan.yaml:10:36: access.ssh.sudo: expected true or false, got 'yes'"),
                problems(HEAD + "access: {ssh: {user: deploy, sudo: yes}}\n" + PHASES));
    }

    @Test
    void sshJumpHostIsReadAsSshDashJWritesIt() {
        assertEquals(new AccessSpec.JumpHost("ops", "bastion.example.com", 2222), parse(HEAD
                + "access: {ssh: {user: deploy, jumpHost: \"ops@bastion.example.com:2222\"}}\n" + PHASES)
                .access().ssh().jumpHost());
        assertEquals(new AccessSpec.JumpHost(null, "fd00::1", 22), AccessSpec.JumpHost.parse("[fd00::1]"),
                "the user of access.ssh, port 22");
        assertEquals(null, parse(HEAD + "access: {ssh: {user: deploy}}\n" + PHASES).access().ssh().jumpHost());
        assertEquals(List.of("plan.yaml:10:40: access.ssh.jumpHost: 'ops@bastion:99999': port 99999 is not a TCP"
                        + " port (1..65535)"),
                problems(HEAD + "access: {ssh: {user: deploy, jumpHost: \"ops@bastion:99999\"}}\n" + PHASES));
        assertEquals(List.of("plan.yaml:12:15: access.ssh.jumpHost: 'a b' is not a jump host: write"
                        + " [user@]host[:port], e.g. ops@bastion.example.com or bastion:2222"),
                problems(HEAD + "access:\n  ssh:\n    jumpHost: a b\n" + PHASES));
    }

    @Test
    void zooKeeperConnectStringsAreCheckedAsZooKeeperReadsThem() {
        assertEquals(List.of("plan.yaml:10:20: state.zookeeper: '/kafka//state' is not a ZooKeeper path (no empty"
                        + " segment, no trailing '/') (write host:port,host:port[/chroot], e.g."
                        + " zk1:2181,zk2:2181,zk3:2181/kafka)"),
                problems(HEAD + "state: {zookeeper: \"zk1:2181/kafka//state\"}\n" + PHASES));
        assertEquals(List.of("plan.yaml:10:20: state.zookeeper: 'zk2:99999' in 'zk1:2181,zk2:99999' is not host:port"
                        + " (write host:port,host:port[/chroot], e.g. zk1:2181,zk2:2181,zk3:2181/kafka)"),
                problems(HEAD + "state: {zookeeper: \"zk1:2181,zk2:99999\"}\n" + PHASES));
        assertEquals("zk1,zk2:2182/kupgrade", parse(HEAD + "state: {zookeeper: \"zk1,zk2:2182/kupgrade\"}\n"
                + PHASES).state().zookeeperConnect(), "a server without a port is ZooKeeper's default 2181");
    }

    @Test
    void aNameLongerThanAFileNameIsRefused() {
        String name = "c".repeat(101);
        assertEquals(List.of("plan.yaml:3:9: cluster.name: a name of 101 characters: at most 100"),
                problems(HEAD.replace("name: c1", "name: " + name) + PHASES));
    }

    @Test
    void aNulInAPropertyValueIsRefused() {
        assertEquals(List.of("plan.yaml:12:27: phases[0].set.num.io.threads: a property value cannot contain a NUL"
                        + " character (\\0)"),
                problems(HEAD + "phases:\n  - name: tuning\n    set: {num.io.threads: \"8\\0\"}\n"));
    }
}
