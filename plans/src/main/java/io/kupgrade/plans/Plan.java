package io.kupgrade.plans;

import java.nio.file.Path;
import java.util.List;

/**
 * A parsed, validated upgrade plan: one cluster and an ordered list of phases, each rolled across the
 * cluster in the same waves. Immutable. Built only by {@code PlanParser}; the YAML is the public API,
 * this record is not.
 *
 * @param source the file the plan was read from
 * @param sha256 hex SHA-256 of the file's bytes, so a reviewed plan can be pinned
 * @param brokers the brokers named in the plan; empty when the plan leaves them to the cluster
 * @param warnings problems that do not stop the plan (e.g. a protocol bump not marked as a point of no return)
 * @param rollout how brokers are taken through a wave (parallelism, leaders); never null
 * @param state where the journal and lock live; never null
 * @param zookeeperEnsemble the ZooKeeper servers to roll before the broker phases; null when the plan has no
 *     {@code zookeeperEnsemble} section. With one, {@code phases} may be empty
 */
public record Plan(
        Path source,
        String sha256,
        String apiVersion,
        ClusterSpec cluster,
        List<BrokerSpec> brokers,
        AccessSpec access,
        ServiceSpec service,
        List<WaveSpec> waves,
        GateSettings gates,
        List<PhaseSpec> phases,
        List<PlanProblem> warnings,
        RolloutSpec rollout,
        StateSpec state,
        ZooKeeperEnsembleSpec zookeeperEnsemble) {

    public Plan {
        rollout = rollout == null ? RolloutSpec.DEFAULT : rollout;
        state = state == null ? StateSpec.FILE : state;
        brokers = List.copyOf(brokers);
        waves = List.copyOf(waves);
        phases = List.copyOf(phases);
        warnings = List.copyOf(warnings);
    }

    /** The ids of the dedicated KRaft controllers the plan lists ({@code role: controller}), in plan order. */
    public List<Integer> dedicatedControllerIds() {
        return brokers.stream().filter(BrokerSpec::dedicatedController).map(BrokerSpec::id).toList();
    }

    /** The shape before {@code zookeeperEnsemble}: no ensemble roll. */
    public Plan(Path source, String sha256, String apiVersion, ClusterSpec cluster, List<BrokerSpec> brokers,
                AccessSpec access, ServiceSpec service, List<WaveSpec> waves, GateSettings gates, List<PhaseSpec> phases,
                List<PlanProblem> warnings, RolloutSpec rollout, StateSpec state) {
        this(source, sha256, apiVersion, cluster, brokers, access, service, waves, gates, phases, warnings, rollout,
                state, null);
    }

    /** The shape before {@code rollout} and {@code state}: the defaults for both. */
    public Plan(Path source, String sha256, String apiVersion, ClusterSpec cluster, List<BrokerSpec> brokers,
                AccessSpec access, ServiceSpec service, List<WaveSpec> waves, GateSettings gates, List<PhaseSpec> phases,
                List<PlanProblem> warnings) {
        this(source, sha256, apiVersion, cluster, brokers, access, service, waves, gates, phases, warnings, null,
                null, null);
    }
}
