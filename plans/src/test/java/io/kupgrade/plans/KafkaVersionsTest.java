package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaVersionsTest {

    @Test
    void ordersReleasesIvsAndBuilds() {
        List<String> ascending = List.of("0.8.0", "0.10.0-IV1", "0.10.2", "0.11.0", "1.0", "2.0", "2.8", "2.8-IV0",
                "2.8-IV1", "2.8.2", "3.8", "3.8-IV1", "3.9", "3.9.2", "4.0", "4.1.1");
        for (int i = 0; i + 1 < ascending.size(); i++) {
            String a = ascending.get(i);
            String b = ascending.get(i + 1);
            assertTrue(KafkaVersions.compare(a, b) < 0, a + " < " + b);
            assertTrue(KafkaVersions.compare(b, a) > 0, b + " > " + a);
        }
        assertEquals(0, KafkaVersions.compare("3.9", "3.9"));
    }

    @Test
    void releaseOfZeroVersionsKeepsThreeSegments() {
        assertEquals("0.10.2", KafkaVersion.parse("0.10.2.1").release().toString());
        assertEquals("2.8", KafkaVersion.parse("2.8.2").release().toString());
        assertEquals("3.8-IV1", KafkaVersion.parse("3.8-IV1").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.8.0", "0.9.0", "0.10.0-IV1", "0.10.2", "0.10.2.1", "0.11.0", "1.1", "2.0-IV1", "2.8",
        "2.8.2", "3.3-IV3", "3.9", "3.9-IV0"})
    void acceptsProtocolVersionsKafkaKnows(String version) {
        assertEquals(Optional.empty(), KafkaVersions.checkProtocolVersion(version));
    }

    @Test
    void refusesProtocolVersionsKafkaDoesNotKnow() {
        assertEquals(Optional.of("'3.10' is not a protocol version Kafka knows; protocol versions go from 0.8.0 to 3.9 "
                + "(Kafka 4.0 removed inter.broker.protocol.version)"), KafkaVersions.checkProtocolVersion("3.10"));
        assertEquals(Optional.of("'2.8-IV2' is not a protocol version Kafka knows: 2.8 goes up to 2.8-IV1"),
                KafkaVersions.checkProtocolVersion("2.8-IV2"));
        assertEquals(Optional.of("'0.9.0-IV0' is not a protocol version Kafka knows: 0.9.0 has no IVs"),
                KafkaVersions.checkProtocolVersion("0.9.0-IV0"));
        assertEquals(Optional.of("'three' is not a Kafka version (e.g. 3.9, 3.9.2, 3.8-IV1)"),
                KafkaVersions.checkProtocolVersion("three"));
        assertTrue(KafkaVersions.checkProtocolVersion("4.0").isPresent());
    }

    @Test
    void metadataVersionsStartAt33() {
        assertEquals(Optional.empty(), KafkaVersions.checkMetadataVersion("4.1"));
        assertEquals(Optional.empty(), KafkaVersions.checkMetadataVersion("3.3-IV3"));
        assertEquals(Optional.of("'3.2' is not a metadata version Kafka knows; metadata versions go from 3.3 to 4.1"),
                KafkaVersions.checkMetadataVersion("3.2"));
    }

    @Test
    void recordFormatFollowsTheMessageFormatVersions() {
        assertEquals(0, KafkaVersions.recordFormat(KafkaVersion.parse("0.9.0")));
        assertEquals(1, KafkaVersions.recordFormat(KafkaVersion.parse("0.10.0-IV0")));
        assertEquals(1, KafkaVersions.recordFormat(KafkaVersion.parse("0.10.2")));
        assertEquals(2, KafkaVersions.recordFormat(KafkaVersion.parse("0.11.0")));
        assertEquals(2, KafkaVersions.recordFormat(KafkaVersion.parse("2.0")));
    }

    @Test
    void protocolComparisonReadsAReleaseAsItsLatestIv() {
        assertEquals(0, KafkaVersions.compareProtocol(KafkaVersion.parse("2.8"), KafkaVersion.parse("2.8-IV1")));
        assertEquals(0, KafkaVersions.compareProtocol(KafkaVersion.parse("2.8.2"), KafkaVersion.parse("2.8")));
        assertTrue(KafkaVersions.compareProtocol(KafkaVersion.parse("2.8-IV0"), KafkaVersion.parse("2.8")) < 0);
    }

    @Test
    void releasesAreChecked() {
        assertEquals(Optional.empty(), KafkaVersions.checkRelease("3.9.2"));
        assertEquals(Optional.of("'3.9-IV0' is a protocol version; a Kafka release has no -IV suffix (e.g. 3.9.2)"),
                KafkaVersions.checkRelease("3.9-IV0"));
        assertEquals(Optional.of("'9.1.0' is not a Kafka release kupgrade knows (0.8.0 .. 4.4)"),
                KafkaVersions.checkRelease("9.1.0"));
    }

    @Test
    void parseRefusesNonVersions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaVersion.parse("3"));
        assertEquals("'3' is not a Kafka version (e.g. 3.9, 3.9.2, 3.8-IV1)", e.getMessage());
    }
}
