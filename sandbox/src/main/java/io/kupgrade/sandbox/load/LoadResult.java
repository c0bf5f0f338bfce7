package io.kupgrade.sandbox.load;

import java.util.BitSet;

/**
 * What a {@link NumberedLoad} did.
 *
 * @param sent sequence numbers handed to the producer ({@code 0..sent-1})
 * @param acked sequence numbers the cluster acknowledged ({@code acks=all}); a copy
 * @param failed sends that completed with an error (not acknowledged)
 * @param firstError the first send error, null when there was none
 */
public record LoadResult(long sent, BitSet acked, long failed, Throwable firstError) {

    public LoadResult {
        acked = (BitSet) acked.clone();
    }

    /** Number of acknowledged records. */
    public long ackedCount() {
        return acked.cardinality();
    }

    @Override
    public BitSet acked() {
        return (BitSet) acked.clone();
    }
}
