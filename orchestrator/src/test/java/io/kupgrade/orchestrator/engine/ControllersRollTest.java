package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.plans.RolloutSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A dedicated KRaft controller (broker 5 of the fake rig, {@code role: controller}) in its own last wave:
 * gated on the metadata quorum instead of registration and ISRs, never batched with another node, never asked
 * to hand over or restore partition leadership (it leads none).
 */
class ControllersRollTest {

    @Test
    void shouldRollTheControllerAloneAfterTheBrokersGatedOnTheQuorum() {
        Rig rig = new Rig().withController5().rollout(new RolloutSpec(3, true, true, true));

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        List<String> done = rig.journal.steps("broker-done");
        assertEquals(List.of("binaries:5", "protocol:5"), done.stream().filter(s -> s.endsWith(":5")).toList());
        assertEquals("binaries:5", done.get(4), "the controller after the phase's brokers: " + done);
        assertTrue(rig.journal.entries.stream().filter(e -> "batch-start".equals(e.step()))
                .noneMatch(e -> String.valueOf(e.details().get("batch")).contains("5")), "never in a batch");
        assertFalse(rig.journal.entries.stream().anyMatch(e -> Integer.valueOf(5).equals(e.brokerId())
                && (e.step().equals("drain-leaders") || e.step().equals("restore-leaders"))), "no leadership steps");
        assertTrue(rig.journal.entries.stream().anyMatch(e -> Integer.valueOf(1).equals(e.brokerId())
                && e.step().equals("restore-leaders")), "the brokers' leaders are still restored");
        assertTrue(rig.gates.gateLabels.containsAll(List.of("voterCanStop(5)", "voterGone(5)", "voterRejoined(5)")),
                rig.gates.gateLabels.toString());
        assertFalse(rig.gates.gateLabels.contains("canStop(5)") || rig.gates.gateLabels.contains("brokerGone(5)")
                || rig.gates.gateLabels.contains("brokerRegisteredAnew(5)"), rig.gates.gateLabels.toString());
    }
}
