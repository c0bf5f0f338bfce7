package io.kupgrade.orchestrator.apply;

import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Wave;
import io.kupgrade.plans.WavePlanner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** The brokers a run rolls and how a phase's waves are laid out for them. */
final class Layouts {
    private Layouts() {
    }

    /** The plan's brokers; when the plan names none, the brokers registered in the cluster. */
    static List<BrokerSpec> brokers(Plan plan, ClusterSnapshot snapshot) {
        if (!plan.brokers().isEmpty() || snapshot == null) {
            return plan.brokers();
        }
        List<BrokerSpec> out = new ArrayList<>();
        for (ClusterSnapshot.Node n : snapshot.brokers().values()) {
            out.add(new BrokerSpec(n.id(), n.host(), n.rack(), null));
        }
        out.sort(Comparator.comparingInt(BrokerSpec::id));
        return out;
    }

    /**
     * What is wrong with the plan's dedicated KRaft controllers on this cluster, one line; empty when nothing
     * (or when the cluster could not be read). A listed controller must be a voter of the metadata quorum and
     * not a registered broker: otherwise its gates could never pass (or would gate a broker as a controller).
     */
    static java.util.Optional<String> controllerMismatch(Plan plan, ClusterSnapshot snapshot) {
        List<Integer> listed = plan.dedicatedControllerIds();
        if (listed.isEmpty() || snapshot == null) {
            return java.util.Optional.empty();
        }
        if (!snapshot.kraft()) {
            return java.util.Optional.of("the plan lists dedicated KRaft controllers " + listed + " (role: controller),"
                    + " but the cluster is not in KRaft mode");
        }
        List<Integer> brokers = listed.stream().filter(snapshot::registered).toList();
        if (!brokers.isEmpty()) {
            return java.util.Optional.of("nodes " + brokers + " are listed with role: controller but are registered"
                    + " brokers: only dedicated controllers (process.roles=controller) take that role");
        }
        List<Integer> notVoters = listed.stream().filter(id -> !snapshot.quorumVoters().containsKey(id)).toList();
        if (!notVoters.isEmpty() && !snapshot.quorumVoters().isEmpty()) {
            return java.util.Optional.of("nodes " + notVoters + " are listed with role: controller but are not voters"
                    + " of the metadata quorum (voters " + new java.util.TreeSet<>(snapshot.quorumVoters().keySet())
                    + ")");
        }
        int voters = snapshot.quorumVoters().size();
        if (voters > 0 && voters < 3) {
            // voterCanStop could never pass: say so now rather than after the gate timeout
            return java.util.Optional.of("the metadata quorum has " + voters + " voter" + (voters == 1 ? "" : "s")
                    + ", which cannot lose one: its controllers cannot roll without stopping the quorum (leave them"
                    + " out of the plan, or add voters first)");
        }
        return java.util.Optional.empty();
    }

    /** Every phase laid out as if it started now, the active controller last (reference §3). */
    static Map<String, List<Wave>> proposed(Plan plan, List<BrokerSpec> brokers, OptionalInt controller) {
        Map<String, List<Wave>> out = new LinkedHashMap<>();
        for (PhaseSpec phase : plan.phases()) {
            out.put(phase.name(), WavePlanner.expand(plan.waves(), brokers, controller));
        }
        return out;
    }
}
