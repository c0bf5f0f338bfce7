package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Which cluster {@code check} and {@code topic-format} reach, and with which client properties, when a PLAN and
 * {@code --bootstrap-server} / {@code --command-config} are given. The plan (examples/zookeeper-3.8-to-3.9.yaml)
 * has a {@code commandConfig} file and {@code clientProperties} security.protocol SASL_SSL, sasl.mechanism
 * SCRAM-SHA-512 and sasl.jaas.config {@code ${env:KAFKA_ADMIN_JAAS}}.
 */
class ClusterOptionsTest {
    static final String PLAN = "../examples/zookeeper-3.8-to-3.9.yaml";
    static final String PLAN_SERVERS = "kafka-1.eu1.example:9093,kafka-2.eu1.example:9093,kafka-3.eu1.example:9093";

    @TempDir
    Path dir;

    private Path commandConfig() throws IOException {
        Path file = dir.resolve("admin.properties");
        Files.writeString(file, "# an operator's own admin client\nsecurity.protocol=SSL\n"
                + "ssl.truststore.location=/etc/kafka/truststore.jks\nssl.keystore.password=changeit-42\n");
        return file;
    }

    private static ClusterOptions.Target check(String... args) {
        CheckCommand check = new CheckCommand();
        new CommandLine(check).parseArgs(args);
        return check.cluster.target();
    }

    private static String reveal(ClusterSpec c, String key) {
        Secret s = c.clientProperties().get(key);
        return s == null ? null : s.reveal();
    }

    @Test
    void shouldLayTheCommandConfigOverThePlansClientPropertiesKeyByKey() throws IOException {
        ClusterSpec c = check(PLAN, "--command-config", commandConfig().toString()).cluster();

        assertEquals("SSL", reveal(c, "security.protocol"), "the file wins over the plan");
        assertEquals("/etc/kafka/truststore.jks", reveal(c, "ssl.truststore.location"), "the file adds");
        assertEquals("changeit-42", reveal(c, "ssl.keystore.password"));
        assertEquals("SCRAM-SHA-512", reveal(c, "sasl.mechanism"), "what the file does not set stays");
        assertEquals("${env:KAFKA_ADMIN_JAAS}", c.clientProperties().get("sasl.jaas.config").masked());
        // the client reads the plan's file first, then clientProperties: the flag wins over both
        assertEquals("/etc/kupgrade/events-eu1-admin.properties", c.commandConfig());
        assertEquals(PLAN_SERVERS, c.bootstrapServers());
        assertEquals("events-eu1", c.name(), "same cluster: same journal and lock");
    }

    @Test
    void shouldNeverShowAValueOfTheCommandConfig() throws IOException {
        ClusterSpec c = check(PLAN, "--command-config", commandConfig().toString()).cluster();

        for (String key : new String[] {"security.protocol", "ssl.truststore.location", "ssl.keystore.password"}) {
            assertEquals("******", c.clientProperties().get(key).masked(), key);
        }
        assertFalse(c.toString().contains("changeit-42"), c.toString());
        assertFalse(c.clientProperties().toString().contains("truststore.jks"), c.clientProperties().toString());
    }

    @Test
    void shouldTakeBothOverridesForTopicFormatToo() throws IOException {
        TopicFormatCommand topicFormat = new TopicFormatCommand();
        new CommandLine(topicFormat).parseArgs(PLAN, "--bootstrap-server", "kafka-9:9093", "--command-config",
                commandConfig().toString(), "--topic", "orders", "--remove");

        ClusterOptions.Target t = topicFormat.cluster.target();

        assertEquals("events-eu1", t.plan().cluster().name());
        assertEquals("kafka-9:9093", t.cluster().bootstrapServers());
        assertEquals("SSL", reveal(t.cluster(), "security.protocol"));
        assertEquals("SCRAM-SHA-512", reveal(t.cluster(), "sasl.mechanism"));
    }

    @Test
    void shouldUseThePlansClusterAsItIsWithoutTheFlags() {
        ClusterOptions.Target t = check(PLAN);

        assertSame(t.plan().cluster(), t.cluster());
    }

    @Test
    void shouldPassTheCommandConfigThroughWithoutAPlan() {
        ClusterOptions.Target t = check("--bootstrap-server", "kafka-9:9093", "--command-config", "/etc/admin.properties");

        assertNull(t.plan());
        assertEquals("/etc/admin.properties", t.cluster().commandConfig());
        assertTrue(t.cluster().clientProperties().isEmpty());
    }

    @Test
    void shouldRefuseAnUnreadableCommandConfigInOneLineBeforeAnyConnection() {
        String missing = dir.resolve("nope.properties").toString();

        Cli r = Cli.run("check", PLAN, "--command-config", missing);

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: check: cannot read --command-config " + missing + ": no such file. Give a readable"
                + " client properties file, or leave the option out to use the plan's settings\n", r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void shouldRefuseABootstrapServerWithoutAPortInOneLineBeforeAnyConnection() {
        Cli r = Cli.run("check", PLAN, "--bootstrap-server", "x");

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: check: --bootstrap-server: 'x' is not host:port (e.g. kafka-1.example:9092); give"
                + " HOST:PORT[,HOST:PORT...]\n", r.err());
    }

    @Test
    void shouldTakeBootstrapServersAsThePlanTakesThem() {
        String servers = "kafka-1.eu1.example:9093, 10.0.0.7:9092,[::1]:9092";

        assertEquals(servers, check("--bootstrap-server", servers).cluster().bootstrapServers());
    }
}
