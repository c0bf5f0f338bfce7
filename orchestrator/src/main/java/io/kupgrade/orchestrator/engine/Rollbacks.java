package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The journal's vocabulary for undoing a phase on brokers ({@code kupgrade rollback}, and {@code onFailure:
 * revert} inside {@code apply}), and what an undo means for the rest of the journal. Part of the journal
 * format: add, never rename.
 *
 * <p>A broker's restore is journaled as steps named {@code rollback-<step>} (the rollback command) or
 * {@code revert-<step>} (a revert inside apply), see {@link RestoreStep}, and ends with one
 * {@value #ROLLED_BACK} marker for (phase, wave, broker). That marker undoes the broker's earlier entries of
 * the phase: {@link JournalView} reads the journal without them, together with the earlier {@code wave-done}
 * and {@code soak} of its wave, the earlier {@code phase-done} of its phase and any earlier {@code plan-done}.
 * So after a rollback {@code apply} rolls those brokers again from the start, and a broker is either
 * "done for the phase", "rolled back", or visibly half-way through one of the two (never silently skipped).
 *
 * <p>A ZooKeeper server of the plan's ensemble is restored the same way, its entries told apart as the ensemble
 * roll's are: phase {@value ZooKeeperEnsembleSpec#PHASE_NAME}, wave {@code server-<id>}, no broker id. Its
 * {@value #ROLLED_BACK} marker undoes the server's earlier entries (those of its wave) and the ensemble's
 * {@code phase-done}, so {@code apply} rolls that server again.
 * Stateless.
 */
public final class Rollbacks {
    /** Marker: the broker runs its pre-phase config (and binaries, where the plan says how) again, gated. */
    public static final String ROLLED_BACK = "rolled-back";
    /** Run-level step of the rollback command: {@code started}, then an outcome event. */
    public static final String ROLLBACK_RUN = "rollback";
    /** Run-level entry: the rollback was forced across a point of no return; details say which and why. */
    public static final String FORCED = "rollback-forced";
    /** Step-name prefix of the rollback command's steps. */
    public static final String ROLLBACK_PREFIX = "rollback-";
    /** Step-name prefix of apply's revert steps ({@code onFailure: revert}). */
    public static final String REVERT_PREFIX = "revert-";
    /** {@value #ROLLED_BACK} detail: {@code rollback} or {@code revert}. */
    public static final String BY = "by";
    /** The journal wave of a ZooKeeper server's entries is this prefix and its id (as the ensemble roll writes). */
    private static final String SERVER_WAVE_PREFIX = "server-";

    private Rollbacks() {
    }

    /** True for a restore step of either origin ({@code rollback-stop}, {@code revert-start}, ...). */
    public static boolean isRestoreStep(String step) {
        return step != null && (step.startsWith(ROLLBACK_PREFIX) || step.startsWith(REVERT_PREFIX))
                && !FORCED.equals(step);
    }

    /** The {@link RestoreStep} a journal step name means, whatever its prefix; null for other steps. */
    public static RestoreStep restoreStep(String step) {
        if (!isRestoreStep(step)) {
            return null;
        }
        String base = step.startsWith(ROLLBACK_PREFIX) ? step.substring(ROLLBACK_PREFIX.length())
                : step.substring(REVERT_PREFIX.length());
        return RestoreStep.fromBaseName(base);
    }

    /**
     * The journal without the entries a later {@value #ROLLED_BACK} marker undid (see the class comment).
     * Entries stay in their order; the markers themselves stay.
     */
    public static List<JournalEntry> withoutUndone(List<JournalEntry> entries) {
        List<Integer> markers = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry e = entries.get(i);
            if (ROLLED_BACK.equals(e.step()) && Journaling.SUCCEEDED.equals(e.event())) {
                markers.add(i);
            }
        }
        if (markers.isEmpty()) {
            return entries;
        }
        List<JournalEntry> kept = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry e = entries.get(i);
            boolean undone = false;
            for (int m : markers) {
                if (m > i && undoes(entries.get(m), e)) {
                    undone = true;
                    break;
                }
            }
            if (!undone) {
                kept.add(e);
            }
        }
        return kept;
    }

    private static boolean undoes(JournalEntry marker, JournalEntry e) {
        if (!Objects.equals(marker.planSha256(), e.planSha256())) {
            return false;
        }
        if (StepKind.PLAN_DONE.journalName().equals(e.step())) {
            return true;
        }
        if (!Objects.equals(marker.phase(), e.phase())) {
            return false;
        }
        if (isServerEntry(marker)) {
            // a ZooKeeper server: its own entries (its wave), and the ensemble's phase-done
            return e.brokerId() == null && (Objects.equals(marker.wave(), e.wave())
                    || StepKind.PHASE_DONE.journalName().equals(e.step()));
        }
        if (e.brokerId() != null) {
            return e.brokerId().equals(marker.brokerId());
        }
        String step = e.step();
        if (StepKind.PHASE_DONE.journalName().equals(step)) {
            return true;
        }
        return (StepKind.WAVE_DONE.journalName().equals(step) || StepKind.SOAK.journalName().equals(step))
                && Objects.equals(marker.wave(), e.wave());
    }

    /**
     * True when the plan with {@code sha} changed nothing that is still changed: no broker of it was stopped
     * (or every one was rolled back or reverted since), none is half-way through a restore, nothing was
     * finalized. Another plan may then start on the journal, e.g. a fixed plan after a canary was reverted.
     */
    public static boolean leftNoTrace(List<JournalEntry> all, String sha) {
        for (JournalEntry e : withoutUndone(all)) {
            if (Objects.equals(sha, e.planSha256()) && (StepKind.STOP.journalName().equals(e.step())
                    || StepKind.FINALIZE.journalName().equals(e.step()) || ((e.brokerId() != null
                    || isServerEntry(e)) && isRestoreStep(e.step())))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The brokers of {@code phase} that apply touched (their stop was at least started), not rolled back
     * since, in the order they were first stopped.
     */
    public static List<Integer> touched(JournalView view, String phase) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (JournalEntry e : view.entries()) {
            if (phase.equals(e.phase()) && e.brokerId() != null && StepKind.STOP.journalName().equals(e.step())) {
                ids.add(e.brokerId());
            }
        }
        return new ArrayList<>(ids);
    }

    /** True when apply touched a broker of the phase or finalized it (finalizing changes the cluster). */
    public static boolean phaseTouched(JournalView view, String phase) {
        return !touched(view, phase).isEmpty() || view.entries().stream().anyMatch(e -> phase.equals(e.phase())
                && StepKind.FINALIZE.journalName().equals(e.step()));
    }

    /**
     * Brokers half-way through a restore: restore steps journaled for (phase, broker) with no
     * {@value #ROLLED_BACK} marker after them, phase -> broker ids, in journal order.
     */
    public static Map<String, Set<Integer>> unfinished(JournalView view) {
        Map<String, Set<Integer>> out = new LinkedHashMap<>();
        for (JournalEntry e : view.entries()) {
            if (e.brokerId() != null && isRestoreStep(e.step())) {
                out.computeIfAbsent(e.phase(), k -> new LinkedHashSet<>()).add(e.brokerId());
            }
        }
        return out;
    }

    /**
     * True for an entry of a ZooKeeper server of the plan's ensemble: phase
     * {@value ZooKeeperEnsembleSpec#PHASE_NAME}, wave {@code server-<id>}, no broker.
     */
    public static boolean isServerEntry(JournalEntry e) {
        return ZooKeeperEnsembleSpec.PHASE_NAME.equals(e.phase()) && e.brokerId() == null && e.wave() != null
                && e.wave().startsWith(SERVER_WAVE_PREFIX);
    }

    /**
     * ZooKeeper servers half-way through a rollback: restore steps journaled for the server with no
     * {@value #ROLLED_BACK} marker after them, in journal order.
     */
    public static Set<Integer> unfinishedServers(JournalView view) {
        Set<Integer> out = new LinkedHashSet<>();
        for (JournalEntry e : view.entries()) {
            if (isServerEntry(e) && isRestoreStep(e.step())) {
                try {
                    out.add(Integer.parseInt(e.wave().substring(SERVER_WAVE_PREFIX.length())));
                } catch (NumberFormatException ignored) {
                    // not a server's wave
                }
            }
        }
        return out;
    }

    /** The {@code rollback} run-level entry: {@code started}, then the run's outcome. */
    public static JournalEntry runEntry(Instant at, String sha, String event, Map<String, String> details) {
        return new JournalEntry(at, sha, null, null, null, ROLLBACK_RUN, event, details);
    }

    /** The {@value #FORCED} entry: which refusals {@code --force} overrode, and who forced them. */
    public static JournalEntry forcedEntry(Instant at, String sha, String phase, List<String> forcedOver) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < forcedOver.size(); i++) {
            f.put("overrode." + i, forcedOver.get(i));
        }
        f.put("user", System.getProperty("user.name", "?"));
        return new JournalEntry(at, sha, phase, null, null, FORCED, Journaling.SUCCEEDED, f);
    }

    /**
     * Why {@code apply} cannot run now: a broker or a ZooKeeper server is half-way through a restore, and rolling
     * it forward would take its half-restored state for "done". Empty when none is.
     */
    public static Optional<String> applyBlocked(JournalView view) {
        Set<Integer> servers = unfinishedServers(view);
        if (!servers.isEmpty()) {
            return Optional.of("ZooKeeper server(s) " + servers + " are half-way through a rollback; finish it first"
                    + " with `kupgrade rollback PLAN --phase " + ZooKeeperEnsembleSpec.PHASE_NAME + "`, then apply"
                    + " again");
        }
        Map<String, Set<Integer>> open = unfinished(view);
        if (open.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<String, Set<Integer>> first = open.entrySet().iterator().next();
        return Optional.of("broker(s) " + first.getValue() + " of phase " + first.getKey() + " are half-way through"
                + " a rollback or revert; finish it first with `kupgrade rollback PLAN --phase " + first.getKey()
                + "`, then apply again");
    }
}
