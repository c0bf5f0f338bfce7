package io.kupgrade.orchestrator.engine;

import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.GateSettings;
import io.kupgrade.plans.OnFailure;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.RolloutSpec;
import io.kupgrade.plans.ServiceSpec;
import io.kupgrade.plans.Wave;
import io.kupgrade.plans.WaveSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A 5-broker cluster on fakes, broker 1 the active controller, and a two-phase 3.8.1 -> 3.9.2 plan rolled
 * in waves canary [2], wave-2 [3, 4, 5], wave-3 [1].
 */
final class Rig {
    static final BrokerSpec B1 = new BrokerSpec(1, "h1", "r1", null);
    static final BrokerSpec B2 = new BrokerSpec(2, "h2", "r2", null);
    static final BrokerSpec B3 = new BrokerSpec(3, "h3", "r3", null);
    static final BrokerSpec B4 = new BrokerSpec(4, "h4", "r1", null);
    static final BrokerSpec B5 = new BrokerSpec(5, "h5", "r2", null);
    static final List<BrokerSpec> BROKERS = List.of(B1, B2, B3, B4, B5);

    static final PhaseSpec BINARIES = new PhaseSpec("binaries", "install {broker.id} 3.9.2", "3.9.2",
            Map.of("inter.broker.protocol.version", "3.8"), List.of(), false, null);
    static final PhaseSpec PROTOCOL = new PhaseSpec("protocol", null, null,
            Map.of("inter.broker.protocol.version", "3.9"), List.of(), true, null);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T07:00:00Z"));
    final FakeHosts hosts = new FakeHosts(5, "3.8.1");
    final FakeGates gates = new FakeGates(hosts, clock);
    final MemoryJournal journal = new MemoryJournal();
    final List<ProgressEvent> events = new ArrayList<>();
    final AtomicBoolean interrupted = new AtomicBoolean();
    final List<String> confirmations = new ArrayList<>();
    boolean answer = true;
    Finalizer finalizer = Finalizer.NONE;
    Plan plan;
    Duration soak = Duration.ZERO;
    /** wave-2's onFailure; null for the default (halt: it is not the first wave). */
    OnFailure wave2OnFailure;

    Rig() {
        this(List.of(BINARIES, PROTOCOL), "sha-A");
    }

    Rig(List<PhaseSpec> phases, String sha) {
        plan = plan(phases, sha);
    }

    /** This rig's plan with {@code rollout:} settings (e.g. maxParallel 3). */
    Rig rollout(RolloutSpec rollout) {
        Plan p = plan;
        plan = new Plan(p.source(), p.sha256(), p.apiVersion(), p.cluster(), nodes(), p.access(), p.service(),
                p.waves(), p.gates(), p.phases(), p.warnings(), rollout, p.state());
        return this;
    }

    static Plan plan(List<PhaseSpec> phases, String sha) {
        ServiceSpec service = new ServiceSpec("/srv/{broker.id}/server.properties", "stop {broker.id}",
                "start {broker.id}", "running {broker.id}", Duration.ofSeconds(60), Duration.ofSeconds(30));
        return new Plan(Path.of("plan.yaml"), sha, "kupgrade/v1", new ClusterSpec("test", "h1:9092", null,
                Map.of(), "zk:2181"), BROKERS, new AccessSpec("local", null), service,
                List.of(new WaveSpec(null, new WaveSpec.WaveSize(1, false), Duration.ZERO)),
                new GateSettings(Duration.ofSeconds(1), Duration.ofSeconds(120), 1), phases, List.of());
    }

    /** Broker 5 as a dedicated KRaft controller instead: waves canary [2], wave-2 [3, 4], wave-3 [1], controllers [5]. */
    boolean controller5;

    Rig withController5() {
        controller5 = true;
        return this;
    }

    /**
     * Brokers 4 and 5 as dedicated KRaft controllers instead (plan and waves): waves canary [2], wave-2 [3],
     * wave-3 [1], controllers [4, 5].
     */
    boolean controllers45;

    Rig withControllers45() {
        controllers45 = true;
        return rollout(plan.rollout());
    }

    List<BrokerSpec> nodes() {
        if (controllers45) {
            return List.of(B1, B2, B3, new BrokerSpec(4, "h4", null, null, null, true),
                    new BrokerSpec(5, "h5", null, null, null, true));
        }
        return controller5 ? List.of(B1, B2, B3, B4, new BrokerSpec(5, "h5", null, null, null, true)) : BROKERS;
    }

    List<Wave> waves() {
        if (controllers45) {
            return List.of(new Wave(0, "canary", List.of(B2), soak), new Wave(1, "wave-2", List.of(B3), soak),
                    new Wave(2, "wave-3", List.of(B1), Duration.ZERO),
                    new Wave(3, "controllers", nodes().subList(3, 5), Duration.ZERO));
        }
        if (controller5) {
            return List.of(new Wave(0, "canary", List.of(B2), soak), new Wave(1, "wave-2", List.of(B3, B4), soak),
                    new Wave(2, "wave-3", List.of(B1), Duration.ZERO),
                    new Wave(3, "controllers", List.of(nodes().get(4)), Duration.ZERO));
        }
        return List.of(new Wave(0, "canary", List.of(B2), soak), new Wave(1, "wave-2", List.of(B3, B4, B5), soak,
                wave2OnFailure),
                new Wave(2, "wave-3", List.of(B1), Duration.ZERO));
    }

    RollEngine engine() {
        Map<String, List<Wave>> proposed = new LinkedHashMap<>();
        plan.phases().forEach(p -> proposed.put(p.name(), waves()));
        return new RollEngine(plan, nodes(), proposed);
    }

    RollRunner runner(boolean yes) {
        RollRunner.Ports ports = new RollRunner.Ports(hosts, gates, finalizer, phase -> waves(), Rig::edit, journal,
                clock, clock::advance, interrupted::get, events::add, (phase, question) -> {
                    confirmations.add(phase.name());
                    return answer;
                });
        RunSettings settings = new RunSettings(Duration.ofSeconds(120), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60), 2, Duration.ZERO, yes);
        return new RollRunner(engine(), ports, settings);
    }

    RollOutcome apply(String wave) {
        return runner(true).run(new Selection(null, wave));
    }

    /** A tiny stand-in for PropertiesEditor: sets/unsets {@code key=value} lines, keeps the rest. */
    static String edit(String current, PhaseSpec phase) {
        Map<String, String> set = phase.set();
        List<String> unset = phase.unset();
        List<String> out = new ArrayList<>();
        Map<String, String> pending = new LinkedHashMap<>(set);
        for (String line : current.split("\n", -1)) {
            int eq = line.indexOf('=');
            String key = eq > 0 && !line.startsWith("#") ? line.substring(0, eq) : null;
            if (key != null && unset.contains(key)) {
                continue;
            }
            if (key != null && pending.containsKey(key)) {
                out.add(key + "=" + pending.remove(key));
            } else {
                out.add(line);
            }
        }
        String text = String.join("\n", out);
        StringBuilder b = new StringBuilder(text);
        pending.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    String config(int id) {
        return hosts.files.get("/srv/" + id + "/server.properties");
    }
}
