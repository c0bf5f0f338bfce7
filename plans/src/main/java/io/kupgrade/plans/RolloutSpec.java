package io.kupgrade.plans;

/**
 * How brokers are taken through a wave ({@code rollout:} in the plan).
 *
 * @param maxParallel how many brokers of a wave may be stopped together, at most (1..100, default 1). The
 *     batch actually stopped is computed from the live assignment at the moment of the stop, so that no
 *     partition drops below its min.insync.replicas; this is only its upper bound.
 * @param rackAware prefer batches made of one rack when the assignment makes that safe (default true)
 * @param electPreferredLeaders after a broker has caught up, run a preferred leader election for its
 *     partitions and verify leadership returned (default true)
 * @param drainLeadersBeforeStop move leadership away from a broker before stopping it and verify it leads
 *     nothing (default false; a controlled shutdown moves leaders too)
 * @param windows when a broker may be begun ({@code maintenanceWindows}); {@link MaintenanceWindows#ALWAYS} by
 *     default
 */
public record RolloutSpec(int maxParallel, boolean rackAware, boolean electPreferredLeaders,
                          boolean drainLeadersBeforeStop, MaintenanceWindows windows) {

    /** The defaults: one broker at a time, rack-aware, preferred leaders restored, no drain, at any time. */
    public static final RolloutSpec DEFAULT = new RolloutSpec(1, true, true, false);

    public static final int MAX_PARALLEL_LIMIT = 100;

    /** @throws IllegalArgumentException for maxParallel outside 1..100 */
    public RolloutSpec {
        if (maxParallel < 1 || maxParallel > MAX_PARALLEL_LIMIT) {
            throw new IllegalArgumentException("maxParallel must be 1.." + MAX_PARALLEL_LIMIT + ", got " + maxParallel);
        }
        windows = windows == null ? MaintenanceWindows.ALWAYS : windows;
    }

    /** Without maintenance windows: a broker may be begun at any time. */
    public RolloutSpec(int maxParallel, boolean rackAware, boolean electPreferredLeaders,
                       boolean drainLeadersBeforeStop) {
        this(maxParallel, rackAware, electPreferredLeaders, drainLeadersBeforeStop, MaintenanceWindows.ALWAYS);
    }

    /** True when a wave may stop more than one broker at a time. */
    public boolean parallel() {
        return maxParallel > 1;
    }
}
