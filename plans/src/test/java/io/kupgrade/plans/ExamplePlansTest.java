package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every plan under examples/ parses, and means what its comments say. */
class ExamplePlansTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    private static Plan parse(String name) {
        return new PlanParser(Map.<String, String>of()::get).read(EXAMPLES.resolve(name));
    }

    @Test
    void zookeeper38To39PinsTheProtocolThenBumpsItAsPointOfNoReturn() {
        Plan plan = parse("zookeeper-3.8-to-3.9.yaml");

        assertEquals("events-eu1", plan.cluster().name());
        assertTrue(plan.cluster().zookeeperMode());
        assertEquals(6, plan.brokers().size());
        assertEquals(List.of("binaries", "protocol"), plan.phases().stream().map(PhaseSpec::name).toList());
        PhaseSpec binaries = plan.phases().get(0);
        assertEquals(Map.of("inter.broker.protocol.version", "3.8"), binaries.set());
        assertFalse(binaries.pointOfNoReturn());
        PhaseSpec protocol = plan.phases().get(1);
        assertEquals("3.9", protocol.set().get("inter.broker.protocol.version"));
        assertTrue(protocol.pointOfNoReturn());
        assertEquals(List.of("canary", "half", "rest"), plan.waves().stream().map(WaveSpec::name).toList());
        assertEquals("${env:KAFKA_ADMIN_JAAS}", plan.cluster().clientProperties().get("sasl.jaas.config").masked());
        assertEquals(List.of(), plan.warnings());
        assertEquals(64, plan.sha256().length());
    }
}
