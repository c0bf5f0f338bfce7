package io.kupgrade.gates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Gates over the JMX readings in {@link ClusterSnapshot#brokerMetrics()} (read by {@link JmxClusterReader}).
 * These are the signals operators watched during the upgrades in our references (reference §2, §3, §4):
 * BrokerState RUNNING, the running version, message down-conversion, produce latency, request-handler idle.
 *
 * <p>Each bound is absolute, or relative to a baseline snapshot recorded before the roll
 * ({@code factor × baseline + slack}). A gate with no reading to judge is inconclusive (never a pass).
 * Immutable and thread-safe.
 */
public final class JmxGates {
    /** Kafka's docs: request handler idle "ideally &gt; 0.3" (reference §2). */
    public static final double DEFAULT_MIN_HANDLER_IDLE = 0.3;

    private JmxGates() {
    }

    /**
     * The broker reports BrokerState 3 (RUNNING): not RECOVERY (2, logs loading; in KRaft caught up but still
     * fenced) and not STARTING (reference §2 "How BrokerState differs by mode"; §3 "caught up" 1).
     */
    public static Gate brokerRunning(int brokerId) {
        String name = "brokerRunning(" + brokerId + ")";
        return Gates.gate(name, snapshot -> {
            BrokerMetrics m = snapshot.brokerMetrics().get(brokerId);
            if (m == null || m.brokerState().isEmpty()) {
                return GateResult.inconclusive(name, "no JMX BrokerState reading from broker " + brokerId);
            }
            int state = m.brokerState().getAsInt();
            Map<String, Object> evidence = Map.of("brokerState", state);
            return state == BrokerMetrics.RUNNING
                    ? GateResult.pass(name, "broker " + brokerId + " RUNNING", evidence)
                    : GateResult.fail(name, "broker " + brokerId + " in state " + stateName(state), evidence);
        });
    }

    /** The broker runs {@code version} (app-info Version; reference §3 "caught up" 2). */
    public static Gate runningVersion(int brokerId, String version) {
        String name = "runningVersion(" + brokerId + ")";
        return Gates.gate(name, snapshot -> {
            BrokerMetrics m = snapshot.brokerMetrics().get(brokerId);
            if (m == null || m.version().isEmpty()) {
                return GateResult.inconclusive(name, "no JMX app-info Version reading from broker " + brokerId);
            }
            String running = m.version().get();
            Map<String, Object> evidence = Map.of("running", running, "expected", version);
            return running.equals(version)
                    ? GateResult.pass(name, "broker " + brokerId + " runs " + running, evidence)
                    : GateResult.fail(name, "broker " + brokerId + " runs " + running + ", expected " + version,
                            evidence);
        });
    }

    /** Produce + fetch message conversions per second (one-minute rate), per broker, at most {@code perSec}. */
    public static Gate conversionsAtMost(double perSec) {
        return bound("conversions", JmxGates::conversions, null, 1, perSec, true, "conversions/s");
    }

    /** Conversions per broker at most {@code factor × baseline + slackPerSec}. */
    public static Gate conversionsWithinBaseline(ClusterSnapshot baseline, double factor, double slackPerSec) {
        return bound("conversions", JmxGates::conversions, baseline, factor, slackPerSec, true, "conversions/s");
    }

    /** Produce request 99th percentile total time, per broker, at most {@code ms}. */
    public static Gate produceP99AtMost(double ms) {
        return bound("produceP99", BrokerMetrics::produceP99Ms, null, 1, ms, true, "ms");
    }

    /** Produce p99 per broker at most {@code factor × baseline + slackMs}. */
    public static Gate produceP99WithinBaseline(ClusterSnapshot baseline, double factor, double slackMs) {
        return bound("produceP99", BrokerMetrics::produceP99Ms, baseline, factor, slackMs, true, "ms");
    }

    /** Request handler idle ratio (0-1), per broker, at least {@code ratio}. */
    public static Gate handlerIdleAtLeast(double ratio) {
        return bound("handlerIdle", BrokerMetrics::requestHandlerIdle, null, 1, ratio, false, "idle");
    }

    /** Request handler idle ratio per broker at least {@code baseline − maxDrop}. */
    public static Gate handlerIdleWithinBaseline(ClusterSnapshot baseline, double maxDrop) {
        return bound("handlerIdle", BrokerMetrics::requestHandlerIdle, baseline, 1, -maxDrop, false, "idle");
    }

    private static OptionalDouble conversions(BrokerMetrics m) {
        if (m.produceConversionsPerSec().isEmpty() && m.fetchConversionsPerSec().isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(m.produceConversionsPerSec().orElse(0) + m.fetchConversionsPerSec().orElse(0));
    }

    /**
     * One bound per broker: limit = baseline == null ? offset : factor × baselineValue + offset. Upper bounds
     * when {@code atMost}, lower bounds otherwise. Brokers without a reading (or without a baseline reading)
     * make the gate inconclusive unless another broker already fails it.
     */
    private static Gate bound(String gate, Function<BrokerMetrics, OptionalDouble> signal, ClusterSnapshot baseline,
                              double factor, double offset, boolean atMost, String unit) {
        Map<Integer, Double> limits = new HashMap<>();
        if (baseline != null) {
            baseline.brokerMetrics().forEach((id, m) -> signal.apply(m).ifPresent(v -> limits.put(id,
                    factor * v + offset)));
        }
        String name = baseline == null ? gate : gate + "VsBaseline";
        return Gates.gate(name, snapshot -> {
            if (snapshot.brokerMetrics().isEmpty()) {
                return GateResult.inconclusive(name, "no JMX readings");
            }
            Map<Integer, Double> values = new TreeMap<>();
            List<String> failing = new ArrayList<>();
            List<Integer> unknown = new ArrayList<>();
            for (BrokerMetrics m : new TreeMap<>(snapshot.brokerMetrics()).values()) {
                OptionalDouble value = signal.apply(m);
                Double limit = baseline == null ? Double.valueOf(offset) : limits.get(m.brokerId());
                if (value.isEmpty() || limit == null) {
                    unknown.add(m.brokerId());
                    continue;
                }
                values.put(m.brokerId(), value.getAsDouble());
                boolean ok = atMost ? value.getAsDouble() <= limit : value.getAsDouble() >= limit;
                if (!ok) {
                    failing.add(String.format("broker %d %.2f %s (limit %s %.2f)", m.brokerId(),
                            value.getAsDouble(), unit, atMost ? "<=" : ">=", limit));
                }
            }
            Map<String, Object> evidence = new HashMap<>();
            evidence.put("values", values);
            evidence.put("unreadable", unknown);
            if (!failing.isEmpty()) {
                return GateResult.fail(name, String.join("; ", failing), evidence);
            }
            if (!unknown.isEmpty()) {
                return GateResult.inconclusive(name, "no " + gate + " reading"
                        + (baseline == null ? "" : " or baseline") + " for brokers " + unknown);
            }
            return GateResult.pass(name, gate + " within bounds on " + values.size() + " brokers", evidence);
        });
    }

    private static String stateName(int state) {
        return switch (state) {
            case 0 -> "NOT_RUNNING (0)";
            case 1 -> "STARTING (1)";
            case 2 -> "RECOVERY (2)";
            case 3 -> "RUNNING (3)";
            case 6 -> "PENDING_CONTROLLED_SHUTDOWN (6)";
            case 7 -> "SHUTTING_DOWN (7)";
            default -> "UNKNOWN (" + state + ")";
        };
    }
}
