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
    void demoRefusesBadOptionsBeforeStartingAnything() {
        Cli badMode = Cli.run("demo", "--mode", "kraf");
        Cli controllersWithoutKraft = Cli.run("demo", "--controllers", "3");
        Cli twoBrokers = Cli.run("demo", "--mode", "kraft", "--brokers", "2");

        assertEquals(2, badMode.exitCode());
        assertEquals("kupgrade: --mode must be zookeeper or kraft, not 'kraf'", badMode.err().strip());
        assertEquals(2, controllersWithoutKraft.exitCode());
        assertTrue(controllersWithoutKraft.err().contains("--controllers is for --mode kraft"),
                controllersWithoutKraft.err());
        assertEquals(2, twoBrokers.exitCode());
        assertTrue(badMode.noStackTrace() && controllersWithoutKraft.noStackTrace() && twoBrokers.noStackTrace());
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
    void optionsFromASharedMixinAreWordedForEachCommand() {
        String apply = Cli.run("apply", "--help").out().replaceAll(" {2,}", "  "); // whatever the column width
        String rollback = Cli.run("rollback", "--help").out();
        String check = Cli.run("check", "--help").out();
        String topicFormat = Cli.run("topic-format", "--help").out();

        assertTrue(apply.contains("PLAN  The plan file (YAML).\n"), apply);
        assertTrue(apply.contains("--dry-run  Print the exact steps that would run; touch nothing.\n"), apply);
        assertTrue(apply.contains("--yes  Do not ask before a point-of-no-return phase.\n"), apply);
        assertTrue(rollback.contains("The plan file (YAML) that was applied.\n"), rollback);
        assertTrue(rollback.contains("Print the steps and config diffs; touch nothing.\n"), rollback);
        assertTrue(rollback.contains("Do not ask before rolling back.\n"), rollback);
        assertTrue(check.contains("A plan whose cluster to check.\n"), check);
        assertTrue(topicFormat.contains("A plan whose cluster to change.\n"), topicFormat);
    }

    @Test
    void completionScriptIsGenerated() {
        Cli r = Cli.run("generate-completion");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("complete -F"), "a bash completion script");
    }
}
