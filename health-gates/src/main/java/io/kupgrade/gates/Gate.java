package io.kupgrade.gates;

/**
 * A health condition evaluated against one {@link ClusterSnapshot}. Implementations are pure and
 * thread-safe: all gates of one poll share the same snapshot, read once.
 */
public interface Gate {
    /** Short stable name, e.g. {@code underReplicated}, {@code canStop(3)}. */
    String name();

    GateResult evaluate(ClusterSnapshot snapshot);
}
