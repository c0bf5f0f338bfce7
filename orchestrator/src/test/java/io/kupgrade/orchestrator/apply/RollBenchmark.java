package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.journal.JournalEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The figures of {@code bench/roll-benchmark.sh} (run by {@link ParallelRollIT}): a roll's wall time against
 * the brokers' own time, measured from the side by a {@link ClusterWatcher}.
 *
 * <p>A cycle is one broker (sequential) or one batch (parallel). Its inherent time is what the brokers take
 * whatever orchestrates them: from the first stop command to the last member's process exit, plus from the
 * first start command to the first watcher poll that finds the cluster healthy again (every ISR full, no
 * partition offline) with the members running. kupgrade's overhead is the wall time minus the sum of the
 * cycles' inherent times: pre-stop gates, noticing the exit, the gone gate, edits, noticing health (its
 * reaction), journaling and deciding. Reaction is the last post-start gate's success minus that healthy poll.
 */
final class RollBenchmark {
    private RollBenchmark() {
    }

    /** One roll: its plan's maxParallel, wall time and journal. */
    record Run(String name, int maxParallel, Duration wall, List<JournalEntry> journal) {
        /** The journaled batches, in order (empty for a sequential roll). */
        List<List<Integer>> batches() {
            List<List<Integer>> out = new ArrayList<>();
            for (JournalEntry e : journal) {
                if ("batch-start".equals(e.step()) && Journaling.SUCCEEDED.equals(e.event())) {
                    out.add(Journaling.batchFrom(e.details()));
                }
            }
            return out;
        }

        /** From the journal's run start to its run end: the roll without apply's start-up and closing. */
        Duration inRun() {
            Instant start = null;
            Instant end = null;
            for (JournalEntry e : journal) {
                if (Journaling.RUN.equals(e.step())) {
                    start = start == null && Journaling.STARTED.equals(e.event()) ? e.at() : start;
                    end = Journaling.STARTED.equals(e.event()) ? end : e.at();
                }
            }
            return start == null || end == null ? wall : Duration.between(start, end);
        }

        /** The cycles: the batches, or each stopped broker alone, in roll order. */
        List<List<Integer>> cycles() {
            List<List<Integer>> batches = batches();
            if (!batches.isEmpty()) {
                return batches;
            }
            List<List<Integer>> out = new ArrayList<>();
            for (JournalEntry e : journal) {
                if ("stop".equals(e.step()) && Journaling.STARTED.equals(e.event())) {
                    out.add(List.of(e.brokerId()));
                }
            }
            return out;
        }
    }

    /** The gates' poll interval of the benchmark's plans; {@code -Dbench.pollInterval=100ms} to compare. */
    static final String POLL_INTERVAL = System.getProperty("bench.pollInterval", "250ms");

    /** Rounds of the sequential and the parallel roll; {@code -Dbench.rounds=3} for medians over three. */
    static final int ROUNDS = Math.max(1, Integer.getInteger("bench.rounds", 1));

    /** The gates' stable polls of the benchmark's plans; {@code -Dbench.stablePolls=1} to see what the second costs. */
    static final int STABLE_POLLS = Integer.getInteger("bench.stablePolls", 2);

    /** A rolling restart of the sandbox's brokers in one wave, gates polled every {@link #POLL_INTERVAL}. */
    static String restartPlan(String sandboxPlan, int maxParallel) {
        int at = sandboxPlan.indexOf("\nwaves:");
        if (at < 0) {
            throw new IllegalArgumentException("not a sandbox plan: no waves line");
        }
        return withoutControllers(sandboxPlan.substring(0, at + 1))
                + "waves: [\"100%\"]\n"
                + "gates: {pollInterval: " + POLL_INTERVAL + ", timeout: 3m, stablePolls: " + STABLE_POLLS + "}\n"
                + "rollout: {maxParallel: " + maxParallel + ", rackAware: true, leaders: {electPreferred: false}}\n"
                + "phases:\n"
                + "  - name: restart\n";
    }

    /**
     * The plan's text without its dedicated controllers: the benchmark rolls brokers, and its single dedicated
     * controller cannot restart without stopping the metadata quorum (voterCanStop refuses it).
     */
    static String withoutControllers(String planText) {
        return planText.lines().filter(l -> !l.contains("role: controller"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** One cycle's measured times. */
    record Cycle(List<Integer> brokers, Duration stopToExit, Duration startToHealthy, Duration reaction) {
        Duration inherent() {
            return stopToExit.plus(startToHealthy);
        }
    }

    static List<Cycle> cycles(Run run, List<ClusterWatcher.Sample> samples) {
        List<Cycle> out = new ArrayList<>();
        for (List<Integer> members : run.cycles()) {
            Instant stopSent = first(run, "stop", Journaling.STARTED, members);
            Instant startFirst = first(run, "start", Journaling.STARTED, members);
            Instant startLast = last(run, "start", Journaling.STARTED, members);
            Instant gated = last(run, "post-start-gates", Journaling.SUCCEEDED, members);
            Instant exited = null;
            for (int id : members) {
                Optional<ClusterWatcher.Sample> gone = samples.stream()
                        .filter(s -> !s.at().isBefore(stopSent) && !s.running().contains(id)).findFirst();
                if (gone.isPresent() && (exited == null || gone.get().at().isAfter(exited))) {
                    exited = gone.get().at();
                }
            }
            Optional<ClusterWatcher.Sample> healthy = samples.stream().filter(s -> !s.at().isBefore(startLast)
                    && s.healthy() && s.running().containsAll(members)).findFirst();
            if (exited == null || healthy.isEmpty()) {
                throw new IllegalStateException("the watcher did not see cycle " + members + " (exit " + exited
                        + ", healthy " + healthy + ")");
            }
            out.add(new Cycle(members, Duration.between(stopSent, exited),
                    Duration.between(startFirst, healthy.get().at()), Duration.between(healthy.get().at(), gated)));
        }
        return out;
    }

    /**
     * Where a roll's time inside the run went, from its journal alone: the summed duration of each step kind
     * (its {@code started} to its end; a step journaled only at its end, such as {@code phase-start}, counts 0),
     * and the time between one step's end and the next one's start or the run's end (deciding, pause checks,
     * progress output).
     * The kinds that are all waiting on the brokers (await-exit, post-start-gates) hold the inherent time too.
     */
    static Map<String, Duration> profile(Run run) {
        Map<String, Duration> out = new LinkedHashMap<>();
        Map<String, Instant> open = new LinkedHashMap<>();
        Instant lastEnd = null;
        Duration between = Duration.ZERO;
        Instant runEnd = null;
        for (JournalEntry e : run.journal()) {
            if (Journaling.RUN.equals(e.step())) {
                if (Journaling.STARTED.equals(e.event())) {
                    lastEnd = e.at();
                } else {
                    runEnd = e.at();
                }
                continue;
            }
            String key = e.step() + "/" + e.brokerId();
            if (Journaling.STARTED.equals(e.event())) {
                if (lastEnd != null && open.isEmpty()) {
                    between = between.plus(Duration.between(lastEnd, e.at()));
                }
                open.put(key, e.at());
            } else {
                Instant began = open.remove(key);
                out.merge(e.step(), began == null ? Duration.ZERO : Duration.between(began, e.at()), Duration::plus);
                lastEnd = e.at();
            }
        }
        if (runEnd != null && lastEnd != null) {
            between = between.plus(Duration.between(lastEnd, runEnd));
        }
        out.put("between steps", between);
        return out;
    }

    /** One round: the same rolling restart, sequential then parallel, on the same sandbox. */
    record Round(Run sequential, Run parallel) {
        double ratio() {
            return parallel.wall().toMillis() / (double) sequential.wall().toMillis();
        }
    }

    /** What the targets look at in one round. */
    private record Figures(double ratio, double sequentialOverhead, long worstReactionMs) {
    }

    /**
     * The figures of every round, then (with more than one) their medians; the targets line is on the medians:
     * one round proves little when the same code gives ratios from 0.5 to 0.8 from one run to the next.
     */
    static String report(List<Round> rounds, ClusterWatcher watcher) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "bench: gates polled every %s, %d stable"
                + " polls; %d round(s) of a sequential then a parallel roll%n", POLL_INTERVAL, STABLE_POLLS,
                rounds.size()));
        List<Figures> figures = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            if (rounds.size() > 1) {
                b.append(String.format(Locale.ROOT, "bench: round %d%n", i + 1));
            }
            figures.add(round(rounds.get(i), watcher.samples(), b));
        }
        double ratio = median(figures.stream().map(Figures::ratio).toList());
        double overhead = median(figures.stream().map(Figures::sequentialOverhead).toList());
        double reaction = median(figures.stream().map(f -> (double) f.worstReactionMs()).toList());
        if (rounds.size() > 1) {
            b.append(String.format(Locale.ROOT, "bench: over %d rounds: ratio %s, sequential overhead %s%%%n",
                    rounds.size(), figures.stream().map(f -> String.format(Locale.ROOT, "%.2f", f.ratio())).toList(),
                    figures.stream().map(f -> String.format(Locale.ROOT, "%.1f", f.sequentialOverhead())).toList()));
        }
        String of = rounds.size() > 1 ? " (median of the rounds)" : "";
        b.append(String.format(Locale.ROOT, "bench: targets (issue 7)%s: parallel/sequential <= 0.60: %.2f %s;"
                        + " overhead <= 5%% of the sequential roll: %.1f%% %s; reaction to healthy <= 1 s (median,"
                        + " worse of the two rolls): %.2f s %s%n", of, ratio, met(ratio <= 0.6), overhead,
                met(overhead <= 5.0), reaction / 1e3, met(reaction <= 1000)));
        b.append(String.format(Locale.ROOT, "bench: watcher %d polls (%d failed reads), %d partitions seen under"
                + " min ISR or offline%n", watcher.polls(), watcher.failedReads(), watcher.violations().size()));
        return b.toString();
    }

    private static Figures round(Round round, List<ClusterWatcher.Sample> samples, StringBuilder b) {
        double sequentialOverhead = 0;
        long worstReaction = 0;
        for (Run run : List.of(round.sequential(), round.parallel())) {
            List<Cycle> cycles = cycles(run, samples);
            Duration inherent = cycles.stream().map(Cycle::inherent).reduce(Duration.ZERO, Duration::plus);
            Duration overhead = run.wall().minus(inherent);
            List<Long> reactions = cycles.stream().map(c -> c.reaction().toMillis()).sorted().toList();
            if (run == round.sequential()) {
                sequentialOverhead = 100.0 * overhead.toMillis() / run.wall().toMillis();
            }
            worstReaction = Math.max(worstReaction, reactions.get(reactions.size() / 2));
            Duration outside = run.wall().minus(run.inRun());
            b.append(String.format(Locale.ROOT, "bench: %-10s maxParallel %d: wall %.1f s, %d cycles %s; inherent"
                            + " (stop->exit + start->healthy) %.1f s; kupgrade overhead %.1f s = %.1f%% of wall"
                            + " (%.1f s of it outside the run: JVM warm-up, plan, lock, first read, closing; %.1f%%"
                            + " without, %.2f s a cycle); reaction to healthy median %.2f s, max %.2f s%n", run.name(),
                    run.maxParallel(), secs(run.wall()), cycles.size(), run.cycles(), secs(inherent), secs(overhead),
                    100.0 * overhead.toMillis() / run.wall().toMillis(), secs(outside),
                    100.0 * overhead.minus(outside).toMillis() / run.inRun().toMillis(),
                    secs(overhead.minus(outside)) / cycles.size(),
                    reactions.get(reactions.size() / 2) / 1e3, reactions.get(reactions.size() - 1) / 1e3));
            StringBuilder steps = new StringBuilder();
            profile(run).forEach((step, d) -> steps.append(String.format(Locale.ROOT, " %s %.2f s;", step,
                    secs(d))));
            b.append("bench:   in the run, summed by step:").append(steps).append(System.lineSeparator());
            for (Cycle c : cycles) {
                b.append(String.format(Locale.ROOT, "bench:   cycle %-8s stop->exit %.1f s, start->healthy %.1f s,"
                        + " reaction %.2f s%n", c.brokers(), secs(c.stopToExit()), secs(c.startToHealthy()),
                        c.reaction().toMillis() / 1e3));
            }
        }
        b.append(String.format(Locale.ROOT, "bench: parallel / sequential wall time = %.2f%n", round.ratio()));
        return new Figures(round.ratio(), sequentialOverhead, worstReaction);
    }

    /** The median (the mean of the middle two for an even count). */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT met";
    }

    private static double secs(Duration d) {
        return d.toMillis() / 1e3;
    }

    private static Instant first(Run run, String step, String event, List<Integer> members) {
        return run.journal().stream().filter(e -> step.equals(e.step()) && event.equals(e.event())
                && members.contains(e.brokerId())).map(JournalEntry::at).min(Instant::compareTo)
                .orElseThrow(() -> new IllegalStateException("no " + step + " " + event + " for " + members));
    }

    private static Instant last(Run run, String step, String event, List<Integer> members) {
        return run.journal().stream().filter(e -> step.equals(e.step()) && event.equals(e.event())
                && members.contains(e.brokerId())).map(JournalEntry::at).max(Instant::compareTo)
                .orElseThrow(() -> new IllegalStateException("no " + step + " " + event + " for " + members));
    }
}
