package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollbackOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxBroker;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import io.kupgrade.sandbox.load.LoadResult;
import io.kupgrade.sandbox.load.NumberedLoad;
import io.kupgrade.sandbox.load.Verification;
import io.kupgrade.sandbox.load.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A KRaft cluster with a dedicated controller quorum (3 brokers, controllers 101-103, Kafka 4.0.2) upgraded to
 * 4.1.2 by one plan that lists the controllers with {@code role: controller}, under acks=all load: the brokers
 * roll first, then the controllers one at a time, followers before the quorum leader (reference §3), each gated
 * on keeping a voter majority and on coming back caught up. The binaries phase is rolled back (controllers
 * first, last-rolled first, back on 4.0.2) and applied again; then metadata.version is finalized to 4.1, which
 * the controller refuses while any node (controllers included) runs 4.0.2. Asserted from the journal, the nodes'
 * JMX versions, a watcher of the controller processes, and the load's verification.
 */
class KraftControllersIT {
    static SandboxCluster cluster;

    @BeforeAll
    static void start() {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("4.0.2").extraVersions("4.1.2").brokers(3)
                .racks(3).controllers(3).mode(SandboxSpec.Mode.KRAFT).build());
        System.out.printf("kraft sandbox 4.0.2, 3 brokers + 3 controllers up in %.1f s%n",
                (System.nanoTime() - t) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static int quorumLeader() throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            return admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        }
    }

    @Test
    void theBrokersThenTheControllersFollowersFirstRollTo412AndMetadataVersionIsFinalized() throws Exception {
        Path dir = Files.createTempDirectory("kupgrade-kraft-controllers-it");
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        Path plan = dir.resolve("upgrade.yaml");
        String base = Files.readString(sandboxPlan);
        String hostDir = base.lines().filter(l -> l.startsWith("  stop: ")).findFirst().orElseThrow()
                .replaceFirst("^  stop: \"(.*)/bin/stop\"$", "$1");
        Files.writeString(plan, base.substring(0, base.indexOf("\nwaves:") + 1) + "waves: [1, \"100%\"]\n"
                + "gates: {pollInterval: 500ms, timeout: 3m}\n"
                + "phases:\n"
                + "  - name: binaries\n"
                + "    install: \"" + hostDir + "/bin/switch-version 4.1.2\"\n"
                + "    version: \"4.1.2\"\n"
                + "    rollback: {install: \"" + hostDir + "/bin/switch-version 4.0.2\"}\n"
                + "  - name: finalize\n"
                + "    pointOfNoReturn: true\n"
                + "    finalize: {metadataVersion: \"4.1\"}\n");
        Path state = dir.resolve("state");
        List<Integer> controllers = cluster.controllers().stream().map(SandboxBroker::id).toList();
        int leader = quorumLeader();
        assertTrue(controllers.contains(leader), "a dedicated controller leads the quorum: " + leader);
        List<String> waves = new PreviewService().preview(plan, false).phases().get(0).waves().stream()
                .map(w -> w.name() + w.brokers().stream().map(b -> b.id()).toList()).toList();
        AtomicInteger mostControllersDown = new AtomicInteger();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                int down = (int) controllers.stream().filter(id -> !cluster.isRunning(id)).count();
                mostControllersDown.accumulateAndGet(down, Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        NumberedLoad load = NumberedLoad.start(cluster.bootstrapServers(), "orders", 100);
        RollOutcome first;
        RollbackOutcome back;
        int leaderAfterRollback;
        int leaderBeforeRollback;
        List<String> versionsAfterRollback;
        RollOutcome o;
        try {
            watcher.start();
            first = new ApplyService().apply(new ApplyRequest(plan, new Selection("binaries", "all"), true, state),
                    ItSupport.printer("controllers"), RollRunner.Confirmer.NEVER, () -> false);
            leaderBeforeRollback = quorumLeader();
            back = new RollbackService().rollback(new RollbackRequest(plan, "binaries", null, false, true, state),
                    ItSupport.printer("rollback"), RollRunner.Confirmer.NEVER, () -> false);
            versionsAfterRollback = List.of(1, 2, 3, 101, 102, 103).stream().map(cluster::reportedVersion).toList();
            leaderAfterRollback = quorumLeader();
            o = new ApplyService().apply(new ApplyRequest(plan, Selection.all(), true, state),
                    ItSupport.printer("controllers"), RollRunner.Confirmer.NEVER, () -> false);
        } finally {
            watching.set(false);
            watcher.join(5_000);
        }
        LoadResult produced = load.stop();
        Verification v = Verifier.verify(cluster.bootstrapServers(), "orders", produced.acked());
        System.out.println(DemoRunner.summaryTable(o.brokers()));
        System.out.printf("waves %s; load: %d acked, %d failed; %s; most controllers down at once: %d%n", waves,
                produced.ackedCount(), produced.failed(), v, mostControllersDown.get());

        assertEquals(OutcomeKind.DONE, first.kind(), first.message());
        assertEquals(OutcomeKind.DONE, back.kind(), back.message());
        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertEquals(List.of("4.0.2", "4.0.2", "4.0.2", "4.0.2", "4.0.2", "4.0.2"), versionsAfterRollback,
                "every node back on 4.0.2 after the rollback");
        List<JournalEntry> entries = ItSupport.journal(state, cluster.name());
        List<Integer> restored = entries.stream().filter(e -> "rolled-back".equals(e.step())
                && "succeeded".equals(e.event())).map(JournalEntry::brokerId).toList();
        List<Integer> firstRoll = ItSupport.succeeded(entries, "broker-done").stream().map(JournalEntry::brokerId)
                .toList().subList(0, 6);
        List<Integer> reversed = new ArrayList<>(firstRoll);
        Collections.reverse(reversed);
        reversed.remove(Integer.valueOf(leaderBeforeRollback));
        reversed.add(2, leaderBeforeRollback);
        assertEquals(reversed, restored, "rolled back last-rolled first, the controllers first, the quorum leader of"
                + " that moment (" + leaderBeforeRollback + ") last of them");
        assertEquals(leader, firstRoll.get(5), "the quorum leader last: " + firstRoll);
        List<Integer> all = ItSupport.succeeded(entries, "broker-done").stream().map(JournalEntry::brokerId)
                .toList();
        assertEquals(12, all.size(), "every node rolled twice: " + all);
        List<Integer> rolled = all.subList(6, 12);
        assertEquals(List.of(1, 2, 3), rolled.subList(0, 3).stream().sorted().toList(), "the brokers first: " + rolled);
        assertEquals(controllers, rolled.subList(3, 6).stream().sorted().toList(), "then the controllers: " + rolled);
        assertEquals(leaderAfterRollback, rolled.get(5), "the quorum leader of that moment last: " + rolled);
        assertTrue(waves.get(waves.size() - 1).startsWith("controllers["), "plan shows their wave: " + waves);
        assertEquals(1, mostControllersDown.get(), "one controller down at a time");
        for (int id : List.of(1, 2, 3, 101, 102, 103)) {
            assertEquals("4.1.2", cluster.reportedVersion(id), "node " + id);
        }
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            assertEquals(27, admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS)
                    .finalizedFeatures().get("metadata.version").maxVersionLevel(), "4.1-IV1: every node supports it");
        }
        assertTrue(entries.stream().anyMatch(e -> "pre-stop-gates".equals(e.step())
                && Integer.valueOf(leader).equals(e.brokerId())
                && String.valueOf(e.details()).contains("voterCanStop(" + leader + ")")), "gated on the quorum");
        assertEquals(0, v.lost(), v.toString());
        assertTrue(produced.ackedCount() > 500, "the load ran the whole time: " + produced.ackedCount());
    }
}
