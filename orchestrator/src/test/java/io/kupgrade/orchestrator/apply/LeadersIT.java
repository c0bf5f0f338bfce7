package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.report.Chromium;
import io.kupgrade.orchestrator.report.HtmlReport;
import io.kupgrade.orchestrator.report.ReportService;
import io.kupgrade.orchestrator.report.RollReport;
import io.kupgrade.orchestrator.report.TextReport;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Leader handling, timings and the report on a real 3-broker ZooKeeper-mode 3.9.2 cluster (issue 7). The
 * brokers run with {@code auto.leader.rebalance.enable=false}, so leadership that comes back after a roll came
 * back through kupgrade's preferred election, not through Kafka's own rebalance (reference §3 "Preferred
 * leader"). One cluster for the class; the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeadersIT {
    static final String TOPIC = "orders";
    static SandboxCluster cluster;
    static Path dir;
    static Path state;
    static String sandboxPlan;

    @BeforeAll
    static void start() throws Exception {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("3.9.2").brokers(3).racks(3)
                .mode(SandboxSpec.Mode.ZOOKEEPER).brokerProperty("auto.leader.rebalance.enable", "false").build());
        System.out.printf("zookeeper sandbox 3.9.2 x3 up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        dir = Files.createTempDirectory("kupgrade-leaders-it");
        Path file = dir.resolve("sandbox.yaml");
        cluster.writePlan(file);
        sandboxPlan = Files.readString(file);
        state = dir.resolve("state");
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(60, TimeUnit.SECONDS);
        }
        // a describe right after the create can reach a broker that does not know the topic yet
        cluster.awaitTopic(TOPIC, 6, java.time.Duration.ofSeconds(60));
        cluster.awaitNoUnderReplicatedPartitions(java.time.Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The sandbox's cluster, brokers and service; a one-phase restart (a harmless config edit) in two waves. */
    static Path plan(String name, boolean electPreferred, boolean drain) throws Exception {
        String tail = "waves: [1, \"100%\"]\n"
                + "gates: {pollInterval: 500ms, timeout: 3m, stablePolls: 2}\n"
                + "rollout:\n  leaders:\n    electPreferred: " + electPreferred + "\n    drainBeforeStop: " + drain + "\n"
                + "phases:\n  - name: " + name + "\n    set: {log.retention.check.interval.ms: \"30000" + (drain ? 2 : 1)
                + "\"}\n";
        Path p = dir.resolve(name + ".yaml");
        Files.writeString(p, sandboxPlan.substring(0, sandboxPlan.indexOf("\nwaves:") + 1) + tail);
        return p;
    }

    static RollOutcome apply(Path plan) {
        RollOutcome o = new ApplyService().apply(new ApplyRequest(plan, new Selection(null, "all"), true, state),
                ItSupport.printer("leaders"), RollRunner.Confirmer.NEVER, () -> false);
        System.out.println(DemoRunner.summaryTable(o.brokers()));
        return o;
    }

    /** Partitions of the topic whose leader is not their first replica, e.g. "orders-2 (leader 3, preferred 1)". */
    static List<String> notLedByPreferred() throws Exception {
        List<String> off = new ArrayList<>();
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            TopicDescription d = describe(admin);
            for (TopicPartitionInfo p : d.partitions()) {
                int preferred = p.replicas().get(0).id();
                if (p.leader() == null || p.leader().id() != preferred) {
                    off.add(TOPIC + "-" + p.partition() + " (leader " + (p.leader() == null ? "none" : p.leader().id())
                            + ", preferred " + preferred + ")");
                }
            }
        }
        return off;
    }

    /**
     * The topic as described; a ZooKeeper-mode broker learns a new topic from the controller a moment after its
     * creation, so a describe it answers may not know it yet (CI met this once, after awaitTopic's own describe
     * had passed through another broker): asked again for up to 10 s.
     */
    static TopicDescription describe(Admin admin) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || attempt >= 40) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    static List<JournalEntry> succeeded(String phase, String step) {
        return ItSupport.succeeded(ItSupport.journal(state, cluster.name()), step).stream()
                .filter(e -> phase.equals(e.phase())).toList();
    }

    @Test
    @Order(1)
    void afterARollEveryPartitionIsLedByItsPreferredReplicaAgain() throws Exception {
        assertEquals(List.of(), notLedByPreferred(), "balanced before the roll");

        RollOutcome o = apply(plan("restart", true, false));

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertEquals(List.of(), notLedByPreferred(), "leaders after the roll");
        List<JournalEntry> restores = succeeded("restart", "restore-leaders");
        assertEquals(3, restores.size());
        for (JournalEntry e : restores) {
            // without kupgrade's election nothing would have moved them back: auto rebalance is off
            assertTrue(Integer.parseInt(e.details().get("elected")) >= 1, e.toString());
            assertTrue(Long.parseLong(e.details().get("leadersMs")) >= 0, e.toString());
        }
        for (JournalEntry done : succeeded("restart", "broker-done")) {
            for (String key : List.of("stopMs", "installMs", "startMs", "registrationMs", "catchUpMs", "leadersMs")) {
                assertTrue(done.details().containsKey(key), key + " in " + done);
            }
        }
    }

    @Test
    @Order(2)
    void theReportShowsOneLanePerBrokerInABrowserAndTheUrpOfTheRoll() throws Exception {
        RollReport r = new ReportService().report(dir.resolve("restart.yaml"), state);
        System.out.println(TextReport.render(r));
        Path html = dir.resolve("report.html");
        Files.writeString(html, HtmlReport.render(r));

        String dom = Chromium.dumpDom(Chromium.require(), html, dir);

        List<String> lanes = new ArrayList<>();
        Matcher m = Pattern.compile("class=\"lane\" data-broker=\"(\\d+)\"").matcher(dom);
        while (m.find()) {
            lanes.add(m.group(1));
        }
        assertEquals(List.of("1", "2", "3"), lanes);
        assertTrue(dom.contains("<span id=\"lane-count\">3</span>"), "the page's script ran");
        assertEquals(3, dom.split("data-kind=\"leaders\"").length - 1, "one leaders segment per broker");
        assertTrue(r.totals().maxUrp() > 0, "URP sampled while a broker was down: " + r.urp().size() + " samples");
        assertTrue(r.totals().busy().compareTo(r.totals().wall()) <= 0);
    }

    @Test
    @Order(3)
    void aDrainLeavesTheStoppedBrokerLeadingNothingBeforeItsExitIsAwaited() throws Exception {
        RollOutcome o = apply(plan("drained", true, true));

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        List<JournalEntry> drains = succeeded("drained", "drain-leaders");
        assertEquals(3, drains.size());
        drains.forEach(e -> assertTrue(e.details().containsKey("drainMs"), e.toString()));
        assertEquals(List.of(), notLedByPreferred(), "leaders after the drained roll");
    }
}
