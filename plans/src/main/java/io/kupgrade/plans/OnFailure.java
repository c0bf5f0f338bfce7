package io.kupgrade.plans;

import java.util.Locale;

/**
 * What a run does when a broker of a wave fails to come back (its start command fails, its process dies, or
 * its post-start gates time out).
 */
public enum OnFailure {
    /** Halt the run and leave the broker as it is, for a person to look at. */
    HALT,
    /**
     * Restore the broker's previous config (and binaries, where the phase says how), start it again, gate it,
     * then halt: the cluster is left as it was found. The default for the first (canary) wave.
     */
    REVERT;

    /** The word used in plans: {@code halt}, {@code revert}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The default of a wave that does not say: revert for the first (canary) wave, halt after it. */
    public static OnFailure defaultFor(int waveIndex) {
        return waveIndex == 0 ? REVERT : HALT;
    }
}
