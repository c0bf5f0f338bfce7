package io.kupgrade.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Class data sharing on real processes: a ZooKeeper-mode 3.9.2 sandbox (ZooKeeper and one broker) whose cache is
 * new, so it has no archive yet. The first start writes one at exit, the next start maps it, and a damaged one
 * never keeps a broker from starting. The methods run in order, on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClassDataSharingIT {

    static final String VERSION = "3.9.2";
    static Path cache;
    static Path cdsDir;
    static SandboxCluster cluster;
    static StartCost firstStart;

    @BeforeAll
    static void start() throws IOException {
        cache = Files.createTempDirectory("kupgrade-cds-cache-");
        linkCachedVersion(cache, VERSION);
        cdsDir = cache.resolve("kafka").resolve(VERSION).resolve("cds");
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion(VERSION).brokers(1).racks(0)
                .mode(SandboxSpec.Mode.ZOOKEEPER).cacheDir(cache).classDataSharing(true).build());
        Timings.report("zookeeper " + VERSION + " x1 up, no archive yet", t);
    }

    @AfterAll
    static void close() {
        if (cluster != null) {
            cluster.close();
        }
        KafkaDistribution.deleteRecursively(cache);
    }

    @Test
    @Order(1)
    void shouldStartWithoutAnArchiveAndKeepTheOneItsJvmWritesWhenStopped() throws Exception {
        SandboxBroker broker = cluster.broker(1);
        assertTrue(lastStartLine(broker.stdoutFile()).contains("class data sharing: none yet, writing " + cdsDir),
                lastStartLine(broker.stdoutFile()));
        assertTrue(lastStartLine(cluster.zookeeper(1).stdoutFile())
                .contains("class data sharing: none yet, writing " + cdsDir + "/org.apache.zookeeper.server.quorum"
                        + ".QuorumPeerMain-jdk"), lastStartLine(cluster.zookeeper(1).stdoutFile()));

        long t = System.nanoTime();
        cluster.stopBroker(1);
        Timings.report("stop of the broker that writes the archive", t);

        List<Path> written = files(cdsDir, "kafka.Kafka-*.tmp-*.jsa");
        assertEquals(1, written.size(), "the broker's archive, not adopted yet: " + files(cdsDir, "*"));
        assertTrue(Files.size(written.get(0)) > 10_000_000, written + ": " + Files.size(written.get(0)));
        assertTrue(Files.exists(cdsDir.resolve(written.get(0).getFileName().toString()
                .replace(".jsa", ".stopped"))), "bin/stop marked it as one to keep: " + files(cdsDir, "*"));

        // measured without it: as at the very first start, this start writes one again
        for (Path p : files(cdsDir, "kafka.Kafka-*")) {
            Files.delete(p);
        }
        firstStart = startAndMeasure(1);
        assertTrue(lastStartLine(broker.stdoutFile()).contains("class data sharing: none yet, writing "),
                lastStartLine(broker.stdoutFile()));
    }

    @Test
    @Order(2)
    void shouldAdoptTheArchiveAtTheNextStartAndMapIt() throws Exception {
        cluster.stopBroker(1);
        StartCost second = startAndMeasure(1);

        SandboxBroker broker = cluster.broker(1);
        List<Path> adopted = files(cdsDir, "kafka.Kafka-*");
        assertEquals(1, adopted.size(), "one archive, renamed from its temporary name: " + files(cdsDir, "*"));
        assertTrue(adopted.get(0).getFileName().toString().matches("kafka\\.Kafka-jdk[0-9.]+-[0-9]+\\.[0-9]+\\.jsa"),
                adopted.toString());
        assertTrue(lastStartLine(broker.stdoutFile()).contains("class data sharing: using " + adopted.get(0)),
                lastStartLine(broker.stdoutFile()));
        assertTrue(mappedFiles(cluster.processIds().get("broker-1")).contains(adopted.get(0).toString()),
                "the broker's JVM maps " + adopted.get(0));
        System.err.printf("[timing] broker start without an archive (writing one): %s; with it: %s%n",
                firstStart, second);
    }

    @Test
    @Order(3)
    void shouldGiveZooKeeperAnArchiveOfItsOwn() throws Exception {
        cluster.stopZooKeeper(1);
        cluster.startZooKeeper(1);

        List<Path> adopted = files(cdsDir, "org.apache.zookeeper.server.quorum.QuorumPeerMain-*");
        assertEquals(1, adopted.size(), files(cdsDir, "*").toString());
        assertTrue(mappedFiles(cluster.zookeeperPid(1).orElseThrow()).contains(adopted.get(0).toString()),
                "ZooKeeper's JVM maps " + adopted.get(0));
    }

    @Test
    @Order(4)
    void shouldKeepDumpWarningsOutOfStdoutLog() throws Exception {
        for (Path host : List.of(cluster.broker(1).dir(), cluster.zookeeper(1).dir())) {
            String stdout = Files.readString(host.resolve("logs/stdout.log"));
            assertFalse(stdout.contains("[warning][cds]"), stdout);
            assertFalse(stdout.contains("[error"), stdout);
        }
    }

    @Test
    @Order(5)
    void shouldStartABrokerWhoseArchiveWasTruncatedWithoutIt() throws Exception {
        // JDK 17 dies of SIGBUS on a truncated archive (-Xshare:auto does not help): bin/start must not pass it
        Path archive = files(cdsDir, "kafka.Kafka-*.jsa").get(0);
        cluster.stopBroker(1);
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));
        try (var ch = Files.newByteChannel(archive, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(archive) / 2);
        }

        cluster.startBroker(1);

        SandboxBroker broker = cluster.broker(1);
        String stdout = Files.readString(broker.stdoutFile());
        assertTrue(stdout.contains("class data sharing: removing the damaged archive " + archive), stdout);
        assertTrue(lastStartLine(broker.stdoutFile()).contains("class data sharing: none yet, writing"),
                lastStartLine(broker.stdoutFile()));
        assertFalse(Files.exists(archive));
        assertFalse(mappedFiles(cluster.processIds().get("broker-1")).contains(cdsDir.toString()));
    }

    @Test
    @Order(6)
    void shouldStartABrokerWhoseArchiveTheJvmRejects() throws Exception {
        // a complete archive of another classpath (a copy of one jar, in another place), under the broker's name:
        // not for this JVM, and -Xshare:auto skips it (the same jars through other links would be accepted)
        Path jar = files(cache.resolve("kafka").resolve(VERSION).resolve("lib"), "zookeeper-3*.jar").get(0);
        Path otherJar = Files.copy(jar, cache.resolve("other.jar"));
        Path other = cache.resolve("other-classpath.jsa");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process dump = new ProcessBuilder(java.toString(), "-XX:ArchiveClassesAtExit=" + other, "-Xlog:cds*=error",
                "-cp", otherJar.toString(), "org.apache.zookeeper.Version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(dump.waitFor(2, TimeUnit.MINUTES) && Files.size(other) > 0, "dumped " + other);
        cluster.stopBroker(1);
        String brokerKey = lastStartLine(cluster.broker(1).stdoutFile()).replaceAll(".*writing " + cdsDir + "/"
                + "(kafka\\.Kafka-jdk[^ ]*-[0-9]+)\\.tmp-.*", "$1");
        for (Path p : files(cdsDir, "kafka.Kafka-*")) {
            Files.delete(p); // the archive the broker wrote at that stop
        }
        Path wrong = cdsDir.resolve(brokerKey + "." + Files.size(other) + ".jsa");
        Files.move(other, wrong);

        cluster.startBroker(1);

        assertTrue(lastStartLine(cluster.broker(1).stdoutFile()).contains("class data sharing: using " + wrong),
                lastStartLine(cluster.broker(1).stdoutFile()));
        assertTrue(cluster.isRunning(1));
        assertFalse(mappedFiles(cluster.processIds().get("broker-1")).contains(wrong.toString()));
        assertTrue(Files.readString(cluster.broker(1).dir().resolve("logs/cds.log")).contains("Unable to use"),
                "the JVM says why, in logs/cds.log");
    }

    // ---------------------------------------------------------------- helpers

    /** Wall and CPU seconds from {@code bin/start} to the broker's "started" line in server.log. */
    record StartCost(double wallSeconds, double cpuSeconds) {
        @Override
        public String toString() {
            return String.format("%.2f s wall, %.2f CPU-s", wallSeconds, cpuSeconds);
        }
    }

    /**
     * Starts the broker and reads its JVM's utime+stime from /proc when server.log says "started" (measured by a
     * poller, so the CPU the test's own admin client causes afterwards is not counted).
     */
    static StartCost startAndMeasure(int id) throws Exception {
        SandboxBroker b = cluster.broker(id);
        long before = startedLines(b.logFile());
        long t0 = System.nanoTime();
        CompletableFuture<StartCost> cost = CompletableFuture.supplyAsync(() -> {
            while (System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(3)) {
                if (startedLines(b.logFile()) > before) {
                    double wall = (System.nanoTime() - t0) / 1e9;
                    return new StartCost(wall, cpuSeconds(b.pidFile()));
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return new StartCost(Double.NaN, Double.NaN);
        });
        cluster.startBroker(id);
        return cost.get(1, TimeUnit.MINUTES);
    }

    static long startedLines(Path serverLog) {
        try (Stream<String> lines = Files.lines(serverLog)) {
            return lines.filter(l -> l.contains("Kafka Server started") || l.matches(".*\\[KafkaServer id=\\d+] started.*"))
                    .count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** utime + stime of the process in {@code pidFile}, from /proc/PID/stat. */
    static double cpuSeconds(Path pidFile) {
        try {
            String pid = Files.readString(pidFile).strip();
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
            return ticks / 100.0; // USER_HZ, 100 on Linux
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    static String lastStartLine(Path stdoutLog) throws IOException {
        List<String> starts = Files.readAllLines(stdoutLog).stream().filter(l -> l.startsWith("=== ")).toList();
        return starts.isEmpty() ? "" : starts.get(starts.size() - 1);
    }

    static String mappedFiles(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "maps"));
    }

    static List<Path> files(Path dir, String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
                s.forEach(out::add);
            }
        }
        out.sort(null);
        return out;
    }

    /** A cache of its own holding {@code version}: links to the jars of the default cache (resolving it first). */
    static void linkCachedVersion(Path newCache, String version) throws IOException {
        Path lib = KafkaDistribution.resolve(version).libDir();
        Path target = Files.createDirectories(newCache.resolve("kafka").resolve(version).resolve("lib"));
        try (DirectoryStream<Path> s = Files.newDirectoryStream(lib)) {
            for (Path p : s) {
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(target.resolve(p.getFileName()), Files.readSymbolicLink(p));
                } else {
                    Files.copy(p, target.resolve(p.getFileName()));
                }
            }
        }
    }
}
