package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sandbox up} refuses a bad {@code --dir} or {@code --kafka-home} in one line, exit 2, before it starts or
 * touches anything. Nothing here starts a broker: where a check under test passes, another (an empty
 * {@code --kafka-home}) still stops the command before anything would start.
 */
class SandboxCommandTest {

    @TempDir
    Path tmp;

    /** A directory that is not a Kafka installation: with it, {@code up} stops before starting anything. */
    private Path notKafka() throws IOException {
        return Files.createDirectories(tmp.resolve("not-kafka"));
    }

    /** A Kafka installation as far as {@code up} looks before it starts: the tarball's libs/ with its jar. */
    private Path kafkaHome(String version) throws IOException {
        Path libs = Files.createDirectories(tmp.resolve("kafka_2.13-" + version).resolve("libs"));
        Files.createFile(libs.resolve("kafka_2.13-" + version + ".jar"));
        return libs.getParent();
    }

    @Test
    void shouldRefuseTheFilesystemRootAsTheSandboxDirectory() throws IOException {
        Cli r = Cli.run("sandbox", "up", "--dir", "/", "--kafka-home", notKafka().toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: --dir /: the sandbox's directory cannot be the filesystem root; give it a directory"
                + " of its own (default: .kupgrade/sandbox)\n", r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void shouldRefuseADirectoryThatCannotBeCreatedBecauseAFileIsInTheWay() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        Path dir = file.resolve("sandbox");

        Cli r = Cli.run("sandbox", "up", "--dir", dir.toString(), "--kafka-home", notKafka().toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: --dir " + dir + ": cannot be created: " + file + " is not a directory\n", r.err());
    }

    @Test
    void shouldRefuseADirectoryThatIsAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("sandbox"), "x");

        Cli r = Cli.run("sandbox", "up", "--dir", file.toString(), "--kafka-home", notKafka().toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: --dir " + file + ": not a directory (a file of that name exists)\n", r.err());
    }

    @Test
    void shouldRefuseAMissingKafkaHomeBeforeStartingAnything() {
        Path dir = tmp.resolve("sandbox");
        Path missing = tmp.resolve("nonexistent");

        Cli r = Cli.run("sandbox", "up", "--dir", dir.toString(), "--kafka-home", missing.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: --kafka-home: no such directory: " + missing + "; give the directory of an unpacked"
                + " Kafka release (with libs/kafka_2.13-<version>.jar)\n", r.err());
        assertFalse(Files.exists(dir), "nothing created");
    }

    @Test
    void shouldRefuseAKafkaHomeWithoutLibsBeforeStartingAnything() throws IOException {
        Path dir = tmp.resolve("sandbox");
        Path home = notKafka();

        Cli r = Cli.run("sandbox", "up", "--dir", dir.toString(), "--kafka-home", home.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: --kafka-home: not a Kafka installation (no libs/ directory): " + home + "; give the"
                + " directory of an unpacked Kafka release (with libs/kafka_2.13-<version>.jar)\n", r.err());
        assertFalse(r.err().contains("starting"), r.err());
        assertFalse(Files.exists(dir), "nothing created");
    }

    @Test
    void shouldRefuseAKafkaHomeOfAnotherVersionThanKafka() throws IOException {
        Path dir = tmp.resolve("sandbox");
        Path home = kafkaHome("3.9.2");

        Cli r = Cli.run("sandbox", "up", "--dir", dir.toString(), "--kafka", "3.8.1", "--kafka-home", home.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: --kafka-home " + home + " holds Kafka 3.9.2, not 3.8.1 (--kafka); give --kafka 3.9.2"
                + " to run it\n", r.err());
        assertFalse(Files.exists(dir), "nothing created");
    }
}
