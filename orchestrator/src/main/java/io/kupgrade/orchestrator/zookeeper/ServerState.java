package io.kupgrade.orchestrator.zookeeper;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One ZooKeeper server as its four-letter words describe it at one moment. Immutable.
 *
 * @param serverId the server's id in the plan
 * @param mode {@code srvr}'s {@code Mode:} (leader, follower, standalone, observer); empty when the server did not
 *     answer or does not serve ("This ZooKeeper instance is not currently serving requests")
 * @param syncedFollowers on the leader, {@code mntr}'s {@code zk_synced_followers}; empty elsewhere or when
 *     {@code mntr} is not whitelisted
 * @param version {@code srvr}'s {@code Zookeeper version:} up to the first '-' (e.g. {@code 3.8.4}); empty when
 *     unknown
 * @param error why the server could not be read; empty when it answered
 */
public record ServerState(int serverId, Optional<String> mode, OptionalLong syncedFollowers, Optional<String> version,
                          Optional<String> error) {

    /** A server that answered {@code srvr} with {@code mode}. */
    public static ServerState serving(int id, String mode, long syncedFollowers, String version) {
        return new ServerState(id, Optional.of(mode),
                syncedFollowers < 0 ? OptionalLong.empty() : OptionalLong.of(syncedFollowers),
                Optional.ofNullable(version), Optional.empty());
    }

    /** A server that did not answer, or does not serve. */
    public static ServerState down(int id, String why) {
        return new ServerState(id, Optional.empty(), OptionalLong.empty(), Optional.empty(), Optional.of(why));
    }

    public boolean isLeader() {
        return mode.filter("leader"::equals).isPresent();
    }

    /** Serving as a member of a quorum: leader or follower. */
    public boolean inQuorum() {
        return mode.filter(m -> m.equals("leader") || m.equals("follower")).isPresent();
    }
}
