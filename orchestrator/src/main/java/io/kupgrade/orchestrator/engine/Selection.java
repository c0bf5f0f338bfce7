package io.kupgrade.orchestrator.engine;

import java.util.Locale;

/**
 * What an {@code apply} run was asked to roll: {@code --phase NAME} and {@code --wave canary|NAME|all}.
 *
 * @param phase a phase name, or null for "from the first unfinished phase on"
 * @param wave {@code all} (default), {@code canary} (exactly the first wave of the first unfinished phase,
 *     or of {@code phase}), or a wave name (that wave of the first unfinished phase, or of {@code phase};
 *     the waves before it must be done)
 */
public record Selection(String phase, String wave) {
    public static final String ALL = "all";
    public static final String CANARY = "canary";

    public Selection {
        wave = wave == null || wave.isBlank() ? ALL : wave.trim();
        phase = phase == null || phase.isBlank() ? null : phase.trim();
    }

    public static Selection all() {
        return new Selection(null, ALL);
    }

    public boolean allWaves() {
        return ALL.equals(wave.toLowerCase(Locale.ROOT));
    }

    public boolean canary() {
        return CANARY.equals(wave.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return (phase == null ? "" : "--phase " + phase + " ") + "--wave " + wave;
    }
}
