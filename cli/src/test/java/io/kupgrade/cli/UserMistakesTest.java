package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes an audit made with the CLI, each one line and exit 2 before anything is touched (none of these
 * commands reaches a cluster): an empty option value that used to mean "everything", a state directory that is a
 * file, a damaged journal, and client settings the Kafka client refuses.
 */
class UserMistakesTest {
    static final String PLAN = "../examples/zookeeper-3.8-to-3.9.yaml";

    static void assertRefused(Cli r, String expected) {
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertTrue(r.noStackTrace(), r.err());
        assertTrue(!r.err().contains("internal error"), r.err());
    }

    @Test
    void anEmptyWaveOrPhaseIsRefusedNotTakenForEverything() {
        assertRefused(Cli.run("apply", PLAN, "--dry-run", "--wave", ""),
                "--wave: an empty value; name a wave, or give canary or all");
        assertRefused(Cli.run("apply", PLAN, "--wave", " ", "--yes"), "--wave: an empty value");
        assertRefused(Cli.run("apply", PLAN, "--dry-run", "--phase", ""), "--phase: an empty value");
        assertRefused(Cli.run("rollback", PLAN, "--dry-run", "--to-wave", ""), "--to-wave: an empty value");
        assertRefused(Cli.run("rollback", PLAN, "--yes", "--phase", ""), "--phase: an empty value");
    }

    @Test
    void aStateDirThatIsAFileIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "x");

        assertRefused(Cli.run("status", PLAN, "--state-dir", file.toString()), "--state-dir " + file
                + ": not a directory");
        assertRefused(Cli.run("pause", PLAN, "--state-dir", file.toString()), "not a directory");
        assertRefused(Cli.run("apply", PLAN, "--dry-run", "--state-dir", file.toString()), "not a directory");
    }

    @Test
    void aDamagedJournalIsNamedWithItsLine(@TempDir Path state) throws Exception {
        Path cluster = Files.createDirectories(state.resolve("events-eu1"));
        Files.writeString(cluster.resolve("journal.jsonl"), "garbage{\n");

        assertRefused(Cli.run("status", PLAN, "--state-dir", state.toString()), "journal.jsonl line 1 is not a"
                + " journal entry");
    }

    @Test
    void aLockThatIsADirectoryIsNamed(@TempDir Path state) throws Exception {
        Files.createDirectories(state.resolve("events-eu1").resolve("lock"));

        Cli r = Cli.run("status", PLAN, "--state-dir", state.toString());

        assertRefused(r, "cannot read the lock " + state.resolve("events-eu1").resolve("lock"));
    }

    @Test
    void clientSettingsTheKafkaClientRefusesAreNamed(@TempDir Path dir) throws Exception {
        assertRefused(Cli.run("check", "--bootstrap-server", "nohost"),
                "--bootstrap-server: 'nohost' is not host:port");
        Path config = Files.writeString(dir.resolve("admin.properties"), "request.timeout.ms=abc\n");

        assertRefused(Cli.run("check", "--bootstrap-server", "127.0.0.1:1", "--command-config", config.toString()),
                "Invalid value abc for configuration request.timeout.ms");
    }
}
