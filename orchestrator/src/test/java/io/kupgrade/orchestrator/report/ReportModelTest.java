package io.kupgrade.orchestrator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.UrpLog;
import io.kupgrade.orchestrator.report.RollReport.Kind;
import io.kupgrade.orchestrator.report.RollReport.Segment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportModelTest {

    private static RollReport build(Journals j, List<UrpLog.Sample> samples) {
        return ReportModel.build("plan.yaml", Journals.SHA, "c1", "journal.jsonl", j.entries, samples,
                Map.of(1, "kafka-1", 2, "kafka-2", 3, "kafka-3"));
    }

    private static Journals fullRoll() {
        Journals j = new Journals().start();
        j.at(0.5).broker("binaries", "canary", 1).at(0.2).add("binaries", "canary", null, "wave-done", "succeeded");
        j.at(0.5).broker("binaries", "rest", 2).at(0.5).broker("binaries", "rest", 3);
        j.at(0.2).add("binaries", "rest", null, "wave-done", "succeeded");
        return j.at(0.3).add(null, null, null, "run", "succeeded", "message", "the plan is applied");
    }

    @Test
    void shouldDrawOneLanePerBrokerWithItsCycleInOrder() {
        RollReport r = build(fullRoll(), List.of());

        assertEquals(List.of(1, 2, 3), r.lanes().stream().map(RollReport.Lane::brokerId).toList());
        assertEquals("kafka-2", r.lanes().get(1).host());
        assertEquals(List.of(Kind.PRE_STOP, Kind.STOP, Kind.STOP, Kind.INSTALL, Kind.INSTALL, Kind.START,
                Kind.REGISTRATION, Kind.CATCH_UP, Kind.LEADERS),
                r.lanes().get(0).segments().stream().map(Segment::kind).toList());
    }

    @Test
    void shouldSplitThePostStartWaitIntoStartRegistrationAndCatchUp() {
        RollReport r = build(fullRoll(), List.of());

        RollReport.BrokerTimes b1 = r.brokers().get(0);
        assertEquals(Duration.ofMillis(1000), b1.start(), "start command to process running");
        assertEquals(Duration.ofMillis(2000), b1.registration());
        assertEquals(Duration.ofMillis(3000), b1.catchUp());
        assertEquals(Duration.ofMillis(5000), b1.stop(), "stop command and the wait for the exit");
        assertEquals(Duration.ofMillis(1500), b1.install(), "install and config edit");
        assertEquals(Duration.ofMillis(1500), b1.leaders());
        assertEquals(Duration.ofMillis(14_000), b1.cycle(), "without the pre-stop gates");
        assertTrue(b1.done());
    }

    @Test
    void shouldListATopicFormatChangeAsANoteAndLeaveTheTimelineAsItWas() {
        Journals j = fullRoll();
        RollReport without = build(j, List.of());
        j.at(60).add(null, null, null, "topic-format", "succeeded", "operation", "set 2.8", "topics", "orders",
                "topicCount", "1", "by", "alice@ops-1");

        RollReport r = build(j, List.of());

        assertEquals(without.to(), r.to(), "the roll ended where it ended");
        assertEquals(without.totals(), r.totals());
        assertTrue(r.notes().contains("topic-format " + j.now + " set 2.8 on 1 topic (orders) by alice@ops-1"),
                r.notes().toString());
    }

    @Test
    void shouldSeparateBrokerTimeFromKupgradesOverhead() {
        RollReport r = build(fullRoll(), List.of());

        RollReport.Totals t = r.totals();
        assertEquals(1, t.runs());
        assertEquals(3, t.brokersDone());
        assertEquals(Duration.ofMillis(42_000), t.busy(), "three sequential 14 s cycles");
        assertEquals(t.wall().minus(t.busy()), t.overhead());
        assertTrue(t.overheadRatio() > 0 && t.overheadRatio() < 0.2, "ratio " + t.overheadRatio());
    }

    @Test
    void shouldShowWavesAndRunMarkers() {
        RollReport r = build(fullRoll(), List.of());

        assertEquals(List.of("canary", "rest"), r.waves().stream().map(RollReport.WaveSpan::wave).toList());
        assertEquals(List.of(2, 3), r.waves().get(1).brokers());
        assertTrue(r.waves().get(1).done());
        assertEquals(List.of("run-start", "phase-start", "wave-done", "wave-done", "run-end"),
                r.markers().stream().map(RollReport.Marker::kind).toList());
    }

    @Test
    void shouldKeepAHaltedRunAndItsResumeApart() {
        Journals j = new Journals().start();
        j.at(0.5).step("binaries", "canary", 1, "pre-stop-gates", 1);
        j.step("binaries", "canary", 1, "stop", 1).add("binaries", "canary", 1, "await-exit", "started").at(60)
                .add("binaries", "canary", 1, "await-exit", "failed", "reason", "still running")
                .add(null, null, null, "run", "failed", "message", "failed at await-exit");
        j.at(300).add(null, null, null, "run", "started", "selection", "canary").at(1)
                .step("binaries", "canary", 1, "probe", 0.5, "running", "false");

        RollReport r = build(j, List.of());

        assertEquals(2, r.totals().runs());
        Segment failed = r.lanes().get(0).segments().stream().filter(s -> "failed".equals(s.outcome())).findFirst()
                .orElseThrow();
        assertEquals(Kind.STOP, failed.kind());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("no end")), r.notes().toString());
        assertEquals(Duration.ofMillis(63_000 + 1500), r.totals().wall(), "run 1 and the open run 2, not the pause");
    }

    @Test
    void shouldKeepTheUrpSamplesOfThePlansRuns() {
        Journals j = fullRoll();
        List<UrpLog.Sample> samples = List.of(new UrpLog.Sample(Instant.parse("2026-11-25T09:00:00Z"), 9, 9),
                new UrpLog.Sample(Instant.parse("2026-11-25T10:00:05Z"), 4, 0),
                new UrpLog.Sample(Instant.parse("2026-11-25T10:00:06Z"), 6, 1));

        RollReport r = build(j, samples);

        assertEquals(2, r.urp().size(), "the sample an hour earlier belongs to another run");
        assertEquals(6, r.totals().maxUrp());
        assertEquals(1, r.totals().maxOffline());
    }

    @Test
    void shouldSayWhenTheJournalHoldsNothingOfThePlan() {
        RollReport r = ReportModel.build("plan.yaml", "b".repeat(64), "c1", "journal.jsonl", fullRoll().entries,
                List.of(), Map.of());

        assertTrue(r.lanes().isEmpty());
        assertTrue(r.notes().get(0).contains("no run of this plan"), r.notes().toString());
    }

    @Test
    void shouldRenderTextWithEveryBrokerAndTheOverhead() {
        String text = TextReport.render(build(fullRoll(), List.of()));

        assertTrue(text.contains("kupgrade overhead"), text);
        for (int id = 1; id <= 3; id++) {
            assertTrue(text.matches("(?s).*binaries\\s+\\S+\\s+" + id + "\\s.*"), "broker " + id + " row in\n" + text);
        }
        assertTrue(text.contains("14.0s"), text);
    }

    @Test
    void shouldEscapeWhatComesFromThePlanOrTheJournal() {
        assertEquals("&lt;script&gt;&amp;&quot;&#39;", HtmlReport.esc("<script>&\"'"));
        String html = HtmlReport.render(ReportModel.build("<plan>.yaml", Journals.SHA, "c<1>", "j", fullRoll().entries,
                List.of(), Map.of()));
        assertTrue(html.contains("kupgrade report: c&lt;1&gt;"));
        assertEquals(3, html.split("class=\"lane\" data-broker=").length - 1);
    }
}
