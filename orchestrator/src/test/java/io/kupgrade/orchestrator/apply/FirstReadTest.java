package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.gates.ClusterUnreachableException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class FirstReadTest {
    static final ClusterSnapshot SNAPSHOT = new ClusterSnapshot(Instant.EPOCH, Map.of(), OptionalInt.of(1), true,
            List.of(), Map.of(), Set.of(), Map.of(), Map.of());

    /** A reader that only knows whether it was closed. */
    static final class Reader implements AutoCloseable {
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void theReaderAndItsFirstSnapshotAreTheOnesOpenedAndRead() throws Exception {
        Reader opened = new Reader();
        try (FirstRead<Reader> first = FirstRead.start(() -> opened, r -> SNAPSHOT)) {
            assertSame(opened, first.reader());
            assertSame(SNAPSHOT, first.snapshot());
        }
        assertFalse(opened.closed.await(200, TimeUnit.MILLISECONDS), "handed over: the caller closes it");
    }

    @Test
    void anUnreachableClusterIsReportedAsSuchWhereTheSnapshotIsAskedFor() {
        try (FirstRead<Reader> first = FirstRead.start(Reader::new, r -> {
            throw new ClusterUnreachableException("no broker answered at 127.0.0.1:1", null);
        })) {
            ClusterUnreachableException e = assertThrows(ClusterUnreachableException.class, first::snapshot);
            assertEquals("no broker answered at 127.0.0.1:1", e.getMessage());
        }
    }

    @Test
    void theReadNeverRunsOnTheCallersThreadEvenWhenTheReaderOpensAtOnce() {
        // a reader that opens at once may be open before the read is chained to it: many tries, so that the
        // race is met if the read could then run on the caller's thread
        Thread caller = Thread.currentThread();
        for (int i = 0; i < 200; i++) {
            java.util.concurrent.atomic.AtomicReference<Thread> readOn = new java.util.concurrent.atomic
                    .AtomicReference<>();
            try (FirstRead<Reader> first = FirstRead.start(Reader::new, r -> {
                readOn.set(Thread.currentThread());
                return SNAPSHOT;
            })) {
                assertSame(SNAPSHOT, first.snapshot());
            }
            assertFalse(readOn.get() == caller, "try " + i + ": read on the caller's thread");
        }
    }

    @Test
    void aReaderNotTakenOverIsClosedOnceItsReadHasEnded() throws Exception {
        Reader opened = new Reader();
        CountDownLatch readMayEnd = new CountDownLatch(1);
        FirstRead<Reader> first = FirstRead.start(() -> opened, r -> {
            try {
                readMayEnd.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return SNAPSHOT;
        });
        // e.g. the lock was held: the caller leaves without the reader
        first.close();
        assertFalse(opened.closed.await(200, TimeUnit.MILLISECONDS), "not while its read runs");
        readMayEnd.countDown();
        assertTrue(opened.closed.await(10, TimeUnit.SECONDS), "closed once the read ended");
    }

    @Test
    void whatOpeningThrewIsWhatTheReaderAndTheSnapshotThrow() {
        try (FirstRead<Reader> first = FirstRead.start(() -> {
            throw new IllegalArgumentException("bootstrap servers: none given");
        }, r -> SNAPSHOT)) {
            assertEquals("bootstrap servers: none given",
                    assertThrows(IllegalArgumentException.class, first::reader).getMessage());
            assertThrows(IllegalArgumentException.class, first::snapshot);
        }
    }
}
