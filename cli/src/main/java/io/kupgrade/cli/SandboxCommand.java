package io.kupgrade.cli;

import io.kupgrade.sandbox.KafkaDistribution;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxBroker;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxException;
import io.kupgrade.sandbox.SandboxSpec;
import io.kupgrade.sandbox.SandboxStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kupgrade sandbox up|status|down}: real Kafka brokers as local processes, to rehearse a plan. */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {"A local Kafka cluster of real brokers (and ZooKeeper) on loopback addresses, from",
            "Kafka's artifacts on Maven Central, for rehearsing a plan. `up` writes a ready-to-use plan."},
        subcommands = {SandboxCommand.Up.class, SandboxCommand.Status.class, SandboxCommand.Down.class})
final class SandboxCommand implements Runnable {
    static final Path DEFAULT_DIR = Path.of(".kupgrade", "sandbox");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the sandbox lives. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".kupgrade/sandbox",
                description = "The sandbox's directory (default: ${DEFAULT-VALUE}).")
        Path dir;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start a sandbox cluster and write its plan (DIR/plan.yaml).")
    static final class Up implements Callable<Integer> {
        @Option(names = "--kafka", paramLabel = "VERSION", defaultValue = "3.8.1",
                description = "Kafka version to run (default: ${DEFAULT-VALUE}).")
        String kafka;

        @Option(names = "--install", paramLabel = "VERSION", split = ",",
                description = "Further versions installed on every host, for `switch-version` (e.g. 3.9.2).")
        List<String> install = new ArrayList<>();

        @Option(names = "--brokers", defaultValue = "3", description = "Number of brokers (default: ${DEFAULT-VALUE}).")
        int brokers;

        @Option(names = "--racks", defaultValue = "0",
                description = "Spread brokers over this many racks; 0 for none (default: ${DEFAULT-VALUE}).")
        int racks;

        @Option(names = "--controllers", defaultValue = "0", description = {"KRaft: dedicated controllers"
                + " (ids 101, 102, ...; listed in the plan with role: controller); 0 puts the controllers on the first"
                + " brokers (combined mode) (default: ${DEFAULT-VALUE})."})
        int controllers;

        @Option(names = "--mode", defaultValue = "zookeeper",
                description = "zookeeper or kraft (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--heap-mb", defaultValue = "256", description = "Heap per broker (default: ${DEFAULT-VALUE}).")
        int heapMb;

        @Option(names = "--kafka-home", paramLabel = "DIR",
                description = "Use this Kafka installation (official tarball layout) instead of Maven Central.")
        Path kafkaHome;

        @Mixin
        DirOption where;

        @Mixin
        OutputOptions output;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SandboxSpec.Mode m = switch (mode.toLowerCase(java.util.Locale.ROOT)) {
                case "zookeeper", "zk" -> SandboxSpec.Mode.ZOOKEEPER;
                case "kraft" -> SandboxSpec.Mode.KRAFT;
                default -> throw new UserError(ExitCode.INVALID_INPUT,
                        "--mode must be zookeeper or kraft, not '" + mode + "'");
            };
            Path dir = where.dir.toAbsolutePath().normalize();
            String unusable = whyUnusable(dir);
            if (unusable != null) {
                throw new UserError(ExitCode.INVALID_INPUT, "--dir " + where.dir + ": " + unusable);
            }
            SandboxSpec.Builder b = SandboxSpec.builder().kafkaVersion(kafka).brokers(brokers).racks(racks).mode(m)
                    .controllers(controllers).extraVersions(install).heapMb(heapMb).baseDir(dir);
            if (kafkaHome != null) {
                checkKafkaHome(kafkaHome, kafka);
                b.kafkaHome(kafkaHome);
            }
            SandboxSpec sandboxSpec;
            try {
                sandboxSpec = b.build();
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCode.INVALID_INPUT, e.getMessage());
            }
            if (Files.exists(dir.resolve("sandbox.properties"))) {
                SandboxStatus s = Sandbox.attach(dir).status();
                if (!s.allStopped()) {
                    throw new UserError(ExitCode.INVALID_INPUT, "a sandbox already runs in " + dir
                            + "; `kupgrade sandbox down --dir " + where.dir + "` first");
                }
                deleteTree(dir);
            }
            Files.createDirectories(dir.getParent());
            PrintWriter err = spec.commandLine().getErr();
            err.printf("starting %d %s brokers%s of Kafka %s in %s (first run resolves Kafka from Maven Central)...%n",
                    brokers, m == SandboxSpec.Mode.KRAFT ? "KRaft" : "ZooKeeper-mode", controllers > 0
                            ? " and " + controllers + " dedicated controllers" : "", kafka, dir);
            err.flush();
            long t0 = System.nanoTime();
            SandboxCluster cluster = Sandbox.startDetached(sandboxSpec);
            err.printf("up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            Status.render(spec.commandLine().getOut(), cluster.status(), cluster.planFile(), output.json());
            return ExitCode.OK.code();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the sandbox's processes.")
    static final class Status implements Callable<Integer> {
        @Mixin
        DirOption where;

        @Mixin
        OutputOptions output;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SandboxCluster cluster = attach(where.dir);
            SandboxStatus s = cluster.status();
            render(spec.commandLine().getOut(), s, cluster.planFile(), output.json());
            return s.allRunning() ? ExitCode.OK.code() : ExitCode.UNHEALTHY.code();
        }

        static void render(PrintWriter out, SandboxStatus s, Path plan, boolean json) {
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("schemaVersion", Json.SCHEMA_VERSION);
                doc.put("name", s.name());
                doc.put("dir", s.baseDir().toString());
                doc.put("mode", s.mode().name());
                doc.put("bootstrapServers", s.bootstrapServers());
                doc.put("zookeeper", s.zookeeperConnect());
                doc.put("plan", plan.toString());
                List<Map<String, Object>> brokers = new ArrayList<>();
                for (SandboxStatus.BrokerStatus b : s.brokers()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", b.broker().id());
                    m.put("host", b.broker().host());
                    m.put("port", b.broker().port());
                    m.put("rack", b.broker().rack());
                    m.put("running", b.running());
                    m.put("pid", b.pid().isPresent() ? b.pid().getAsLong() : null);
                    m.put("runningVersion", b.runningVersion());
                    m.put("installedVersion", b.currentVersion());
                    brokers.add(m);
                }
                doc.put("brokers", brokers);
                Json.print(out, doc);
                return;
            }
            out.printf("sandbox %s (%s) in %s%n", s.name(), s.mode() == SandboxSpec.Mode.KRAFT ? "KRaft"
                    : "ZooKeeper mode", s.baseDir());
            out.printf("bootstrap servers: %s%n", s.bootstrapServers());
            if (s.zookeeperConnect() != null) {
                out.printf("zookeeper:         %s (%s)%n", s.zookeeperConnect(),
                        s.zookeeperPid().isPresent() ? "running" : "stopped");
            }
            out.printf("%-4s %-20s %-6s %-8s %-8s %s%n", "ID", "HOST:PORT", "RACK", "STATE", "RUNS", "INSTALLED");
            for (SandboxStatus.BrokerStatus b : s.brokers()) {
                SandboxBroker sb = b.broker();
                out.printf("%-4d %-20s %-6s %-8s %-8s %s%n", sb.id(), sb.host() + ":" + sb.port(),
                        sb.rack() == null ? "-" : sb.rack(), b.running() ? "running" : "stopped",
                        b.runningVersion() == null ? "-" : b.runningVersion(), b.currentVersion());
            }
            out.printf("plan: %s%n", plan);
            out.flush();
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop every process of the sandbox (SIGTERM, wait for exit).")
    static final class Down implements Callable<Integer> {
        @Mixin
        DirOption where;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SandboxCluster cluster = attach(where.dir);
            cluster.close();
            spec.commandLine().getErr().println("sandbox in " + cluster.baseDir() + " stopped");
            return ExitCode.OK.code();
        }
    }

    /**
     * Why the sandbox cannot live in {@code dir} (absolute and normalized), or null. Looks only: nothing is created
     * or deleted, so {@code up} can refuse before it touches anything.
     */
    static String whyUnusable(Path dir) {
        if (dir.getParent() == null) {
            return "the sandbox's directory cannot be the filesystem root; give it a directory of its own"
                    + " (default: " + DEFAULT_DIR + ")";
        }
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                return "not a directory (a file of that name exists)";
            }
            return Files.isWritable(dir) ? null : "permission denied: the directory is not writable";
        }
        Path existing = dir.getParent();
        while (!Files.exists(existing)) {
            existing = existing.getParent(); // the root exists: the loop ends there at the latest
        }
        if (!Files.isDirectory(existing)) {
            return "cannot be created: " + existing + " is not a directory";
        }
        return Files.isWritable(existing) ? null
                : "cannot be created: permission denied (" + existing + " is not writable)";
    }

    /**
     * Refuses a {@code --kafka-home} that is not a Kafka installation of {@code version}, before anything starts.
     */
    static void checkKafkaHome(Path kafkaHome, String version) {
        KafkaDistribution home;
        try {
            home = KafkaDistribution.fromKafkaHome(kafkaHome);
        } catch (SandboxException e) {
            throw new UserError(ExitCode.INVALID_INPUT, "--kafka-home: " + e.getMessage() + "; give the directory"
                    + " of an unpacked Kafka release (with libs/kafka_2.13-<version>.jar)");
        }
        if (!home.version().equals(version)) {
            throw new UserError(ExitCode.INVALID_INPUT, "--kafka-home " + kafkaHome + " holds Kafka "
                    + home.version() + ", not " + version + " (--kafka); give --kafka " + home.version()
                    + " to run it");
        }
    }

    static SandboxCluster attach(Path dir) {
        if (!Files.exists(dir.resolve("sandbox.properties"))) {
            throw new UserError(ExitCode.INVALID_INPUT, "no sandbox in " + dir.toAbsolutePath()
                    + " (start one with `kupgrade sandbox up`)");
        }
        return Sandbox.attach(dir);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
