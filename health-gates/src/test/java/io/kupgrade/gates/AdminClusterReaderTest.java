package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.PlanException;
import io.kupgrade.plans.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminClusterReaderTest {

    private static Secret secret(String value) {
        return new Secret() {
            @Override
            public String reveal() {
                return value;
            }

            @Override
            public String masked() {
                return "******";
            }
        };
    }

    @Test
    void shouldLayerCommandConfigThenPlanPropertiesThenBootstrap(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("client.properties");
        Files.writeString(config, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n"
                + "bootstrap.servers=wrong:9092\nrequest.timeout.ms=9000\n");
        ClusterSpec cluster = new ClusterSpec("prod", "kafka-1:9093", config.toString(),
                Map.of("sasl.mechanism", secret("SCRAM-SHA-512"), "sasl.jaas.config", secret("jaas-secret")), null);

        Properties props = AdminClusterReader.clientProperties(cluster);

        assertEquals("SASL_SSL", props.getProperty("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.getProperty("sasl.mechanism"));
        assertEquals("jaas-secret", props.getProperty("sasl.jaas.config"));
        assertEquals("kafka-1:9093", props.getProperty("bootstrap.servers"));
        assertEquals("9000", props.getProperty("request.timeout.ms"), "the user's timeout wins");
        assertEquals("10000", props.getProperty("default.api.timeout.ms"));
    }

    @Test
    void shouldReportUnreadableCommandConfigAsPlanProblem(@TempDir Path dir) {
        String missing = dir.resolve("nope.properties").toString();
        ClusterSpec cluster = new ClusterSpec("prod", "kafka-1:9093", missing, Map.of(), null);

        PlanException e = assertThrows(PlanException.class, () -> AdminClusterReader.clientProperties(cluster));

        assertTrue(e.getMessage().startsWith(missing + ": cluster.commandConfig: cannot read"), e.getMessage());
    }

    @Test
    void shouldCloseQuicklyAndFailTheReadInFlightAsUnreachable() throws Exception {
        // nothing listens on port 1: the read would wait for its 10 s timeout. Whether close() lands before or
        // during the read, the read must end promptly as unreachable.
        ClusterSpec nowhere = new ClusterSpec("nowhere", "127.0.0.1:1", null, Map.of(), null);
        AdminClusterReader reader = AdminClusterReader.create(nowhere);
        java.util.concurrent.CompletableFuture<Throwable> read = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        reader.read();
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                });

        long start = System.nanoTime();
        reader.close();
        long closeMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(closeMs < 2_000, "close took " + closeMs + " ms");
        Throwable failure = read.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(failure instanceof ClusterUnreachableException, String.valueOf(failure));
    }
}
