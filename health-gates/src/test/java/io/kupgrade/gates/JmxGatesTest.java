package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class JmxGatesTest {

    private static BrokerMetrics metrics(int id, int state, String version, double conversions, double p99,
                                         double idle) {
        return new BrokerMetrics(id, OptionalInt.of(state), Optional.of(version), OptionalDouble.of(conversions),
                OptionalDouble.of(0), OptionalDouble.of(p99), OptionalDouble.of(idle), List.of());
    }

    private static ClusterSnapshot withMetrics(BrokerMetrics... readings) {
        Snapshots s = Snapshots.cluster().brokers(1, 2, 3);
        for (BrokerMetrics m : readings) {
            s.metrics(m);
        }
        return s.build();
    }

    @Test
    void shouldPassRunningOnlyInStateThree() {
        ClusterSnapshot recovering = withMetrics(metrics(3, 2, "3.9.2", 0, 5, 0.9));
        ClusterSnapshot running = withMetrics(metrics(3, 3, "3.9.2", 0, 5, 0.9));

        GateResult recoveringResult = JmxGates.brokerRunning(3).evaluate(recovering);

        assertEquals(GateResult.Status.FAIL, recoveringResult.status());
        assertEquals("broker 3 in state RECOVERY (2)", recoveringResult.reason());
        assertTrue(JmxGates.brokerRunning(3).evaluate(running).passed());
        assertEquals(GateResult.Status.INCONCLUSIVE, JmxGates.brokerRunning(2).evaluate(running).status());
    }

    @Test
    void shouldCompareRunningVersionExactly() {
        ClusterSnapshot snapshot = withMetrics(metrics(1, 3, "3.8.1", 0, 5, 0.9), metrics(2, 3, "3.9.2", 0, 5, 0.9));

        assertEquals(GateResult.Status.FAIL, JmxGates.runningVersion(1, "3.9.2").evaluate(snapshot).status());
        assertTrue(JmxGates.runningVersion(2, "3.9.2").evaluate(snapshot).passed());
    }

    @Test
    void shouldBoundProduceLatencyRelativeToBaseline() {
        ClusterSnapshot baseline = withMetrics(metrics(1, 3, "3.8.1", 0, 10, 0.9), metrics(2, 3, "3.8.1", 0, 20, 0.9));
        ClusterSnapshot slower = withMetrics(metrics(1, 3, "3.9.2", 0, 31, 0.9), metrics(2, 3, "3.8.1", 0, 25, 0.9));
        Gate gate = JmxGates.produceP99WithinBaseline(baseline, 2.0, 10);

        GateResult result = gate.evaluate(slower);

        assertEquals(GateResult.Status.FAIL, result.status());
        assertEquals("broker 1 31.00 ms (limit <= 30.00)", result.reason());
        assertTrue(JmxGates.produceP99AtMost(50).evaluate(slower).passed());
    }

    @Test
    void shouldFailWhenDownConversionAppearsAndWhenHandlersAreBusy() {
        ClusterSnapshot snapshot = withMetrics(metrics(1, 3, "3.9.2", 250, 5, 0.1), metrics(2, 3, "3.9.2", 0, 5, 0.8));

        assertEquals(GateResult.Status.FAIL, JmxGates.conversionsAtMost(10).evaluate(snapshot).status());
        GateResult idle = JmxGates.handlerIdleAtLeast(JmxGates.DEFAULT_MIN_HANDLER_IDLE).evaluate(snapshot);
        assertEquals(GateResult.Status.FAIL, idle.status());
        assertTrue(idle.reason().startsWith("broker 1 0.10 idle"), idle.reason());
    }

    @Test
    void shouldBeInconclusiveWithoutReadings() {
        ClusterSnapshot none = Snapshots.cluster().brokers(1, 2, 3).build();

        assertEquals(GateResult.Status.INCONCLUSIVE, JmxGates.produceP99AtMost(50).evaluate(none).status());
    }
}
