package io.kupgrade.orchestrator.apply;

import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.orchestrator.engine.RunSupport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code apply}'s cluster reader opened, and the cluster first read, on a thread of their own while the caller
 * reads the pause marker and takes the lock: the three are independent and each costs 0.3-2 s at the start of
 * a JVM, most of it class loading (issue 7: start-up is kupgrade's overhead too). The read only reads; what it
 * is used for (the brokers' hosts and the active controller, to lay the waves out) is read again before any
 * decision that needs it fresh.
 *
 * <p>Errors surface where the caller asks for the result, so a user still learns of them in the order of a
 * sequential start: an invalid plan, a pause, a held lock, then an unreachable cluster. Closing without
 * {@linkplain #reader() taking the reader over} closes it once its read has ended.
 *
 * <p>Not thread-safe: one caller.
 *
 * @param <R> the reader (an {@link io.kupgrade.gates.AdminClusterReader} in apply)
 */
final class FirstRead<R extends AutoCloseable> implements AutoCloseable {
    private final CompletableFuture<R> reader;
    private final CompletableFuture<ClusterSnapshot> snapshot;
    private boolean handedOver;

    private FirstRead(CompletableFuture<R> reader, CompletableFuture<ClusterSnapshot> snapshot) {
        this.reader = reader;
        this.snapshot = snapshot;
    }

    /** Starts opening a reader with {@code open}, then reading it with {@code read}, on daemon threads. */
    static <R extends AutoCloseable> FirstRead<R> start(Supplier<R> open, Function<R, ClusterSnapshot> read) {
        Executor daemon = runnable -> {
            Thread t = new Thread(runnable, "kupgrade-first-read");
            t.setDaemon(true);
            t.start();
        };
        CompletableFuture<R> reader = CompletableFuture.supplyAsync(open, daemon);
        // async: a plain thenApply runs the read on this thread when the reader is already open by now
        return new FirstRead<>(reader, reader.thenApplyAsync(read, daemon));
    }

    /**
     * The opened reader, from now on the caller's to close.
     *
     * @throws RuntimeException what opening it threw
     */
    R reader() {
        R r = RunSupport.joined(reader);
        handedOver = true;
        return r;
    }

    /**
     * The first snapshot.
     *
     * @throws RuntimeException what opening the reader or reading threw (e.g. ClusterUnreachableException)
     */
    ClusterSnapshot snapshot() {
        return RunSupport.joined(snapshot);
    }

    @Override
    public void close() {
        if (!handedOver) {
            // closing aborts a read in flight, which would then be retried: close once it has ended
            snapshot.handle((s, e) -> reader.thenAccept(FirstRead::closeQuietly));
        }
    }

    private static void closeQuietly(AutoCloseable r) {
        try {
            r.close();
        } catch (Exception e) {
            // nobody uses it; the caller's own error (a held lock, a pause) is the one to report
        }
    }
}
