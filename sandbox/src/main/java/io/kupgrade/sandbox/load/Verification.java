package io.kupgrade.sandbox.load;

import java.util.BitSet;

/**
 * What {@link Verifier#verify} found in a topic.
 *
 * @param acked records the producer saw acknowledged
 * @param consumed distinct sequence numbers read from the topic
 * @param lost acknowledged but not read: data loss
 * @param duplicated records read more than once (extra copies)
 * @param lostNumbers the sequence numbers of the lost records (a copy)
 */
public record Verification(long acked, long consumed, long lost, long duplicated, BitSet lostNumbers) {

    public Verification {
        lostNumbers = (BitSet) lostNumbers.clone();
    }

    @Override
    public BitSet lostNumbers() {
        return (BitSet) lostNumbers.clone();
    }

    @Override
    public String toString() {
        return "acked=" + acked + " consumed=" + consumed + " lost=" + lost + " duplicated=" + duplicated
                + (lost > 0 ? " first lost=" + lostNumbers.nextSetBit(0) : "");
    }
}
