package io.kupgrade.gates;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gates about partition leadership, as pure functions of one {@link ClusterSnapshot}. Immutable and
 * thread-safe, like {@link Gates}; results name the first {@value Gates#EVIDENCE_LIMIT} offending partitions.
 *
 * <p>The preferred leader of a partition is its first replica. After a restart, leadership does not come back
 * on its own for up to {@code leader.imbalance.check.interval.seconds} (300 s), or never while the imbalance
 * stays under {@code leader.imbalance.per.broker.percentage} (10 %) (reference §3 "Preferred leader"): hence
 * an explicit election, verified with {@link #preferredLeadersRestored(int)}.
 */
public final class LeaderGates {
    private LeaderGates() {
    }

    /**
     * The broker leads every partition whose preferred (first) replica it is, among those where it is in the
     * ISR. A partition whose preferred replica is not in the ISR cannot elect it (Kafka answers
     * {@code PreferredLeaderNotAvailable}, reference §3): it is reported in the evidence
     * ({@code preferredNotInIsr}) and the reason, never failed on, so a lagging partition cannot hold a roll
     * in a loop. Fails when the broker is not registered.
     */
    public static Gate preferredLeadersRestored(int brokerId) {
        String name = "preferredLeaders(" + brokerId + ")";
        return Gates.gate(name, snapshot -> {
            Offenders notLeading = new Offenders(Gates.EVIDENCE_LIMIT);
            Offenders notInIsr = new Offenders(Gates.EVIDENCE_LIMIT);
            int preferred = 0;
            for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
                if (p.replicas().length == 0 || p.replicas()[0] != brokerId) {
                    continue;
                }
                preferred++;
                if (!p.inIsr(brokerId)) {
                    notInIsr.add(p);
                } else if (p.leader() != brokerId) {
                    notLeading.add(p);
                }
            }
            Map<String, Object> evidence = notLeading.evidence("notLeading", "partitions");
            evidence.putAll(notInIsr.evidence("preferredNotInIsr", "partitionsPreferredNotInIsr"));
            evidence.put("preferredPartitions", preferred);
            if (!snapshot.registered(brokerId)) {
                return GateResult.fail(name, "broker " + brokerId + " is not registered", evidence);
            }
            String skipped = notInIsr.none() ? "" : "; " + notInIsr.count() + " not electable (broker " + brokerId
                    + " not in their ISR): " + notInIsr.describe();
            if (notLeading.none()) {
                return GateResult.pass(name, "broker " + brokerId + " leads all " + (preferred - notInIsr.count())
                        + " electable partitions it is the preferred replica of" + skipped, evidence);
            }
            return GateResult.fail(name, "broker " + brokerId + " is not yet the leader of " + notLeading.count()
                    + " of the " + preferred + " partitions it is the preferred replica of: " + notLeading.describe()
                    + skipped, evidence);
        });
    }

    /** The broker leads no partition (after its leadership was moved away). */
    public static Gate leadsNothing(int brokerId) {
        String name = "leadsNothing(" + brokerId + ")";
        return Gates.gate(name, snapshot -> {
            Offenders led = new Offenders(Gates.EVIDENCE_LIMIT);
            for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
                if (p.leader() == brokerId) {
                    led.add(p);
                }
            }
            Map<String, Object> evidence = led.evidence("led", "partitions");
            if (led.none()) {
                return GateResult.pass(name, "broker " + brokerId + " leads no partition", evidence);
            }
            return GateResult.fail(name, "broker " + brokerId + " still leads " + led.count() + " partitions: "
                    + led.describe(), evidence);
        });
    }

    /**
     * The partitions a preferred election could hand to {@code brokerId} now: it is their first replica, in
     * their ISR, and not their leader. Names are {@code topic-partition}.
     */
    public static List<ClusterSnapshot.PartitionState> electable(ClusterSnapshot snapshot, int brokerId) {
        List<ClusterSnapshot.PartitionState> out = new ArrayList<>();
        for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
            if (p.replicas().length > 0 && p.replicas()[0] == brokerId && p.inIsr(brokerId)
                    && p.leader() != brokerId) {
                out.add(p);
            }
        }
        return out;
    }
}
