package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RollRunnerPauseTest {

    @Test
    void shouldStopBeforeTheNextBrokerWhenPausedMidWaveAndLeaveNoBrokerHalfDone() {
        Rig rig = new Rig();
        // the operator pauses while broker 3 (the first of wave-2) is rolling: the marker is there from its start on
        PauseCheck operator = () -> rig.hosts.commands.contains("start 3")
                ? Optional.of("paused by alice@ops since 10:00: consumers lagging") : Optional.empty();

        RollOutcome outcome = rig.runner(true).pauseWhen(operator).run(Selection.all());

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().contains("consumers lagging"), outcome.message());
        assertTrue(outcome.message().contains("kupgrade resume"), outcome.message());
        assertEquals(List.of("binaries:2", "binaries:3"), rig.journal.steps("broker-done"),
                "broker 3 was finished, broker 4 never started");
        assertEquals(List.of(), rig.hosts.actions().stream().filter(a -> a.endsWith(" 4") || a.contains(" 4 ")).toList());
        JournalEntry last = rig.journal.entries.get(rig.journal.entries.size() - 1);
        assertEquals(List.of("run", "paused"), List.of(last.step(), last.event()));
        assertEquals("paused by alice@ops since 10:00: consumers lagging", last.details().get("pause"));
    }

    @Test
    void shouldContinueWithTheNextBrokerOnceThePauseIsLifted() {
        Rig rig = new Rig();
        AtomicReference<String> pause = new AtomicReference<>("paused by alice");
        rig.runner(true).pauseWhen(() -> Optional.ofNullable(pause.get())).run(Selection.all());
        assertEquals(List.of(), rig.journal.steps("broker-done"), "paused before the first phase started");

        pause.set(null);
        RollOutcome outcome = rig.runner(true).pauseWhen(() -> Optional.ofNullable(pause.get())).run(Selection.all());

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(10, rig.journal.steps("broker-done").size());
    }

    @Test
    void shouldNotPauseInTheMiddleOfABrokerEvenWhenTheMarkerAppearsThere() {
        Rig rig = new Rig();
        PauseCheck operator = () -> rig.hosts.commands.contains("stop 2") ? Optional.of("paused") : Optional.empty();

        rig.runner(true).pauseWhen(operator).run(Selection.all());

        assertEquals(List.of("binaries:2"), rig.journal.steps("broker-done"), "the canary was finished first");
        assertEquals(List.of("stop 2", "install 2 3.9.2", "write /srv/2/server.properties", "start 2"),
                rig.hosts.actions());
    }

    @Test
    void shouldHaltBetweenBrokersSayingWhyWhenThePauseCannotBeRead() {
        Rig rig = new Rig();
        // the pause marker's store stops answering while the canary rolls
        PauseCheck unreadable = () -> {
            if (rig.hosts.commands.contains("start 2")) {
                throw new IllegalStateException("cannot read the pause marker zookeeper://zk:2181/kupgrade/test/pause:"
                        + " ZooKeeper did not answer");
            }
            return Optional.empty();
        };

        RollOutcome outcome = rig.runner(true).pauseWhen(unreadable).run(Selection.all());

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().startsWith("cannot tell whether the cluster is paused"), outcome.message());
        assertTrue(outcome.message().contains("ZooKeeper did not answer"), outcome.message());
        assertEquals(List.of("binaries:2"), rig.journal.steps("broker-done"), "the canary was finished, no other");
        JournalEntry last = rig.journal.entries.get(rig.journal.entries.size() - 1);
        assertEquals(List.of("run", "halted"), List.of(last.step(), last.event()));
        assertTrue(rig.events.stream().anyMatch(e -> e.type() == ProgressEvent.Type.INFO
                && e.message().startsWith("cannot tell whether the cluster is paused")), "told before journaling");
    }
}
