package io.kupgrade.gates;

/**
 * A health condition evaluated against one {@link ClusterSnapshot}. Implementations are pure and
 * thread-safe: all gates of one poll share the same snapshot, read once.
 */
public interface Gate {
    /** Short stable name, e.g. {@code underReplicated}, {@code canStop(3)}. */
    String name();

    GateResult evaluate(ClusterSnapshot snapshot);

    /**
     * True when one passing poll is conclusive: a stale read can only show the condition failing, and once true
     * it does not turn false by itself (a broker whose process has exited stays unregistered). A wait whose
     * gates all settle once passes on one poll instead of {@code stablePolls}. Default false.
     */
    default boolean settlesOnce() {
        return false;
    }
}
