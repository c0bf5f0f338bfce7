package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.pause.ClusterPausedException;
import io.kupgrade.orchestrator.pause.Pause;
import io.kupgrade.orchestrator.pause.FilePauseMarker;
import io.kupgrade.orchestrator.pause.PauseService;
import io.kupgrade.orchestrator.pause.PausesSetLater;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PauseServiceTest {
    static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dir;
    Path planFile;
    Path state;
    PauseService service = new PauseService(Clock.fixed(AT, ZoneOffset.UTC));

    @BeforeEach
    void plan() throws IOException {
        planFile = dir.resolve("plan.yaml");
        Files.writeString(planFile, DemoPlans.zookeeperUpgrade(PreviewServiceTest.SANDBOX_PLAN, "3.9.2", "3.8", "3.9"));
        state = dir.resolve("state");
    }

    @Test
    void shouldWriteTheMarkerBesideTheJournalWithReasonAuthorAndTime() {
        PauseService.Result r = service.pause(planFile, state, "consumers lagging");

        assertEquals(state.resolve("sb").resolve("pause").toString(), r.marker());
        Pause p = new FilePauseMarker(Path.of(r.marker())).read().orElseThrow();
        assertEquals("consumers lagging", p.reason());
        assertEquals(AT, p.since());
        assertTrue(p.by().startsWith(System.getProperty("user.name") + "@"), p.by());
    }

    @Test
    void shouldKeepTerminalEscapesAndLineBreaksOutOfTheReason() {
        PauseService.Result r = service.pause(planFile, state, "freeze\u001b[2J\u001b[31m until 9\nam");

        assertEquals("freeze [2J [31m until 9 am", r.now().orElseThrow().reason(), "control characters become spaces");
    }

    @Test
    void shouldRefuseApplyWhilePausedNamingResumeAndTouchNothing() {
        service.pause(planFile, state, "change freeze");

        ClusterPausedException e = assertThrows(ClusterPausedException.class, () -> new ApplyService().apply(
                new ApplyRequest(planFile, Selection.all(), true, state), null, null, null));

        assertTrue(e.getMessage().contains("change freeze"), e.getMessage());
        assertTrue(e.getMessage().contains("kupgrade resume"), e.getMessage());
        assertFalse(Files.exists(state.resolve("sb").resolve("journal.jsonl")), "no journal written");
        assertFalse(Files.exists(state.resolve("sb").resolve("lock")), "no lock taken");
    }

    @Test
    void shouldLetARollbackRunPastThePauseItStartedUnderButStopForOneSetLater() {
        service.pause(planFile, state, "consumers lagging");
        FilePauseMarker marker = FilePauseMarker.forCluster(state, "sb");

        PausesSetLater pauses = PausesSetLater.from(marker);

        assertEquals("consumers lagging", pauses.atStart().orElseThrow().reason());
        assertTrue(pauses.pausedBecause().isEmpty(), "the pause it started under is the one it is the way out of");
        new PauseService(Clock.fixed(AT.plusSeconds(60), ZoneOffset.UTC)).pause(planFile, state, "rollback too");
        assertEquals("paused by " + marker.read().orElseThrow().by() + " since 2026-11-25T10:01:00Z: rollback too",
                pauses.pausedBecause().orElseThrow(), "a pause set while it runs stops it");
        service.resume(planFile, state);
        assertTrue(pauses.pausedBecause().isEmpty());
        assertTrue(PausesSetLater.from(marker).atStart().isEmpty());
    }

    @Test
    void shouldShowThePauseInStatusUntilResumed() {
        service.pause(planFile, state, "change freeze");
        StatusReport paused = new StatusService().status(planFile, state);

        PauseService.Result resumed = service.resume(planFile, state);
        StatusReport after = new StatusService().status(planFile, state);

        assertEquals("change freeze", paused.pause().reason());
        assertEquals("change freeze", resumed.previous().orElseThrow().reason());
        assertEquals(null, after.pause());
        assertFalse(Files.exists(Path.of(resumed.marker())));
    }

    @Test
    void shouldTreatAHandMadeMarkerAsAPause() throws IOException {
        Path marker = state.resolve("sb").resolve("pause");
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "");

        assertTrue(PauseService.current(io.kupgrade.plans.PlanParser.parse(planFile), state).isPresent());
        assertTrue(new FilePauseMarker(marker).pausedBecause().orElseThrow().contains("not written by kupgrade pause"));
    }

    @Test
    void shouldSayThereWasNothingToResume() {
        assertTrue(service.resume(planFile, state).previous().isEmpty());
    }
}
