package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.RolloutSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Leader handling (issue 7): restore-leaders after the catch-up, drain-leaders during the stop, timings. */
class LeaderStepsTest {

    private static Rig rig(boolean elect, boolean drain) {
        Rig rig = new Rig();
        Plan p = rig.plan;
        rig.plan = new Plan(p.source(), p.sha256(), p.apiVersion(), p.cluster(), p.brokers(), p.access(), p.service(),
                p.waves(), p.gates(), p.phases(), p.warnings(), new RolloutSpec(1, true, elect, drain), p.state());
        return rig;
    }

    private static List<String> succeededSteps(Rig rig, int broker) {
        return rig.journal.entries.stream()
                .filter(e -> Integer.valueOf(broker).equals(e.brokerId()) && e.event().equals("succeeded"))
                .map(JournalEntry::step).toList();
    }

    private static JournalEntry last(Rig rig, int broker, String step) {
        return rig.journal.entries.stream().filter(e -> Integer.valueOf(broker).equals(e.brokerId())
                && step.equals(e.step()) && "succeeded".equals(e.event())).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void shouldRestoreLeadersAfterTheBrokerCaughtUpAndBeforeItIsDone() {
        Rig rig = rig(true, false);

        RollOutcome o = rig.apply("canary");

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertEquals(List.of("pre-stop-gates", "stop", "await-exit", "install", "edit-config", "start",
                "post-start-gates", "restore-leaders", "broker-done"), succeededSteps(rig, 2));
        assertEquals(List.of(2), rig.gates.leaderRestores);
        JournalEntry restored = last(rig, 2, "restore-leaders");
        assertEquals("2000", restored.details().get("leadersMs"));
        assertEquals("4", restored.details().get("elected"));
    }

    @Test
    void shouldSaySoWhenTheBrokerAlreadyLedItsPartitions() {
        Rig already = rig(true, false);
        already.gates.alreadyLeading.add(2);
        Rig elected = rig(true, false);

        already.apply("canary");
        elected.apply("canary");

        JournalEntry none = last(already, 2, "restore-leaders");
        assertEquals("broker 2 already leads its preferred partitions: no election needed",
                none.details().get("summary"));
        assertEquals("0", none.details().get("leadersMs"));
        assertEquals("broker 2 leads its preferred partitions again after 2.0 s (4 elected)",
                last(elected, 2, "restore-leaders").details().get("summary"));
    }

    @Test
    void shouldNotElectWhenThePlanTurnsItOff() {
        Rig rig = rig(false, false);

        rig.apply("canary");

        assertEquals(List.of("pre-stop-gates", "stop", "await-exit", "install", "edit-config", "start",
                "post-start-gates", "broker-done"), succeededSteps(rig, 2));
        assertTrue(rig.gates.leaderRestores.isEmpty());
    }

    @Test
    void shouldHaltWithTheReasonWhenLeadershipDoesNotComeBack() {
        Rig rig = rig(true, false);
        rig.gates.leadershipStaysAway.add(2);

        RollOutcome o = rig.apply("canary");

        assertEquals(OutcomeKind.HALTED, o.kind());
        assertTrue(o.message().contains("restore-leaders") && o.message().contains("t-0, t-3"), o.message());
        assertEquals(List.of(), rig.journal.steps("broker-done"));
    }

    @Test
    void shouldRetryOnlyTheLeaderRestoreOnTheNextApply() {
        Rig rig = rig(true, false);
        rig.gates.leadershipStaysAway.add(2);
        rig.apply("canary");
        rig.gates.leadershipStaysAway.clear();
        int actionsBefore = rig.hosts.actions().size();

        RollOutcome o = rig.apply("canary");

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertEquals(actionsBefore, rig.hosts.actions().size(), "no broker stopped or started again");
        assertEquals(List.of("binaries:2"), rig.journal.steps("broker-done"));
    }

    @Test
    void shouldVerifyTheDrainBetweenTheStopAndTheExit() {
        Rig rig = rig(true, true);

        rig.apply("canary");

        assertEquals(List.of("pre-stop-gates", "stop", "drain-leaders", "await-exit", "install", "edit-config",
                "start", "post-start-gates", "restore-leaders", "broker-done"), succeededSteps(rig, 2));
        assertTrue(last(rig, 2, "drain-leaders").details().containsKey("drainMs"));
    }

    @Test
    void shouldJournalEveryDurationOfTheBrokerCycleInBrokerDone() {
        Rig rig = rig(true, true);

        rig.apply("canary");

        Map<String, String> d = last(rig, 2, "broker-done").details();
        for (String key : List.of("stopMs", "installMs", "startMs", "registrationMs", "catchUpMs", "drainMs",
                "leadersMs")) {
            assertTrue(d.containsKey(key), key + " in " + d);
        }
        assertEquals("2000", d.get("leadersMs"));
        Map<String, String> post = last(rig, 2, "post-start-gates").details();
        assertTrue(post.containsKey("runningMs") && post.containsKey("registrationMs"), post.toString());
    }
}
