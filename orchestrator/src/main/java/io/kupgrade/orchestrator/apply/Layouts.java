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

    /** Every phase laid out as if it started now, the active controller last (reference §3). */
    static Map<String, List<Wave>> proposed(Plan plan, List<BrokerSpec> brokers, OptionalInt controller) {
        Map<String, List<Wave>> out = new LinkedHashMap<>();
        for (PhaseSpec phase : plan.phases()) {
            out.put(phase.name(), WavePlanner.expand(plan.waves(), brokers, controller));
        }
        return out;
    }
}
