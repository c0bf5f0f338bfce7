package io.kupgrade.orchestrator.executor.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.apply.ApplyRequest;
import io.kupgrade.orchestrator.apply.ApplyService;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.FileJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxBroker;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fault matrix, "an SSH connection dropped mid-command": a real 3-broker sandbox whose broker commands all run
 * through a real SSH server (embedded Apache MINA SSHD, key auth, known_hosts checked, SFTP for the config).
 * The server runs a command to its end and then drops the connection instead of sending the exit status, so
 * kupgrade cannot know whether the command had its effect:
 * <ul>
 *   <li>a dropped {@code stop} is retried (stopping is idempotent) and the roll continues;</li>
 *   <li>a dropped {@code start} is not re-sent: the run fails cleanly with "effect unknown" in the journal, and
 *       the next {@code apply} probes the broker (running: the start had worked), gates it without starting
 *       it again, and finishes the roll.</li>
 * </ul>
 * One cluster for the class; the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SshDropIT {
    static SandboxCluster cluster;
    static TestSshServer sshd;
    static Path dir;
    static Path plan;
    static Path state;

    @BeforeAll
    static void start() throws Exception {
        cluster = Sandbox.start(SandboxSpec.builder().brokers(3).racks(3).mode(SandboxSpec.Mode.ZOOKEEPER).build());
        sshd = new TestSshServer();
        sshd.bindHost = "0.0.0.0"; // one port, answering on every broker's loopback address
        sshd.start();
        dir = Files.createTempDirectory("kupgrade-ssh-drop-it");
        state = dir.resolve("state");
        Path key = sshd.writeClientKey(dir.resolve("id_ecdsa"), null);
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, cluster.brokers().stream()
                .map(b -> "[" + b.host() + "]:" + sshd.port() + " " + PublicKeyEntry.toString(sshd.hostKey.getPublic()))
                .collect(Collectors.joining("\n", "", "\n")));
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        plan = dir.resolve("ssh.yaml");
        Files.writeString(plan, Files.readString(sandboxPlan).replace("access:\n  executor: local\n",
                "access:\n  executor: ssh\n  ssh:\n    user: kupgrade\n    port: " + sshd.port()
                        + "\n    identityFile: " + key + "\n    knownHosts: " + knownHosts + "\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static RollOutcome apply(String wave) {
        return new ApplyService().apply(new ApplyRequest(plan, new Selection(null, wave), true, state),
                e -> System.out.printf(Locale.ROOT, "ssh-drop %6.1fs %-17s b%-4s %-16s %s%n",
                        e.runElapsed().toMillis() / 1000.0, e.type(), e.brokerId(), e.step(), e.message()),
                RollRunner.Confirmer.NEVER, () -> false);
    }

    static List<JournalEntry> journal() {
        return FileJournal.forCluster(state, cluster.name()).entries();
    }

    static long commandsFor(SandboxBroker b, String script) {
        return sshd.commands.stream().filter(c -> c.contains(b.dir().resolve("bin").resolve(script).toString()))
                .count();
    }

    static SandboxBroker brokerDoneLast() {
        List<JournalEntry> done = journal().stream().filter(e -> "broker-done".equals(e.step())).toList();
        return cluster.broker(done.get(done.size() - 1).brokerId());
    }

    @Test
    @Order(1)
    void aStopWhoseConnectionDroppedIsRetriedAndTheRollContinues() {
        sshd.dropAfter = c -> c.contains("/bin/stop");
        sshd.drops.set(1);

        RollOutcome o = apply("canary");

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertEquals(0, sshd.drops.get(), "the connection was dropped once");
        SandboxBroker canary = brokerDoneLast();
        assertEquals(2, commandsFor(canary, "stop"), "sent, dropped, sent again");
        assertEquals(1, commandsFor(canary, "start"));
        assertTrue(cluster.isRunning(canary.id()));
    }

    @Test
    @Order(2)
    void aStartWhoseConnectionDroppedFailsTheRunCleanlyWithItsEffectUnknown() {
        sshd.dropAfter = c -> c.contains("/bin/start");
        sshd.drops.set(1);
        Map<String, Long> before = cluster.processIds();

        RollOutcome o = apply("all");

        assertEquals(OutcomeKind.FAILED, o.kind(), o.message());
        assertTrue(o.message().contains("effect is unknown"), o.message());
        JournalEntry failed = journal().get(journal().size() - 2);
        assertEquals("start", failed.step());
        assertEquals("failed", failed.event());
        assertTrue(failed.details().get("reason").contains("effect is unknown"), failed.details().toString());
        SandboxBroker dropped = cluster.broker(failed.brokerId());
        assertEquals(1, commandsFor(dropped, "start"), "a start with an unknown effect is never re-sent");
        assertTrue(cluster.isRunning(dropped.id()), "the dropped start had in fact started the broker");
        assertFalse(before.equals(cluster.processIds()));
    }

    @Test
    @Order(3)
    void theNextApplyProbesTheBrokerFindsItRunningAndFinishesTheRoll() {
        sshd.dropAfter = c -> false;
        int resumedId = journal().get(journal().size() - 2).brokerId();
        SandboxBroker resumed = cluster.broker(resumedId);

        RollOutcome o = apply("all");

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertTrue(o.planDone());
        assertTrue(journal().stream().anyMatch(e -> "probe".equals(e.step()) && "succeeded".equals(e.event())
                && e.brokerId() == resumedId && "true".equals(e.details().get("running"))), "probed: running");
        assertEquals(1, commandsFor(resumed, "start"), "not started a second time");
        assertEquals(3, journal().stream().filter(e -> "broker-done".equals(e.step())).count());
        cluster.brokers().forEach(b -> assertTrue(cluster.isRunning(b.id()), "broker " + b.id()));
    }
}
