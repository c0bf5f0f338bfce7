package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.RollEngine;
import io.kupgrade.orchestrator.engine.Rollbacks;
import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.engine.Step;
import io.kupgrade.orchestrator.engine.StepKind;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.pause.Pause;
import io.kupgrade.orchestrator.pause.PauseService;
import io.kupgrade.orchestrator.state.StateStores;
import io.kupgrade.orchestrator.topics.TopicFormatJournal;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoll;
import io.kupgrade.orchestrator.zookeeper.EnsembleRollback;
import io.kupgrade.orchestrator.zookeeper.EnsembleStep;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.Wave;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * {@code kupgrade status FILE}: done, in progress and next, from the journal; the pause and the lock holder as
 * they are now; all read where the plan's state lives, without taking the lock (no cluster, no host). Stateless
 * and thread-safe.
 */
public final class StatusService {
    /** How many of the latest topic-format changes {@code status} shows. */
    static final int RECENT_TOPIC_FORMATS = 5;

    /**
     * @param stateDir where journals live; null = {@code ~/.kupgrade/state}
     * @throws io.kupgrade.plans.PlanException for an invalid plan
     */
    public StatusReport status(Path planFile, Path stateDir) {
        Plan plan = PlanParser.parse(planFile);
        Path dir = ApplyService.stateDir(stateDir);
        List<JournalEntry> all = StateStores.readJournal(plan, dir);
        Pause pause = PauseService.current(plan, dir).orElse(null);
        StatusReport.Lock lock = StateStores.holder(plan, dir)
                .map(h -> new StatusReport.Lock(h, h.deadOnThisHost())).orElse(null);
        return status(plan, StateStores.journalLocation(plan, dir), all, pause, lock);
    }

    private StatusReport status(Plan plan, String journalFile, List<JournalEntry> all, Pause pause,
                                StatusReport.Lock lock) {
        String cluster = plan.cluster().name();
        // topic-format changes touch the cluster whatever plan they were run with
        List<TopicFormatJournal.Recorded> topicFormats = TopicFormatJournal.recent(all, RECENT_TOPIC_FORMATS);
        JournalView view;
        try {
            view = JournalView.of(all, plan.sha256());
        } catch (RunRefusedException e) {
            return new StatusReport(plan.source().toString(), plan.sha256(), cluster, journalFile, false,
                    List.of(), null, null, null, e.getMessage(), topicFormats, pause, lock);
        }
        List<BrokerSpec> brokers = brokersKnown(plan, view);
        RollEngine engine = new RollEngine(plan, brokers, Layouts.proposed(plan, brokers, OptionalInt.empty()));
        List<StatusReport.PhaseStatus> phases = new ArrayList<>();
        String ensembleNext = null;
        if (plan.zookeeperEnsemble() != null) {
            // the ensemble rolls first, one server at a time: one "wave" of its servers, in the plan's order
            EnsembleRoll roll = new EnsembleRoll(plan.zookeeperEnsemble());
            List<Integer> ids = plan.zookeeperEnsemble().servers().stream()
                    .map(ZooKeeperEnsembleSpec.ZooKeeperServerSpec::id).toList();
            List<Integer> done = roll.finishedOrder(view.entries());
            // a server rolled back counts as not rolled (its marker undid its entries), one half-restored as begun
            boolean halfRestored = !Rollbacks.unfinishedServers(view).isEmpty();
            boolean touched = halfRestored || !new EnsembleRollback(plan.zookeeperEnsemble()).touched(view).isEmpty();
            StatusReport.State state = roll.done(view.entries()) && !halfRestored ? StatusReport.State.DONE
                    : touched ? StatusReport.State.IN_PROGRESS : StatusReport.State.PENDING;
            phases.add(new StatusReport.PhaseStatus(ZooKeeperEnsembleSpec.PHASE_NAME, state, List.of(
                    new StatusReport.WaveStatus("servers", state, ids, done)), null));
            if (halfRestored) {
                ensembleNext = ZooKeeperEnsembleSpec.PHASE_NAME + ": finish the rollback of server(s) "
                        + Rollbacks.unfinishedServers(view) + " (kupgrade rollback PLAN --phase "
                        + ZooKeeperEnsembleSpec.PHASE_NAME + ")";
            } else if (state != StatusReport.State.DONE) {
                EnsembleStep step = roll.next(view.entries());
                ensembleNext = step.server() == null ? ZooKeeperEnsembleSpec.PHASE_NAME + ": the next server (followers"
                        + " first, the leader last)" : step.describe();
            }
        }
        for (PhaseSpec phase : plan.phases()) {
            List<StatusReport.WaveStatus> waves = new ArrayList<>();
            for (Wave w : engine.layout(view, phase)) {
                List<Integer> ids = w.brokers().stream().map(BrokerSpec::id).toList();
                List<Integer> done = ids.stream().filter(id -> view.brokerDone(phase.name(), id)).toList();
                StatusReport.State state = view.waveDone(phase.name(), w.name()) ? StatusReport.State.DONE
                        : done.isEmpty() && !brokerTouched(view, phase.name(), ids) ? StatusReport.State.PENDING
                        : StatusReport.State.IN_PROGRESS;
                waves.add(new StatusReport.WaveStatus(w.name(), state, ids, done));
            }
            StatusReport.State state = view.phaseDone(phase.name()) ? StatusReport.State.DONE
                    : view.phaseStart(phase.name()).isPresent() ? StatusReport.State.IN_PROGRESS
                    : StatusReport.State.PENDING;
            Boolean finalized = phase.finalizeMetadataVersion() == null ? null
                    : view.succeeded(StepKind.FINALIZE, phase.name(), null, null);
            phases.add(new StatusReport.PhaseStatus(phase.name(), state, waves, finalized));
        }
        String next = ensembleNext;
        if (next == null && !view.planDone()) {
            List<Step> steps = engine.remaining(view.entries(), engine.resolve(view, Selection.all()), s -> false);
            next = steps.isEmpty() ? null : steps.get(0).describe();
        }
        return new StatusReport(plan.source().toString(), plan.sha256(), cluster, journalFile,
                view.planDone(), phases, inProgress(view), lastRun(view), next, null, topicFormats, pause, lock);
    }

    private static boolean brokerTouched(JournalView view, String phase, List<Integer> ids) {
        return view.entries().stream().anyMatch(e -> phase.equals(e.phase()) && ids.contains(e.brokerId()));
    }

    /** The plan's brokers, or, when it names none, those of the journaled layouts. */
    private static List<BrokerSpec> brokersKnown(Plan plan, JournalView view) {
        if (!plan.brokers().isEmpty()) {
            return plan.brokers();
        }
        Map<Integer, BrokerSpec> byId = new LinkedHashMap<>();
        for (JournalEntry e : view.entries()) {
            if (StepKind.PHASE_START.journalName().equals(e.step()) && Journaling.SUCCEEDED.equals(e.event())) {
                for (Wave w : Journaling.layoutFrom(e.details(), id -> new BrokerSpec(id, "?", null, null))) {
                    w.brokers().forEach(b -> byId.putIfAbsent(b.id(), b));
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static StatusReport.BrokerInProgress inProgress(JournalView view) {
        List<JournalEntry> entries = view.entries();
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry e = entries.get(i);
            if (e.brokerId() == null || e.phase() == null) {
                continue;
            }
            if (StepKind.BROKER_DONE.journalName().equals(e.step()) || view.brokerDone(e.phase(), e.brokerId())) {
                return null;
            }
            boolean stopped = entries.stream().anyMatch(x -> Objects.equals(x.phase(), e.phase())
                    && Objects.equals(x.brokerId(), e.brokerId()) && StepKind.STOP.journalName().equals(x.step()));
            if (!stopped) {
                return null;
            }
            return new StatusReport.BrokerInProgress(e.phase(), e.wave(), e.brokerId(), e.step(), e.event(), e.at(),
                    e.details().get("reason"));
        }
        return null;
    }

    /** The last run of apply or of rollback (their run-level entries: {@code run}, {@code rollback}). */
    private static StatusReport.LastRun lastRun(JournalView view) {
        List<JournalEntry> entries = view.entries();
        JournalEntry start = null;
        JournalEntry end = null;
        for (JournalEntry e : entries) {
            if (Journaling.RUN.equals(e.step()) || Rollbacks.ROLLBACK_RUN.equals(e.step())) {
                if (Journaling.STARTED.equals(e.event())) {
                    start = e;
                    end = null;
                } else if (start != null && start.step().equals(e.step())) {
                    end = e;
                }
            }
        }
        if (start == null) {
            return null;
        }
        String command = Journaling.RUN.equals(start.step()) ? "apply" : "rollback";
        return new StatusReport.LastRun(command, start.at(), start.details().get("selection"),
                end == null ? "unfinished" : end.event(), end == null ? null : end.at(),
                end == null ? "no end recorded: the run is still going, or was killed (" + command + " resumes it)"
                        : end.details().get("message"));
    }
}
