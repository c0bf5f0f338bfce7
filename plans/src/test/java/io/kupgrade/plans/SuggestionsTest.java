package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> KEYS = List.of("name", "install", "version", "set", "unset", "pointOfNoReturn");

    @Test
    void suggestsTyposTranspositionsAndCaseSlips() {
        assertEquals(Optional.of("name"), Suggestions.closest("nmae", KEYS));
        assertEquals(Optional.of("pointOfNoReturn"), Suggestions.closest("pointOfNoRetrun", KEYS));
        assertEquals(Optional.of("pointOfNoReturn"), Suggestions.closest("pointofnoreturn", KEYS));
        assertEquals(Optional.of("install"), Suggestions.closest("instal", KEYS));
    }

    @Test
    void staysQuietForUnrelatedNames() {
        assertEquals(Optional.empty(), Suggestions.closest("colour", KEYS));
        assertEquals(Optional.empty(), Suggestions.closest("x", List.of("set")));
    }
}
