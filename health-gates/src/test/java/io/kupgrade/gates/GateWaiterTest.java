package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class GateWaiterTest {

    /** A clock that only moves when the fake sleeper sleeps. */
    static final class FakeTime extends Clock implements Sleeper {
        Instant now = Instant.parse("2026-01-01T03:00:00Z");
        final List<Duration> sleeps = new ArrayList<>();

        @Override
        public void sleep(Duration duration) {
            sleeps.add(duration);
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Returns scripted snapshots (or failures) one per read; the last one repeats. */
    static final class ScriptedReader implements ClusterReader {
        final Deque<Supplier<ClusterSnapshot>> script = new ArrayDeque<>();
        Supplier<ClusterSnapshot> last;
        int reads;

        ScriptedReader then(ClusterSnapshot snapshot, int times) {
            for (int i = 0; i < times; i++) {
                script.add(() -> snapshot);
            }
            return this;
        }

        ScriptedReader thenUnreachable() {
            script.add(() -> {
                throw new ClusterUnreachableException("Timed out waiting for a node assignment", null);
            });
            return this;
        }

        @Override
        public ClusterSnapshot read() {
            reads++;
            if (!script.isEmpty()) {
                last = script.poll();
            }
            return last.get();
        }

        @Override
        public void close() {
        }
    }

    private final FakeTime time = new FakeTime();
    private final List<WaitProgress> progress = new ArrayList<>();

    private static Snapshots cluster() {
        return Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 41);
    }

    private GateWaiter waiter(ClusterReader reader) {
        return new GateWaiter(reader, time, time, Duration.ofSeconds(1), Duration.ofSeconds(30), 2);
    }

    @Test
    void shouldPassAfterStablePollsOnceBrokerRejoins() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader()
                .then(cluster().stopped(3).build(), 12)
                .then(cluster().build(), 1);

        WaitResult result = waiter(reader).await("broker 3 to rejoin", List.of(Gates.brokerBackInAllIsrs(3)),
                progress::add);

        assertTrue(result.passed());
        assertEquals(14, result.polls(), "12 failing polls, then 2 stable ones");
        assertEquals(Duration.ofSeconds(13), result.elapsed());
        assertEquals("waiting for broker 3 to rejoin: broker 3 is not registered, 11 s",
                progress.get(11).message());
    }

    @Test
    void shouldReportMissingIsrCountInProgress() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader().then(cluster().isr("orders", 0, 1, 2).build(), 1)
                .then(cluster().build(), 1);

        waiter(reader).await("broker 3 to rejoin", List.of(Gates.brokerBackInAllIsrs(3)), progress::add);

        assertTrue(progress.get(0).message().startsWith(
                "waiting for broker 3 to rejoin: broker 3 not yet back in the ISR of 1 of 41 partitions: orders-0"),
                progress.get(0).message());
    }

    @Test
    void shouldRestartStableCountWhenAGateFailsAgain() throws InterruptedException {
        ClusterSnapshot healthy = cluster().build();
        ClusterSnapshot flapping = cluster().isr("orders", 3, 1, 2).build();
        ScriptedReader reader = new ScriptedReader().then(healthy, 1).then(flapping, 1).then(healthy, 2);

        WaitResult result = waiter(reader).await("", List.of(Gates.noUnderReplicated()), progress::add);

        assertTrue(result.passed());
        assertEquals(4, result.polls());
        assertEquals(List.of(1, 0, 1, 2), progress.stream().map(WaitProgress::consecutivePasses).toList());
    }

    @Test
    void shouldTimeOutWithLastFailingResults() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader().then(cluster().stopped(2).build(), 1);

        WaitResult result = waiter(reader).await("", List.of(Gates.noUnderReplicated(), Gates.controllerPresent()),
                GateWaiter.Listener.NONE);

        assertFalse(result.passed());
        assertEquals(WaitResult.Outcome.TIMED_OUT, result.outcome());
        assertEquals(Duration.ofSeconds(30), result.elapsed());
        assertEquals(31, result.polls(), "one poll per second from 0 s to the deadline at 30 s");
        assertEquals(List.of("underReplicated"), result.failing().stream().map(GateResult::gate).toList());
    }

    @Test
    void shouldTreatUnreachableClusterAsNotPassing() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader().thenUnreachable().then(cluster().build(), 1);

        WaitResult result = waiter(reader).await("", List.of(Gates.noUnderReplicated()), progress::add);

        assertTrue(result.passed());
        assertEquals(3, result.polls());
        GateResult first = progress.get(0).results().get(0);
        assertEquals(GateWaiter.CLUSTER_READ, first.gate());
        assertEquals(GateResult.Status.INCONCLUSIVE, first.status());
        assertTrue(first.reason().contains("Timed out waiting for a node assignment"), first.reason());
    }

    @Test
    void shouldTreatThrowingGateAsInconclusive() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader().then(cluster().build(), 1);
        Gate broken = Gates.gate("broken", s -> {
            throw new IllegalStateException("bug");
        });

        WaitResult result = new GateWaiter(reader, time, time, Duration.ofSeconds(1), Duration.ofSeconds(2), 1)
                .await("", List.of(broken), GateWaiter.Listener.NONE);

        assertFalse(result.passed());
        assertEquals(GateResult.Status.INCONCLUSIVE, result.lastResults().get(0).status());
    }

    @Test
    void shouldSleepOnlyTheRestOfTheIntervalAfterASlowRead() throws InterruptedException {
        ClusterSnapshot healthy = cluster().build();
        ClusterReader slow = new ClusterReader() {
            @Override
            public ClusterSnapshot read() {
                time.now = time.now.plusMillis(300);
                return healthy;
            }

            @Override
            public void close() {
            }
        };

        waiter(slow).await("", List.of(Gates.noUnderReplicated()), GateWaiter.Listener.NONE);

        assertEquals(List.of(Duration.ofMillis(700)), time.sleeps);
    }

    @Test
    void shouldNotSleepPastTheDeadline() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader().then(cluster().stopped(2).build(), 1);

        WaitResult result = new GateWaiter(reader, time, time, Duration.ofSeconds(4), Duration.ofSeconds(10), 2)
                .await("", List.of(Gates.noUnderReplicated()), GateWaiter.Listener.NONE);

        assertEquals(List.of(Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(2)), time.sleeps);
        assertEquals(Duration.ofSeconds(10), result.elapsed());
    }

    @Test
    void shouldPassAtOnceOnTheRecentPollsOfThePreviousWaitWhenTheyAreFreshAndPass() throws InterruptedException {
        // broker 2's wait ends on two passing polls; broker 3's pre-stop gates follow 50 ms later
        ScriptedReader reader = new ScriptedReader().then(cluster().build(), 1);
        RecentPolls recent = new RecentPolls(2);
        GateWaiter waiter = waiter(reader);
        waiter.await("broker 2 back", List.of(Gates.brokerBackInAllIsrs(2)), Duration.ofSeconds(30),
                GateWaiter.Listener.NONE, recent);
        time.now = time.now.plusMillis(50);
        int readsBefore = reader.reads;

        WaitResult result = waiter.await("broker 3 may stop", List.of(Gates.canStop(3), Gates.noUnderReplicated()),
                Duration.ofSeconds(30), progress::add, recent);

        assertTrue(result.passed());
        assertEquals(0, result.polls(), "no read: the cluster was seen healthy twice, a moment ago");
        assertEquals(readsBefore, reader.reads);
    }

    @Test
    void shouldCountRecentPollsOlderThanOneIntervalOnlyWithAFreshRead() throws InterruptedException {
        // broker 4's gates passed; the runner checked its process, journaled, checked broker 5's process: 1.5
        // intervals later broker 5's wait starts
        ScriptedReader reader = new ScriptedReader().then(cluster().build(), 1);
        RecentPolls recent = new RecentPolls(2);
        GateWaiter waiter = waiter(reader);
        waiter.await("", List.of(Gates.noUnderReplicated()), Duration.ofSeconds(30), GateWaiter.Listener.NONE, recent);
        time.now = time.now.plusMillis(1500);
        int sleepsBefore = time.sleeps.size();

        WaitResult result = waiter.await("", List.of(Gates.canStop(3)), Duration.ofSeconds(30),
                GateWaiter.Listener.NONE, recent);

        assertTrue(result.passed());
        assertEquals(1, result.polls(), "one fresh read, confirmed by the recent poll");
        assertEquals(sleepsBefore, time.sleeps.size(), "read at once");
    }

    @Test
    void shouldNotPassOnRecentPollsOlderThanOneIntervalWhenTheFreshReadFails() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader().then(cluster().build(), 2).then(cluster().stopped(2).build(), 1)
                .then(cluster().build(), 2);
        RecentPolls recent = new RecentPolls(2);
        GateWaiter waiter = waiter(reader);
        waiter.await("", List.of(Gates.noUnderReplicated()), Duration.ofSeconds(30), GateWaiter.Listener.NONE, recent);
        time.now = time.now.plusMillis(1500);

        WaitResult result = waiter.await("", List.of(Gates.noUnderReplicated()), Duration.ofSeconds(30),
                GateWaiter.Listener.NONE, recent);

        assertTrue(result.passed());
        assertEquals(3, result.polls(), "the failing fresh read restarts the count: two more passing reads");
    }

    @Test
    void shouldPollAfreshWhenTheRecentPollsAreOlderThanTwoPollIntervals() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader().then(cluster().build(), 1);
        RecentPolls recent = new RecentPolls(2);
        GateWaiter waiter = waiter(reader);
        waiter.await("", List.of(Gates.noUnderReplicated()), Duration.ofSeconds(30), GateWaiter.Listener.NONE, recent);
        time.now = time.now.plusSeconds(2);

        WaitResult result = waiter.await("", List.of(Gates.canStop(3)), Duration.ofSeconds(30),
                GateWaiter.Listener.NONE, recent);

        assertTrue(result.passed());
        assertEquals(2, result.polls());
    }

    @Test
    void shouldPollAfreshAfterTheClusterWasActedOn() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader().then(cluster().build(), 2).then(cluster().stopped(3).build(), 1)
                .then(cluster().build(), 1);
        RecentPolls recent = new RecentPolls(2);
        GateWaiter waiter = waiter(reader);
        waiter.await("", List.of(Gates.noUnderReplicated()), Duration.ofSeconds(30), GateWaiter.Listener.NONE, recent);

        recent.forget(); // broker 3 restarted
        WaitResult result = waiter.await("", List.of(Gates.noUnderReplicated()), Duration.ofSeconds(30),
                GateWaiter.Listener.NONE, recent);

        assertTrue(result.passed());
        assertEquals(3, result.polls(), "the healthy polls before the restart do not count: under-replicated, then"
                + " healthy twice");
    }

    @Test
    void shouldCountAPassingRecentPollAndReadTheNextOneIntervalAfterIt() throws InterruptedException {
        // the previous wait saw a failing poll, then a passing one; this wait needs one more
        ScriptedReader reader = new ScriptedReader().then(cluster().stopped(3).build(), 1).then(cluster().build(), 1);
        RecentPolls recent = new RecentPolls(2);
        GateWaiter once = new GateWaiter(reader, time, time, Duration.ofSeconds(1), Duration.ofSeconds(30), 1);
        once.await("", List.of(Gates.noUnderReplicated()), Duration.ofSeconds(30), GateWaiter.Listener.NONE, recent);
        time.now = time.now.plusMillis(200);

        WaitResult result = waiter(reader).await("", List.of(Gates.noUnderReplicated()), Duration.ofSeconds(30),
                progress::add, recent);

        assertTrue(result.passed());
        assertEquals(1, result.polls(), "the passing recent poll counts as the first of two");
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofMillis(800)), time.sleeps,
                "the fresh read is one interval after the recent one");
        assertEquals(2, progress.get(0).consecutivePasses());
    }

    @Test
    void shouldForgetRecentPollsWhenAReadFails() throws InterruptedException {
        ScriptedReader reader = new ScriptedReader().then(cluster().build(), 1).thenUnreachable()
                .then(cluster().build(), 1);
        RecentPolls recent = new RecentPolls(3);

        WaitResult result = waiter(reader).await("", List.of(Gates.noUnderReplicated()), Duration.ofSeconds(30),
                GateWaiter.Listener.NONE, recent);

        assertEquals(4, result.polls(), "healthy, unreachable, healthy, healthy");
        assertEquals(2, recent.usable(time.now, Duration.ofSeconds(1)).size(),
                "the poll before the failed read no longer counts");
    }

    @Test
    void shouldPassOnOnePollWhenEveryGateSettlesOnce() throws InterruptedException {
        // the process has exited: one read that no longer lists the broker is conclusive
        ScriptedReader reader = new ScriptedReader().then(cluster().build(), 1).then(cluster().stopped(3).build(), 1);

        WaitResult gone = waiter(reader).await("broker 3 gone", List.of(Gates.brokerGone(3)), progress::add);
        WaitResult mixed = waiter(reader).await("", List.of(Gates.brokerGone(3), Gates.controllerPresent()),
                GateWaiter.Listener.NONE);

        assertTrue(gone.passed());
        assertEquals(2, gone.polls(), "still listed, then gone: no second gone poll needed");
        assertEquals(2, mixed.polls(), "with a gate that does not settle once, stablePolls apply");
    }
}
