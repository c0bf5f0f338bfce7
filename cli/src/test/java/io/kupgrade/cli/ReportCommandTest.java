package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.FileJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    private static final Path PLAN = Path.of("../examples/zookeeper-3.8-to-3.9.yaml");

    /** A journal in which broker 2 went through stop and start once. */
    private static void journal(Path state) {
        Plan plan = PlanParser.parse(PLAN);
        FileJournal j = FileJournal.forCluster(state, plan.cluster().name());
        Instant t = Instant.parse("2026-11-25T10:00:00Z");
        String sha = plan.sha256();
        j.append(new JournalEntry(t, sha, null, null, null, "run", "started", Map.of("selection", "canary")));
        String[] steps = {"pre-stop-gates", "stop", "await-exit", "install", "start", "post-start-gates",
            "restore-leaders"};
        for (String step : steps) {
            j.append(new JournalEntry(t, sha, "binaries", "canary", 2, step, "started", Map.of()));
            t = t.plusSeconds(2);
            j.append(new JournalEntry(t, sha, "binaries", "canary", 2, step, "succeeded", step.equals("post-start-gates")
                    ? Map.of("runningMs", "500", "registrationMs", "500", "catchUpMs", "1000") : Map.of()));
        }
        j.append(new JournalEntry(t, sha, "binaries", "canary", 2, "broker-done", "succeeded", Map.of()));
        j.append(new JournalEntry(t, sha, null, null, null, "run", "succeeded", Map.of("message", "done")));
    }

    @Test
    void shouldPrintPerBrokerDurationsAsText(@TempDir Path state) {
        journal(state);

        Cli r = Cli.run("report", "--state-dir", state.toString(), PLAN.toString());

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("kupgrade overhead"), r.out());
        assertTrue(r.out().matches("(?s).*binaries\\s+canary\\s+2\\s.*"), r.out());
    }

    @Test
    void shouldWriteAnHtmlTimelineWithALanePerBroker(@TempDir Path state) throws Exception {
        journal(state);
        Path html = state.resolve("report.html");

        Cli r = Cli.run("report", "--state-dir", state.toString(), "-o", "html", "--out", html.toString(),
                PLAN.toString());

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("1 broker lanes"), r.out());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("class=\"lane\" data-broker=\"2\""));
        assertTrue(!page.contains("http://") && !page.contains("https://"), "nothing fetched from the network");
    }

    @Test
    void shouldSayThatAPlanNeverRan(@TempDir Path state) {
        Cli r = Cli.run("report", "--state-dir", state.toString(), PLAN.toString());

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("no run of this plan"), r.out());
    }

    @Test
    void shouldRefuseAnUnknownFormatInOneLine(@TempDir Path state) {
        Cli r = Cli.run("report", "--state-dir", state.toString(), "-o", "pdf", PLAN.toString());

        assertEquals(2, r.exitCode());
        assertTrue(r.noStackTrace(), r.err());
    }

    @Test
    void shouldSayThatTheDirectoryOfOutDoesNotExist(@TempDir Path state) {
        journal(state);
        Path out = state.resolve("nonexistent/dir/r.txt");

        Cli r = Cli.run("report", "--state-dir", state.toString(), "--out", out.toString(), PLAN.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: cannot write " + out + ": the directory " + out.getParent() + " does not exist\n",
                r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void shouldSayThatOutIsADirectory(@TempDir Path state) {
        journal(state);

        Cli r = Cli.run("report", "--state-dir", state.toString(), "--out", state.toString(), PLAN.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: cannot write " + state + ": it is a directory; give a file name\n", r.err());
    }

    @Test
    void shouldSayPermissionDeniedWhenTheFileMayNotBeWritten(@TempDir Path state) {
        // root (as in CI containers) may write anywhere, so the exception is given rather than provoked
        Path out = state.resolve("r.txt");

        String why = ReportCommand.whyNotWritten(out, new AccessDeniedException(out.toString()));

        assertEquals("permission denied", why);
    }
}
