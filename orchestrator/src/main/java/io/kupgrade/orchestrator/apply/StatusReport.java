package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.lock.LockHolder;
import io.kupgrade.orchestrator.pause.Pause;
import io.kupgrade.orchestrator.topics.TopicFormatJournal;
import java.time.Instant;
import java.util.List;

/**
 * {@code kupgrade status}: where the plan's roll stands according to the journal. Immutable.
 *
 * @param journal the journal file read
 * @param planDone every phase done
 * @param inProgress the broker a run left between its stop and broker-done (resumed by the next apply); null
 * @param lastRun the latest run; null when the plan never ran
 * @param next what the next {@code apply} does first, for people; null when the plan is done
 * @param problem when not null, why the journal cannot be resumed with this plan (another plan's unfinished run)
 * @param topicFormats the latest {@code kupgrade topic-format} changes journaled for the cluster (by any plan),
 *     oldest first, at most 5
 * @param pause the pause in effect ({@code kupgrade pause}); null when runs are not paused
 * @param lock who holds the cluster's lock (a run in progress, or one killed without releasing it); null when
 *     nobody does
 */
public record StatusReport(String planFile, String planSha256, String cluster, String journal, boolean planDone,
                           List<PhaseStatus> phases, BrokerInProgress inProgress, LastRun lastRun, String next,
                           String problem, List<TopicFormatJournal.Recorded> topicFormats, Pause pause, Lock lock) {

    public StatusReport {
        phases = List.copyOf(phases);
        topicFormats = List.copyOf(topicFormats);
    }

    /**
     * The holder of the cluster's lock.
     *
     * @param holderGone the holder's process is no longer running on this host (killed): the next run takes the
     *     lock over. False when it runs, and for a holder on another host, which cannot be checked from here
     */
    public record Lock(LockHolder holder, boolean holderGone) {
    }

    /** Done, started, or not started. */
    public enum State { DONE, IN_PROGRESS, PENDING }

    /** @param finalized for phases with finalizeMetadataVersion: whether the finalize succeeded */
    public record PhaseStatus(String name, State state, List<WaveStatus> waves, Boolean finalized) {
        public PhaseStatus {
            waves = List.copyOf(waves);
        }
    }

    /** @param brokers in roll order; {@code brokersDone} those with broker-done */
    public record WaveStatus(String name, State state, List<Integer> brokers, List<Integer> brokersDone) {
        public WaveStatus {
            brokers = List.copyOf(brokers);
            brokersDone = List.copyOf(brokersDone);
        }
    }

    /** The last journaled step of an unfinished broker. */
    public record BrokerInProgress(String phase, String wave, int brokerId, String lastStep, String lastEvent,
                                   Instant at, String reason) {
    }

    /**
     * @param command {@code apply} or {@code rollback}: whichever of the two ran last
     * @param outcome {@code succeeded}, {@code halted}, {@code failed}, {@code interrupted}, {@code declined},
     *     {@code paused}, or
     *     {@code unfinished} when the run has no end entry (it is running, or was killed)
     */
    public record LastRun(String command, Instant startedAt, String selection, String outcome, Instant endedAt,
                          String message) {
        /** The run as typed, e.g. {@code apply --wave canary}, {@code rollback --phase binaries}. */
        public String commandLine() {
            if (selection == null) {
                return command;
            }
            return selection.startsWith(command + " ") ? selection : command + " " + selection;
        }
    }
}
