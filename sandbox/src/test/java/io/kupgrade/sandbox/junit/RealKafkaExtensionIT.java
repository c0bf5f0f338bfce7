package io.kupgrade.sandbox.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs {@link Fixture} (a test class using {@link RealKafka}) through the JUnit launcher and checks, after the run,
 * that the cluster it got was injected everywhere and is gone.
 */
class RealKafkaExtensionIT {

    /** What the fixture saw, keyed by where it saw it. */
    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    @Test
    void shouldInjectOneClusterPerClassAndCloseItAfterTheClass() {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Fixture.class)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();

        assertEquals(0, summary.getTotalFailureCount(), () -> summary.getFailures().toString());
        assertEquals(2, summary.getTestsSucceededCount());
        SandboxCluster cluster = (SandboxCluster) SEEN.get("static");
        assertSame(cluster, SEEN.get("instance"));
        assertSame(cluster, SEEN.get("parameter"));
        assertSame(cluster, SEEN.get("nested"));
        @SuppressWarnings("unchecked")
        Map<String, Long> pids = (Map<String, Long>) SEEN.get("pids");
        assertEquals(1, pids.size(), pids.toString());
        for (long pid : pids.values()) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " alive");
        }
        assertTrue(cluster.status().allStopped());
    }

    @RealKafka(version = "4.0.2", brokers = 1, racks = 0, mode = SandboxSpec.Mode.KRAFT)
    static class Fixture {
        static SandboxCluster staticCluster;
        SandboxCluster instanceCluster;

        @BeforeAll
        static void before() {
            SEEN.put("static", staticCluster);
            SEEN.put("pids", staticCluster.processIds());
        }

        @Test
        void test(SandboxCluster parameter) {
            SEEN.put("instance", instanceCluster);
            SEEN.put("parameter", parameter);
            assertTrue(parameter.isRunning(1));
        }

        @Nested
        class Inner {
            @Test
            void nested(SandboxCluster parameter) {
                SEEN.put("nested", parameter);
            }
        }
    }
}
