package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Whether a ZooKeeper ensemble may lose (or has got back) one server: a pure function of the servers'
 * four-letter-word answers. Stateless and thread-safe.
 *
 * <p>The rule (reference §1d, "Gate for each node"): every server serves as leader or follower (a server that only
 * answers {@code ruok} "does not necessarily" belong to the quorum), exactly one leads, and the leader's
 * {@code mntr} shows {@code zk_synced_followers == servers - 1}. Without {@code mntr} in the leader's
 * {@code 4lw.commands.whitelist} the synced followers cannot be seen, and the ensemble is not called healthy.
 */
public final class EnsembleHealth {

    /**
     * @param healthy true when the rule holds
     * @param leader the server that leads, when exactly one does
     * @param reason for people: what does not hold (empty when healthy), or what was seen (when healthy)
     */
    public record Verdict(boolean healthy, OptionalInt leader, String reason) {
    }

    private EnsembleHealth() {
    }

    /**
     * Why {@code state} does not run {@code version} (its reported version must start with it, so {@code 3.8}
     * accepts {@code 3.8.4}); empty when it does, or when no version is asked for.
     */
    public static java.util.Optional<String> versionProblem(ServerState state, String version) {
        if (version == null || state.version().filter(v -> v.equals(version) || v.startsWith(version + "."))
                .isPresent()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("server " + state.serverId() + " reports ZooKeeper "
                + state.version().orElse("(unknown version)") + ", not " + version);
    }

    /**
     * @param servers the plan's servers
     * @param states one per server, by server id; a missing one counts as not answering
     */
    public static Verdict of(List<ZooKeeperServerSpec> servers, Map<Integer, ServerState> states) {
        List<String> problems = new ArrayList<>();
        List<Integer> leaders = new ArrayList<>();
        for (ZooKeeperServerSpec s : servers) {
            ServerState st = states.get(s.id());
            if (st == null || st.mode().isEmpty()) {
                problems.add("server " + s.id() + " (" + s.address() + ") does not serve"
                        + (st == null ? "" : st.error().map(e -> ": " + e).orElse("")));
                continue;
            }
            if (!st.inQuorum()) {
                problems.add("server " + s.id() + " is " + st.mode().get() + ", not part of a quorum");
                continue;
            }
            if (st.isLeader()) {
                leaders.add(s.id());
            }
        }
        OptionalInt leader = leaders.size() == 1 ? OptionalInt.of(leaders.get(0)) : OptionalInt.empty();
        if (leaders.isEmpty() && problems.isEmpty()) {
            problems.add("no server leads (an election may be running)");
        } else if (leaders.size() > 1) {
            problems.add("servers " + leaders + " all say they lead");
        }
        int wanted = servers.size() - 1;
        if (leader.isPresent()) {
            ServerState l = states.get(leader.getAsInt());
            if (l.syncedFollowers().isEmpty()) {
                problems.add("leader " + leader.getAsInt() + " does not report zk_synced_followers: add mntr to its"
                        + " 4lw.commands.whitelist so that a roll can see the followers synced");
            } else if (l.syncedFollowers().getAsLong() != wanted) {
                problems.add("leader " + leader.getAsInt() + " sees " + l.syncedFollowers().getAsLong() + " of "
                        + wanted + " followers synced");
            }
        }
        if (!problems.isEmpty()) {
            return new Verdict(false, leader, String.join("; ", problems));
        }
        return new Verdict(true, leader, "leader " + leader.getAsInt() + ", " + wanted + " of " + wanted
                + " followers synced");
    }
}
