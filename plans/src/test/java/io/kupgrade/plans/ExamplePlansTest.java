package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Every plan under examples/ parses without warnings, and means what its comments say. */
class ExamplePlansTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    private static Plan parse(String name) {
        return new PlanParser(Map.<String, String>of()::get).read(EXAMPLES.resolve(name));
    }

    private static List<String> names(Plan plan) {
        return plan.phases().stream().map(PhaseSpec::name).toList();
    }

    @Test
    void zookeeper38To39PinsTheProtocolThenBumpsItAsPointOfNoReturn() {
        Plan plan = parse("zookeeper-3.8-to-3.9.yaml");

        assertEquals("events-eu1", plan.cluster().name());
        assertTrue(plan.cluster().zookeeperMode());
        assertEquals(6, plan.brokers().size());
        assertEquals(List.of("binaries", "protocol"), names(plan));
        PhaseSpec binaries = plan.phases().get(0);
        assertEquals("3.9.2", binaries.version());
        assertEquals(Map.of("inter.broker.protocol.version", "3.8"), binaries.set());
        assertFalse(binaries.pointOfNoReturn());
        PhaseSpec protocol = plan.phases().get(1);
        assertEquals(Map.of("inter.broker.protocol.version", "3.9"), protocol.set());
        assertTrue(protocol.pointOfNoReturn());
        assertEquals(List.of("raises inter.broker.protocol.version from 3.8 to 3.9; the cluster can no longer be "
                + "downgraded"), protocol.pointOfNoReturnReasons());
        assertEquals(List.of("canary", "half", "rest"), plan.waves().stream().map(WaveSpec::name).toList());
        assertEquals("${env:KAFKA_ADMIN_JAAS}", plan.cluster().clientProperties().get("sasl.jaas.config").masked());
        assertEquals("${env:KUPGRADE_SSH_PASSPHRASE}", plan.access().ssh().passphrase().masked());
        assertEquals(List.of(), plan.warnings());
        assertEquals(64, plan.sha256().length());
    }

    @Test
    void zookeeper38To39WavesSpreadOverTheThreeZones() {
        Plan plan = parse("zookeeper-3.8-to-3.9.yaml");

        List<Wave> waves = WavePlanner.expand(plan.waves(), plan.brokers(), OptionalInt.of(2));

        assertEquals(List.of(List.of(1), List.of(5, 3, 4), List.of(6, 2)), waves.stream()
                .map(w -> w.brokers().stream().map(BrokerSpec::id).toList()).toList());
    }

    @Test
    void kraft40To41RollsBinariesThenFinalizesMetadataVersionLast() {
        Plan plan = parse("kraft-4.0-to-4.1.yaml");

        assertFalse(plan.cluster().zookeeperMode());
        assertEquals(List.of("binaries", "finalize"), names(plan));
        PhaseSpec binaries = plan.phases().get(0);
        assertEquals("4.1.1", binaries.version());
        assertNull(binaries.finalizeMetadataVersion());
        assertFalse(binaries.pointOfNoReturn());
        PhaseSpec last = plan.phases().get(plan.phases().size() - 1);
        assertEquals("4.1", last.finalizeMetadataVersion());
        assertTrue(last.pointOfNoReturn());
        assertEquals("******", plan.cluster().clientProperties().get("ssl.keystore.location").masked(),
                "key-looking names are masked even when they are only paths");
        assertEquals("${env:KUPGRADE_KEYSTORE_PASSWORD}",
                plan.cluster().clientProperties().get("ssl.keystore.password").masked());
        assertEquals(List.of(), plan.warnings());
    }

    @Test
    void zookeeper010To20IsThreeRollsWithBothVersionsPinnedFirst() {
        Plan plan = parse("zookeeper-0.10-to-2.0.yaml");

        assertEquals(List.of("binaries", "protocol", "message-format"), names(plan));
        assertEquals(Map.of("inter.broker.protocol.version", "0.10.2", "log.message.format.version", "0.10.2"),
                plan.phases().get(0).set());
        assertFalse(plan.phases().get(0).pointOfNoReturn());
        assertEquals(Map.of("inter.broker.protocol.version", "2.0"), plan.phases().get(1).set());
        assertTrue(plan.phases().get(1).pointOfNoReturn());
        assertEquals(Map.of("log.message.format.version", "2.0"), plan.phases().get(2).set());
        assertTrue(plan.phases().get(2).pointOfNoReturn());
        assertEquals(List.of(), plan.warnings());
    }
}
