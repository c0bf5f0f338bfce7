package io.kupgrade.plans;

import java.time.Duration;

/**
 * One entry of {@code waves:}.
 *
 * @param name the wave's name; null means the default ({@code canary} for the first, {@code wave-N} after)
 * @param size how many brokers the wave takes
 * @param soak how long the gates must hold after the wave before the next wave starts; zero for none
 * @param onFailure what to do when a broker of the wave fails to come back; null = the default
 *     ({@link OnFailure#defaultFor}: revert for the first wave, halt after it)
 */
public record WaveSpec(String name, WaveSize size, Duration soak, OnFailure onFailure) {

    /** A wave with the default {@code onFailure}. */
    public WaveSpec(String name, WaveSize size, Duration soak) {
        this(name, size, soak, null);
    }

    /** @throws IllegalArgumentException without a size or with a negative soak */
    public WaveSpec {
        if (size == null) {
            throw new IllegalArgumentException("a wave needs a size");
        }
        if (soak != null && soak.isNegative()) {
            throw new IllegalArgumentException("soak cannot be negative");
        }
    }

    /** A wave size: a count of brokers, or a percentage of the cluster's brokers (rounded up, at least 1). */
    public record WaveSize(int value, boolean percent) {
        /** @throws IllegalArgumentException for a size below 1 or a percentage above 100 */
        public WaveSize {
            if (value < 1 || (percent && value > 100)) {
                throw new IllegalArgumentException("invalid wave size " + value + (percent ? "%" : ""));
            }
        }

        /** Number of brokers this size means for a cluster of {@code clusterSize} brokers (at least 1). */
        public int brokersFor(int clusterSize) {
            int n = percent ? (int) Math.ceil(clusterSize * value / 100.0) : value;
            return Math.max(1, n);
        }

        @Override
        public String toString() {
            return percent ? value + "%" : Integer.toString(value);
        }
    }
}
