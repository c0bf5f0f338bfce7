package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "15m, PT15M", "2h, PT2H", "1h30m, PT1H30M", "7d, PT168H",
        "1m30s, PT1M30S", "0s, PT0S", "1h0m5s250ms, PT1H0M5.25S"})
    void parsesWhatPlansWrite(String text, String iso) {
        assertEquals(Duration.parse(iso), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "15", "15 minutes", "1.5h", "30m1h", "-5s", "5S", "1h 30m", "ms"})
    void refusesEverythingElse(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertEquals("invalid duration '" + text + "': write a number with a unit (d, h, m, s, ms), "
                + "e.g. 500ms, 30s, 15m, 2h, 1h30m", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "30s", "15m", "2h", "1h30m", "1d2h", "0s"})
    void formatReadsBack(String text) {
        assertEquals(text, Durations.format(Durations.parse(text)));
    }

    @Test
    void refusesADurationLongerThanAYear() {
        assertEquals(Duration.ofDays(365), Durations.parse("365d"));
        assertEquals("invalid duration '999999999999d': longer than 365d",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("999999999999d")).getMessage());
    }
}
