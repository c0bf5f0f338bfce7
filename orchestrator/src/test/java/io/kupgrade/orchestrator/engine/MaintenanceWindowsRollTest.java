package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.MaintenanceWindows;
import io.kupgrade.plans.RolloutSpec;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code rollout.maintenanceWindows} on the fake rig (5 brokers, waves canary [2], wave-2 [3, 4, 5], wave-3 [1];
 * the rig's clock starts on Wednesday 2026-11-25 07:00 UTC): a broker is begun only inside a window, one begun
 * is finished after the window closes, and the next apply inside a window goes on where the run stopped.
 */
class MaintenanceWindowsRollTest {
    static final ZoneId UTC = ZoneId.of("UTC");

    static Rig rig(String... windows) {
        Rig rig = new Rig();
        rig.rollout(new RolloutSpec(1, true, false, false, MaintenanceWindows.of(UTC, windows)));
        return rig;
    }

    @Test
    void outsideEveryWindowApplyTouchesNothingAndSaysWhenTheNextOpens() {
        Rig rig = rig("Mon-Fri 22:00-06:00");
        rig.clock.advance(Duration.ofHours(5)); // Wednesday 12:00

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().startsWith("not begun: binaries: phase-start: outside the maintenance windows"
                + " (Mon-Fri 22:00-06:00 (UTC)); the next opens Wed 2026-11-25 22:00 UTC, it is now Wed 2026-11-25"
                + " 12:00 UTC. Nothing is left half-done; run apply again inside a window"), outcome.message());
        assertEquals(List.of(), rig.hosts.actions(), "no broker touched");

        rig.clock.advance(Duration.ofHours(10).plusMinutes(30)); // Wednesday 22:30
        RollOutcome later = rig.apply("all");

        assertEquals(OutcomeKind.DONE, later.kind(), later.message());
        assertEquals(10, rig.journal.steps("broker-done").size(), "both phases, every broker");
    }

    @Test
    void aBrokerBegunBeforeTheWindowClosesIsFinishedAndTheNextIsNotBegun() {
        Rig rig = rig("05:00-07:00");
        rig.clock.advance(Duration.ofHours(23).plusMinutes(55)); // Thursday 06:55: the window still open
        rig.hosts.onCommand = c -> {
            if (c.equals("stop 2")) {
                rig.clock.advance(Duration.ofMinutes(10)); // the canary is down when the window closes
            }
        };

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertEquals(List.of("binaries:2"), rig.journal.steps("broker-done"), "the canary finished after 07:00");
        assertTrue(outcome.message().startsWith("not begun: binaries/wave-2 broker 3: pre-stop-gates: outside the"
                + " maintenance windows (05:00-07:00 (UTC)); the next opens Fri 2026-11-27 05:00 UTC"),
                outcome.message());
        assertEquals(List.of("stop 2", "install 2 3.9.2", "write /srv/2/server.properties", "start 2"),
                rig.hosts.actions());
        JournalEntry last = rig.journal.entries.get(rig.journal.entries.size() - 1);
        assertEquals("halted", last.event(), "the run's end is journaled: " + last);

        rig.clock.advance(Duration.ofHours(22)); // Friday 05:05
        RollOutcome resumed = rig.apply("all");

        assertEquals(OutcomeKind.DONE, resumed.kind(), resumed.message());
        assertEquals("binaries:3", rig.journal.steps("broker-done").get(1), "it went on with broker 3");
    }

    @Test
    void aStopIsNotSentWhenTheWindowClosedWhileItsPreStopGatesWaited() {
        Rig rig = rig("05:00-07:00");
        rig.clock.advance(Duration.ofHours(23).plusMinutes(55)); // Thursday 06:55
        rig.gates.onAwait = purpose -> {
            if (purpose.equals("broker 2 may stop")) {
                rig.clock.advance(Duration.ofMinutes(10)); // the cluster took 10 minutes to become healthy
            }
        };

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().startsWith("not begun: binaries/canary broker 2: stop: outside the maintenance"
                + " windows"), outcome.message());
        assertEquals(List.of(), rig.hosts.actions(), "broker 2 not stopped after 07:00");

        rig.gates.onAwait = purpose -> { };
        rig.clock.advance(Duration.ofHours(22)); // Friday 05:05
        rig.gates.awaited.clear();
        RollOutcome resumed = rig.apply("all");

        assertEquals(OutcomeKind.DONE, resumed.kind(), resumed.message());
        assertEquals("broker 2 may stop", rig.gates.awaited.get(0),
                "its pre-stop gates asked again before the stop: " + rig.gates.awaited);
    }

    @Test
    void ignoreWindowsBeginsBrokersOutsideThemAndJournalsIt() {
        Rig rig = rig("Mon-Fri 22:00-06:00");
        rig.clock.advance(Duration.ofHours(5)); // Wednesday 12:00
        assertEquals(OutcomeKind.HALTED, rig.apply("all").kind());

        RollOutcome forced = rig.runner(true).ignoreWindows().run(new Selection(null, "all"));

        assertEquals(OutcomeKind.DONE, forced.kind(), forced.message());
        JournalEntry start = rig.journal.entries.stream().filter(e -> "run".equals(e.step())
                && "started".equals(e.event())).reduce((a, b) -> b).orElseThrow();
        assertEquals("ignored (--ignore-windows): Mon-Fri 22:00-06:00 (UTC)", start.details().get("maintenanceWindows"));
        assertTrue(rig.events.stream().anyMatch(e -> e.message().startsWith("WARNING: --ignore-windows")));
    }
}
