package io.kupgrade.gates;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Times every gate and lint over synthetic snapshots of 100k and 1M partitions (not a timed test: run it by
 * hand). Target: at most 100 ms per 100k partitions for one evaluation of all gates.
 *
 * <pre>
 * mvn -B -o -q -pl health-gates -am test-compile
 * java -Xmx2g -cp health-gates/target/classes:health-gates/target/test-classes:plans/target/classes \
 *      io.kupgrade.gates.GateBenchmark [partitions...]
 * </pre>
 * The cluster: 30 brokers, RF 3, min ISR 2, 100 partitions per topic; broker 7 stopped (so the failing paths,
 * which build evidence, run too). Prints the median and best wall time of the measured rounds, the median CPU
 * time of this thread (fairer on a loaded machine) and the heap in use.
 */
public final class GateBenchmark {
    private static final int WARMUP_ROUNDS = 20;
    private static final int ROUNDS = 21;

    private GateBenchmark() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {100_000, 1_000_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf("java %s, %d cpus, max heap %d MB%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        for (int size : sizes) {
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            ClusterSnapshot snapshot = synthetic(size);
            System.gc();
            long snapshotHeap = memory.getHeapMemoryUsage().getUsed() - heapBefore;

            List<Gate> gates = new ArrayList<>(Gates.clusterHealthy(Set.of(1, 2, 3)));
            gates.add(Gates.canStop(8));
            gates.add(Gates.canStop(Set.of(8, 9)));
            gates.add(Gates.brokerBackInAllIsrs(7));
            gates.add(Gates.brokerRejoined(7, snapshot));

            // warm up until the JIT has settled: at least WARMUP_ROUNDS and 3 s of evaluations
            long warmupEnd = System.nanoTime() + 3_000_000_000L;
            for (int i = 0; i < WARMUP_ROUNDS || System.nanoTime() < warmupEnd; i++) {
                evaluate(gates, snapshot);
                Lint.run(snapshot);
            }
            long[] allGates = new long[ROUNDS];
            long[] cpu = new long[ROUNDS];
            long[] lintOnly = new long[ROUNDS];
            int failing = 0;
            for (int i = 0; i < ROUNDS; i++) {
                long start = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                failing = evaluate(gates, snapshot);
                allGates[i] = System.nanoTime() - start;
                cpu[i] = threads.getCurrentThreadCpuTime() - cpuStart;
                start = System.nanoTime();
                Lint.run(snapshot);
                lintOnly[i] = System.nanoTime() - start;
            }
            Arrays.sort(allGates);
            Arrays.sort(cpu);
            Arrays.sort(lintOnly);
            double median = allGates[ROUNDS / 2] / 1e6;
            double cpuMedian = cpu[ROUNDS / 2] / 1e6;
            System.out.printf("%,9d partitions: %d gates in %.1f ms median wall (best %.1f ms), %.1f ms median CPU"
                            + " (%.1f ms CPU per 100k); lint %.1f ms median; %d gates failing; snapshot heap %d MB,"
                            + " heap used %d MB%n",
                    size, gates.size(), median, allGates[0] / 1e6, cpuMedian, cpuMedian * 100_000 / size,
                    lintOnly[ROUNDS / 2] / 1e6, failing, snapshotHeap >> 20,
                    memory.getHeapMemoryUsage().getUsed() >> 20);
        }
    }

    private static int evaluate(List<Gate> gates, ClusterSnapshot snapshot) {
        int failing = 0;
        for (GateResult result : Gates.evaluateAll(gates, snapshot)) {
            if (!result.passed()) {
                failing++;
            }
        }
        return failing;
    }

    static ClusterSnapshot synthetic(int partitions) {
        int brokers = 30;
        int perTopic = 100;
        int[] ids = new int[brokers];
        for (int i = 0; i < brokers; i++) {
            ids[i] = i + 1;
        }
        Snapshots builder = Snapshots.cluster().brokers(ids);
        for (int topic = 0; topic * perTopic < partitions; topic++) {
            builder.topic("topic-" + topic, 3, 2, Math.min(perTopic, partitions - topic * perTopic));
        }
        return builder.stopped(7).build();
    }
}
