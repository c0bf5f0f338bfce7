package io.kupgrade.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaDistributionTest {

    @TempDir
    Path tmp;

    @Test
    void shouldReadTheVersionOfAnInstallationFromItsKafkaJar() throws Exception {
        Path libs = Files.createDirectories(tmp.resolve("kafka_2.13-3.9.2/libs"));
        Files.createFile(libs.resolve("kafka-clients-3.9.2.jar"));
        Files.createFile(libs.resolve("kafka_2.13-3.9.2.jar"));

        KafkaDistribution d = KafkaDistribution.fromKafkaHome(tmp.resolve("kafka_2.13-3.9.2"));

        assertEquals("3.9.2", d.version());
        assertEquals(libs.toAbsolutePath(), d.libDir());
        assertEquals(3, d.major());
    }

    @Test
    void shouldRefuseADirectoryThatIsNotAKafkaInstallation() {
        SandboxException e = assertThrows(SandboxException.class, () -> KafkaDistribution.fromKafkaHome(tmp));

        assertTrue(e.getMessage().startsWith("not a Kafka installation (no libs/ directory): "), e.getMessage());
    }

    @Test
    void shouldSayThatAKafkaHomeDoesNotExist() {
        Path missing = tmp.resolve("nonexistent");

        SandboxException e = assertThrows(SandboxException.class, () -> KafkaDistribution.fromKafkaHome(missing));

        assertEquals("no such directory: " + missing, e.getMessage());
    }

    @Test
    void shouldSayThatAKafkaHomeIsAFile() throws Exception {
        Path file = Files.createFile(tmp.resolve("kafka.tgz"));

        SandboxException e = assertThrows(SandboxException.class, () -> KafkaDistribution.fromKafkaHome(file));

        assertEquals("not a directory: " + file, e.getMessage());
    }

    @Test
    void shouldRefuseSomethingThatIsNotAVersion() {
        SandboxException e = assertThrows(SandboxException.class, () -> KafkaDistribution.resolve("latest", tmp));

        assertEquals("not a Kafka version: 'latest' (expected e.g. 3.8.1)", e.getMessage());
    }
}
