package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
    private static final BrokerSpec BROKER = new BrokerSpec(7, "kafka-7.example", "r1", null);

    @Test
    void replacesBrokerIdAndHost() {
        assertEquals("/etc/kafka/7/server.properties on kafka-7.example",
                Placeholders.apply("/etc/kafka/{broker.id}/server.properties on {host}", BROKER));
    }

    @Test
    void leavesShellSyntaxAlone() {
        String command = "awk '{print $1}' ${HOME}/x && echo {} && systemctl stop kafka@{broker.id}";

        assertEquals("awk '{print $1}' ${HOME}/x && echo {} && systemctl stop kafka@7",
                Placeholders.apply(command, BROKER));
        assertEquals(List.of(), Placeholders.unknownIn(command));
    }

    @Test
    void findsUnknownPlaceholders() {
        assertEquals(List.of("brokerid", "rack"), Placeholders.unknownIn("x {brokerid} {host} {rack}"));
    }
}
