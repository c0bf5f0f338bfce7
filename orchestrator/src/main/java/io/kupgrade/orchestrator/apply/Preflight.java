package io.kupgrade.orchestrator.apply;

import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.orchestrator.config.PropertiesEditor;
import io.kupgrade.orchestrator.engine.Commands;
import io.kupgrade.orchestrator.engine.Step;
import io.kupgrade.orchestrator.engine.StepKind;
import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostAccessException;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a run checks before it touches anything, beyond the gates: that each broker of the plan is the broker its
 * host runs, that the plan names every broker the cluster has before a point of no return, that no broker holds a
 * replica it can never stop safely, and that {@code service.isRunning} sees the brokers' processes. Each finding
 * that would only surface after a stop or a gate timeout refuses the run at once.
 *
 * <p>Identity: every gate is about a broker id (canStop(3), broker 3 gone, broker 3 back), while the stop and
 * start commands act on a host. A plan whose broker 3 names the host that runs broker 5 (a copy-paste slip, a
 * renumbered fleet) would check that broker 3 may stop and then stop broker 5, unchecked; with
 * {@code maxParallel} &gt; 1 that can take partitions offline. The broker's own {@code server.properties}, read
 * on its host through the executor, says which broker it is ({@code node.id}, else {@code broker.id}); the
 * advertised host name cannot, as it often differs from the name kupgrade reaches the host by.
 *
 * <p>Coverage: a registered broker the plan does not list is left as it is. Before a protocol or format bump
 * that is unsafe: "bumping the IBP before every broker runs the new binary makes new-IBP brokers send versions
 * that old binaries reject" (reference §5, "IBP or version mismatch"); so a point-of-no-return phase is refused
 * while a registered broker is missing from the plan, and any other phase is only warned about.
 */
final class Preflight {
    /** Topics named in a message; the rest are counted. */
    private static final int TOPICS_NAMED = 10;

    private Preflight() {
    }

    /**
     * What the identity check found: a mismatch or an unreadable config refuses the run; notes are said and the
     * run goes on.
     */
    record Identities(List<String> mismatches, List<String> unreadable, List<String> notes) {
        Identities {
            mismatches = List.copyOf(mismatches);
            unreadable = List.copyOf(unreadable);
            notes = List.copyOf(notes);
        }

        /** Why the run may not start, one line; empty when every broker is who the plan says. */
        Optional<String> refusal() {
            List<String> why = new ArrayList<>();
            if (!mismatches.isEmpty()) {
                why.add(String.join("; ", mismatches) + ": the stop and start commands would act on another broker"
                        + " than the gates check. Fix the plan's brokers (id and host) or service.configFile");
            }
            if (!unreadable.isEmpty()) {
                why.add(String.join("; ", unreadable) + ": service.configFile must be each broker's"
                        + " server.properties (its id is checked there before a stop, and set/unset edit it)");
            }
            return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
        }
    }

    /** A broker id as a config file states it, and the property that states it. */
    record StatedId(String property, int id) {
    }

    /**
     * The broker id a {@code server.properties} states: {@code node.id} (KRaft), else {@code broker.id}; empty
     * when it states neither as a number of at least 0 (a ZooKeeper-mode generated id, -1 or absent; a config
     * provider reference).
     */
    static Optional<StatedId> statedId(String serverProperties) {
        Map<String, String> props = PropertiesEditor.read(serverProperties);
        for (String key : List.of("node.id", "broker.id")) {
            String value = props.get(key);
            if (value != null) {
                try {
                    int id = Integer.parseInt(value.trim());
                    return id >= 0 ? Optional.of(new StatedId(key, id)) : Optional.empty();
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Reads each broker's {@code service.configFile} on its host and compares the id it states with the plan's.
     * A file that cannot be read is a problem too: the run would stop the broker and then fail to edit it (or
     * restart it with a file nobody checked).
     *
     * @throws HostUnreachableException when a host cannot be reached, {@link HostAccessException} when it refuses
     *     kupgrade (its host key, the login): the caller's exit code says so
     */
    static Identities identities(Plan plan, List<BrokerSpec> brokers, HostExecutor executor) {
        return identities(plan, brokers, executor::readFile);
    }

    /** Reads a file on a host, as {@link HostExecutor#readFile}. */
    @FunctionalInterface
    interface ConfigReader {
        String read(String host, String path);
    }

    /**
     * {@code executor}'s reads kept in {@code files} (key {@code host:path}; null for a file that could not be read),
     * the map {@code plan} and {@code apply --dry-run} build their config diffs from: each file is read once.
     */
    static ConfigReader caching(HostExecutor executor, Map<String, String> files) {
        return (host, path) -> {
            String key = host + ":" + path;
            if (files.containsKey(key)) {
                String text = files.get(key);
                if (text == null) {
                    throw new IllegalStateException("cannot read " + path + " on " + host);
                }
                return text;
            }
            try {
                String text = executor.readFile(host, path);
                files.put(key, text);
                return text;
            } catch (HostUnreachableException | HostAccessException e) {
                throw e;
            } catch (RuntimeException e) {
                files.put(key, null);
                throw e;
            }
        };
    }

    /** {@link #identities(Plan, List, HostExecutor)}, reading through {@code reader}. */
    static Identities identities(Plan plan, List<BrokerSpec> brokers, ConfigReader reader) {
        List<String> mismatches = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (BrokerSpec b : brokers) {
            String path = Commands.render(plan.service().configFile(), b);
            Optional<StatedId> stated;
            try {
                stated = statedId(reader.read(b.host(), path));
            } catch (HostUnreachableException | HostAccessException e) {
                // the host, its key or the login: exit 7 with the executor's own words, not a plan problem
                throw e;
            } catch (RuntimeException e) {
                unreadable.add("cannot read " + b.describe() + "'s config (" + e.getMessage() + ")");
                continue;
            }
            if (stated.isEmpty()) {
                notes.add(path + " on " + b.host() + " states no node.id or broker.id: not checked that it is "
                        + b.describe());
            } else if (stated.get().id() != b.id()) {
                mismatches.add("the plan's " + b.describe() + " is on " + b.host() + ", but " + path + " there says "
                        + stated.get().property() + "=" + stated.get().id());
            }
        }
        return new Identities(mismatches, unreadable, notes);
    }

    /** For {@code plan} and {@code apply --dry-run}: what apply's identity check would say, as notes. */
    static List<String> identityNotes(Plan plan, List<BrokerSpec> brokers, ConfigReader reader) {
        try {
            Identities found = identities(plan, brokers, reader);
            List<String> out = new ArrayList<>(found.notes());
            found.refusal().ifPresent(why -> out.add(why + ": apply refuses to start"));
            return out;
        } catch (HostUnreachableException | HostAccessException e) {
            return List.of("brokers' identities not checked (" + e.getMessage() + ")");
        }
    }

    /**
     * Asks the plan's {@code service.isRunning} about every listed broker the cluster has registered: it must say
     * running. One that says otherwise is a wrong command (a typo exits 127, a pattern that matches no process) and
     * would make the roll misjudge that broker's stop and start: take the exit as done at once, then wait out the
     * start timeout for a process it cannot see. Dedicated controllers are not registered brokers and are not
     * asked; a broker that is down is not asked (a resumed run starts it).
     *
     * @return the refusal, one line; empty when every answer agrees with the cluster
     * @throws HostUnreachableException when a host cannot be reached
     */
    static Optional<String> processes(Plan plan, List<BrokerSpec> brokers, ClusterSnapshot snapshot,
                                      HostExecutor executor, Duration timeout) {
        if (snapshot == null) {
            return Optional.empty();
        }
        List<String> wrong = new ArrayList<>();
        for (BrokerSpec b : brokers) {
            if (b.dedicatedController() || !snapshot.registered(b.id())) {
                continue;
            }
            CommandResult r = executor.run(b.host(), Commands.render(plan.service().isRunning(), b), timeout);
            if (r.timedOut()) {
                wrong.add(b.describe() + ": it timed out after " + timeout.toSeconds() + " s");
            } else if (r.exitCode() != 0) {
                wrong.add(b.describe() + ": it exited " + r.exitCode() + (r.exitCode() == 127 ? " (command not found)"
                        : r.exitCode() == 126 ? " (not executable)" : ""));
            }
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of("service.isRunning does not say running for registered "
                + String.join("; ", wrong) + ": the roll judges each stop and start by it, so it must exit 0 while"
                + " the broker's process runs (a wrong path, or a check of another process? A broker that stopped a"
                + " moment ago: run apply again)");
    }

    /**
     * Registered brokers the plan does not list; none when the plan lists no broker (it then rolls the
     * registered ones) or when the cluster was not read.
     */
    static SortedSet<Integer> unlisted(Plan plan, ClusterSnapshot snapshot) {
        SortedSet<Integer> ids = new TreeSet<>();
        if (plan.brokers().isEmpty() || snapshot == null) {
            return ids;
        }
        ids.addAll(snapshot.brokers().keySet());
        plan.brokers().forEach(b -> ids.remove(b.id()));
        return ids;
    }

    /**
     * Why a run that would take a point-of-no-return phase ({@code touched}) may not start while registered
     * brokers are missing from the plan; empty when there is no such phase or no such broker.
     */
    static Optional<String> unlistedRefusal(Plan plan, ClusterSnapshot snapshot, Predicate<PhaseSpec> touched) {
        SortedSet<Integer> missing = unlisted(plan, snapshot);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return plan.phases().stream().filter(p -> p.pointOfNoReturn() && touched.test(p)).findFirst()
                .map(p -> unlistedBeforePointOfNoReturn(missing, p));
    }

    /** For {@code plan} and {@code apply --dry-run}: the refusal apply would give, else the warning; or none. */
    static Optional<String> unlistedNote(Plan plan, ClusterSnapshot snapshot, Predicate<PhaseSpec> touched) {
        Optional<String> refusal = unlistedRefusal(plan, snapshot, touched);
        return refusal.isPresent() ? refusal.map(why -> why + ": apply refuses to start")
                : unlistedWarning(plan, snapshot);
    }

    /** Why {@code phase} may not start while {@code missing} are registered and not in the plan. */
    static String unlistedBeforePointOfNoReturn(SortedSet<Integer> missing, PhaseSpec phase) {
        return brokers(missing) + " registered in the cluster but not in the plan's brokers, and phase " + phase.name()
                + " is a point of no return (" + String.join("; ", phase.pointOfNoReturnReasons()) + "): a broker"
                + " left behind on the old binaries or protocol cannot follow the others after it (reference §5,"
                + " \"IBP or version mismatch\"). List " + (missing.size() == 1 ? "it" : "them") + " in brokers (a"
                + " broker whose config is already as the phase wants it is only restarted)";
    }

    /** The warning for a run that leaves registered brokers as they are; empty when the plan lists them all. */
    static Optional<String> unlistedWarning(Plan plan, ClusterSnapshot snapshot) {
        SortedSet<Integer> missing = unlisted(plan, snapshot);
        return missing.isEmpty() ? Optional.empty() : Optional.of("WARNING: " + brokers(missing)
                + " registered in the cluster but not in the plan's brokers: this run leaves "
                + (missing.size() == 1 ? "it" : "them") + " as " + (missing.size() == 1 ? "it is" : "they are"));
    }

    /**
     * The brokers {@code steps} (the run's remaining steps, {@code RollEngine.remaining}) would stop: those of its
     * stop steps and the candidates of its batches, in order; none for a finalize-only or closing run.
     */
    static List<BrokerSpec> stopping(List<Step> steps) {
        Map<Integer, BrokerSpec> out = new java.util.LinkedHashMap<>();
        for (Step s : steps) {
            if (s.kind() == StepKind.STOP && s.broker() != null) {
                out.putIfAbsent(s.broker().id(), s.broker());
            }
            if (s.kind() == StepKind.BATCH_START) {
                s.candidates().forEach(b -> out.putIfAbsent(b.id(), b));
            }
        }
        return List.copyOf(out.values());
    }

    /**
     * Why the run's brokers can never all pass canStop, whatever the cluster does meanwhile: some hold a replica of a
     * partition with one replica, or of a topic whose {@code min.insync.replicas} is at least its replication
     * factor, which goes offline or under min ISR whenever one replica stops ({@code kupgrade check}'s RF1_TOPICS
     * and MIN_ISR_AT_RF). Without this the first such broker's pre-stop gates wait out the gate timeout (15 min
     * by default) before the run halts. A topic whose config could not be read is left to the gate, and a broker
     * that is not registered is not counted (it is down: a resumed run starts it, it does not stop it); empty when
     * nothing blocks.
     */
    static Optional<String> neverStoppable(ClusterSnapshot snapshot, List<BrokerSpec> brokers) {
        if (snapshot == null) {
            return Optional.empty();
        }
        Set<Integer> ids = brokers.stream().filter(b -> !b.dedicatedController() && snapshot.registered(b.id()))
                .map(BrokerSpec::id).collect(Collectors.toSet());
        SortedSet<Integer> blocked = new TreeSet<>();
        SortedMap<String, String> topics = new TreeMap<>();
        for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
            int rf = p.replicas().length;
            boolean known = !snapshot.minIsrUnknown(p.topic());
            if (rf > 1 && !(known && snapshot.minIsr(p.topic()) >= rf)) {
                continue;
            }
            for (int replica : p.replicas()) {
                if (ids.contains(replica)) {
                    blocked.add(replica);
                    topics.putIfAbsent(p.topic(), rf <= 1 ? "RF 1" : "RF " + rf + ", min.insync.replicas "
                            + snapshot.minIsr(p.topic()));
                }
            }
        }
        if (blocked.isEmpty()) {
            return Optional.empty();
        }
        String named = topics.entrySet().stream().limit(TOPICS_NAMED).map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", ")) + (topics.size() > TOPICS_NAMED ? " and " + (topics.size()
                - TOPICS_NAMED) + " more" : "");
        return Optional.of(named(blocked) + " can never pass canStop: "
                + (blocked.size() == 1 ? "it holds" : "they hold") + " replicas of topics that go offline or under"
                + " min ISR whenever one replica stops: " + named
                + " (kupgrade check: RF1_TOPICS, MIN_ISR_AT_RF). Raise their replication factor or lower their"
                + " min.insync.replicas first");
    }

    private static String brokers(SortedSet<Integer> ids) {
        return named(ids) + (ids.size() == 1 ? " is" : " are");
    }

    private static String named(SortedSet<Integer> ids) {
        return ids.size() == 1 ? "broker " + ids.first() : "brokers " + ids.stream().map(String::valueOf)
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
