package io.kupgrade.gates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ElectLeadersOptions;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.PreferredLeaderNotAvailableException;

/**
 * Preferred leader election with the Admin client ({@code Admin.electLeaders(PREFERRED, partitions)}, brokers
 * 2.2+ for preferred elections; reference §2 table and §3 "Preferred leader"). Per partition, Kafka answers
 * success, {@code ElectionNotNeeded} (the preferred replica already leads: fine) or
 * {@code PreferredLeaderNotAvailable} (the preferred replica is not in the ISR, or not alive): all three are
 * counted, never thrown. Stateless and thread-safe; the Admin client is the caller's.
 */
public final class LeaderElections {
    private LeaderElections() {
    }

    /** Elects preferred leaders for a list of partitions; implemented by {@link #admin(Admin, Duration)}. */
    @FunctionalInterface
    public interface Elector {
        /**
         * @throws ClusterUnreachableException when the election request as a whole failed (cluster not
         *     reachable, not authorized, brokers too old)
         */
        Result electPreferred(Collection<ClusterSnapshot.PartitionState> partitions);
    }

    /**
     * What one election request did.
     *
     * @param elected partitions whose leader changed to the preferred replica
     * @param notNeeded partitions whose preferred replica already led
     * @param notAvailable partitions whose preferred replica could not be elected (not in the ISR or not alive)
     * @param failed other per-partition errors, partition name to message
     */
    public record Result(int elected, int notNeeded, List<String> notAvailable, Map<String, String> failed) {
        public Result {
            notAvailable = List.copyOf(notAvailable);
            failed = Map.copyOf(failed);
        }

        public static final Result NONE = new Result(0, 0, List.of(), Map.of());

        /** This result plus another (of a later attempt). */
        public Result plus(Result other) {
            List<String> na = new ArrayList<>(notAvailable);
            na.addAll(other.notAvailable);
            Map<String, String> f = new TreeMap<>(failed);
            f.putAll(other.failed);
            return new Result(elected + other.elected, notNeeded + other.notNeeded, na, f);
        }
    }

    /** An elector on {@code admin}; each request waits at most {@code timeout}. */
    public static Elector admin(Admin admin, Duration timeout) {
        return partitions -> electPreferred(admin, partitions, timeout);
    }

    /**
     * One {@code electLeaders(PREFERRED, ...)} request for {@code partitions}; an empty list sends nothing.
     *
     * @throws ClusterUnreachableException when the request as a whole failed or timed out
     */
    public static Result electPreferred(Admin admin, Collection<ClusterSnapshot.PartitionState> partitions,
                                        Duration timeout) {
        if (partitions.isEmpty()) {
            return Result.NONE;
        }
        Set<TopicPartition> tps = new HashSet<>();
        for (ClusterSnapshot.PartitionState p : partitions) {
            tps.add(new TopicPartition(p.topic(), p.partition()));
        }
        try {
            Map<TopicPartition, Optional<Throwable>> answers = admin.electLeaders(ElectionType.PREFERRED, tps,
                    new ElectLeadersOptions().timeoutMs((int) timeout.toMillis())).partitions()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return classify(answers);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ClusterUnreachableException("electLeaders(PREFERRED): " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new ClusterUnreachableException("electLeaders(PREFERRED): no answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnreachableException("electLeaders(PREFERRED): interrupted", e);
        }
    }

    /** Sorts Kafka's per-partition answers into a {@link Result}. */
    public static Result classify(Map<TopicPartition, Optional<Throwable>> answers) {
        int elected = 0;
        int notNeeded = 0;
        List<String> notAvailable = new ArrayList<>();
        Map<String, String> failed = new TreeMap<>();
        for (Map.Entry<TopicPartition, Optional<Throwable>> e : answers.entrySet()) {
            String name = e.getKey().topic() + "-" + e.getKey().partition();
            Throwable error = e.getValue().orElse(null);
            if (error == null) {
                elected++;
            } else if (error instanceof ElectionNotNeededException) {
                notNeeded++;
            } else if (error instanceof PreferredLeaderNotAvailableException) {
                notAvailable.add(name);
            } else {
                failed.put(name, error.getClass().getSimpleName() + ": " + error.getMessage());
            }
        }
        notAvailable.sort(null);
        return new Result(elected, notNeeded, notAvailable, failed);
    }
}
