package io.kupgrade.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Resolution through Maven Resolver into an empty cache (the local repository ~/.m2 may be warm). */
class KafkaDistributionIT {

    // not @TempDir: JUnit warns about every link into ~/.m2 when it deletes one
    Path cache;

    @BeforeEach
    void createCache() throws Exception {
        cache = Files.createTempDirectory("kupgrade-cache-test-");
    }

    @AfterEach
    void deleteCache() {
        KafkaDistribution.deleteRecursively(cache);
    }

    @Test
    void shouldMaterializeOneCompleteLibDirWhenResolvedConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        long t = System.nanoTime();
        List<Future<KafkaDistribution>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(pool.submit(() -> KafkaDistribution.resolve("3.8.1", cache)));
        }
        List<KafkaDistribution> done = new ArrayList<>();
        for (Future<KafkaDistribution> f : results) {
            done.add(f.get());
        }
        pool.shutdown();
        Timings.report("resolve 3.8.1 into an empty cache, 3 threads", t);

        Path lib = cache.resolve("kafka/3.8.1/lib");
        for (KafkaDistribution d : done) {
            assertEquals(lib, d.libDir());
        }
        List<String> jars = done.get(0).jars().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(jars.contains("kafka_2.13-3.8.1.jar"), jars.toString());
        assertTrue(jars.contains("kafka-tools-3.8.1.jar"), jars.toString());
        assertTrue(jars.contains("zookeeper-3.8.4.jar"), jars.toString());
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("connect-runtime") || j.startsWith("jetty")), jars.toString());
        try (Stream<Path> leftovers = Files.list(cache.resolve("kafka/3.8.1"))) {
            assertEquals(List.of(lib), leftovers.filter(p -> p.getFileName().toString().startsWith("lib")).toList(),
                    "temporary directories are removed");
        }
    }

    @Test
    void shouldAddALog4j2BindingFor4x() {
        List<String> jars = KafkaDistribution.resolve("4.0.2", cache).jars().stream()
                .map(p -> p.getFileName().toString()).toList();

        assertTrue(jars.stream().anyMatch(j -> j.startsWith("log4j-core-2.")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("log4j-slf4j")), jars.toString());
    }
}
