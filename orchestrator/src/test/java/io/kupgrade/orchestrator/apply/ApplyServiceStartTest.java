package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.lock.FileClusterLock;
import io.kupgrade.orchestrator.lock.LockHeldException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code apply} tells a user before it touches anything, now that the cluster is first read while the lock
 * is taken ({@link FirstRead}): the errors keep their order, and none waits for another.
 */
class ApplyServiceStartTest {
    @TempDir
    Path dir;

    @Test
    void aHeldLockIsReportedAtOnceEvenWhenTheClusterDoesNotAnswer() throws IOException {
        Path plan = dir.resolve("plan.yaml");
        // nobody listens on 127.0.0.11:9092: the first read retries for seconds before it gives up
        Files.writeString(plan, DemoPlans.zookeeperUpgrade(PreviewServiceTest.SANDBOX_PLAN, "3.9.2", "3.8", "3.9"));
        Path state = dir.resolve("state");
        try (FileClusterLock other = FileClusterLock.acquire(state, "sb", "kupgrade apply plan.yaml (another run)")) {
            long t = System.nanoTime();

            LockHeldException e = assertThrows(LockHeldException.class, () -> new ApplyService().apply(
                    new ApplyRequest(plan, Selection.all(), true, state), null, null, null));

            Duration took = Duration.ofNanos(System.nanoTime() - t);
            assertTrue(e.getMessage().contains("another run"), e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "not after the cluster read's retries: " + took);
            assertFalse(Files.exists(state.resolve("sb").resolve("journal.jsonl")), "no journal written");
        }
    }
}
