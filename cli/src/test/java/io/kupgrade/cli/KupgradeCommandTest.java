package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KupgradeCommandTest {

    @Test
    void helpListsTheSubcommands() {
        Cli r = Cli.run("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("check"), r.out());
        assertTrue(r.out().contains("generate-completion"), r.out());
    }

    @Test
    void versionIsPrinted() {
        Cli r = Cli.run("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("kupgrade "), r.out());
    }

    @Test
    void unknownOptionIsOneClearLineAndExitTwo() {
        Cli r = Cli.run("check", "--bootstrap-servr", "x:9092");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Unknown option: '--bootstrap-servr'"), r.err());
        assertTrue(r.err().contains("--bootstrap-server"), "suggests the near miss: " + r.err());
        assertTrue(r.noStackTrace(), r.err());
    }

    @Test
    void completionScriptIsGenerated() {
        Cli r = Cli.run("generate-completion");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("complete -F"), "a bash completion script");
    }
}
