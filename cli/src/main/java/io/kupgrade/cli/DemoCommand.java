package io.kupgrade.cli;

import io.kupgrade.orchestrator.apply.DemoPlans;
import io.kupgrade.orchestrator.apply.DemoRunner;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import io.kupgrade.sandbox.load.LoadResult;
import io.kupgrade.sandbox.load.NumberedLoad;
import io.kupgrade.sandbox.load.Verification;
import io.kupgrade.sandbox.load.Verifier;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kupgrade demo}: the whole product in one command, on real brokers: a sandbox cluster, a two-phase
 * upgrade under acks=all load, the zero-loss verdict, the timing summary, teardown.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a ZooKeeper-mode sandbox cluster of real brokers, upgrade it in two phases",
            "(binaries with the protocol pinned, then the protocol bump) while a producer writes with acks=all,",
            "verify that no acknowledged record was lost, print the timings, and tear everything down.",
            "With --mode kraft: a KRaft cluster (dedicated controllers with --controllers) upgraded in one phase,",
            "metadata.version finalized last."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--from", description = "Version to start with (default: 3.8.1; KRaft: 4.0.2).")
    String from;

    @Option(names = "--to", description = "Version to upgrade to (default: 3.9.2; KRaft: 4.1.2).")
    String to;

    @Option(names = "--mode", defaultValue = "zookeeper",
            description = "zookeeper or kraft (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--controllers", defaultValue = "0", description = {"KRaft: dedicated controllers, rolled after"
            + " the brokers (0: the first brokers are the controllers) (default: ${DEFAULT-VALUE})."})
    int controllers;

    @Option(names = "--brokers", defaultValue = "3", description = "Brokers, at least 3 (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(names = "--rate", defaultValue = "200", description = "Records per second written during the roll"
            + " (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--keep", description = "Leave the sandbox running afterwards (stop it with `sandbox down --dir`).")
    boolean keep;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (brokers < 3) {
            throw new UserError(ExitCode.INVALID_INPUT, "--brokers must be at least 3 (the demo topic has RF 3,"
                    + " min.insync.replicas 2)");
        }
        boolean kraft = switch (mode) {
            case "zookeeper", "zk" -> false;
            case "kraft" -> true;
            default -> throw new UserError(ExitCode.INVALID_INPUT, "--mode must be zookeeper or kraft, not '" + mode
                    + "'");
        };
        if (controllers != 0 && !kraft) {
            throw new UserError(ExitCode.INVALID_INPUT, "--controllers is for --mode kraft (ZooKeeper mode has none)");
        }
        String from = this.from != null ? this.from : kraft ? "4.0.2" : "3.8.1";
        String to = this.to != null ? this.to : kraft ? "4.1.2" : "3.9.2";
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = Files.createTempDirectory("kupgrade-demo-");
        if (kraft) {
            err.printf("kupgrade demo: %d KRaft brokers%s of Kafka %s on loopback, upgraded to %s, metadata.version"
                    + " finalized last%n", brokers, controllers > 0 ? " and " + controllers + " dedicated controllers"
                    : "", from, to);
        } else {
            err.printf("kupgrade demo: %d ZooKeeper-mode brokers of Kafka %s on loopback, upgraded to %s in two"
                    + " phases%n", brokers, from, to);
        }
        err.printf("sandbox in %s (the first run resolves Kafka from Maven Central)%n", dir);
        err.flush();
        SandboxSpec sandboxSpec;
        try {
            sandboxSpec = SandboxSpec.builder().kafkaVersion(from).extraVersions(to).brokers(brokers)
                    .racks(Math.min(3, brokers)).mode(kraft ? SandboxSpec.Mode.KRAFT : SandboxSpec.Mode.ZOOKEEPER)
                    .controllers(controllers).baseDir(dir.resolve("cluster")).build();
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.INVALID_INPUT, e.getMessage());
        }
        SandboxCluster cluster = keep ? Sandbox.startDetached(sandboxSpec) : Sandbox.start(sandboxSpec);
        try {
            String sandboxPlan = Files.readString(cluster.planFile(), StandardCharsets.UTF_8);
            Path plan = dir.resolve("upgrade-" + from + "-to-" + to + ".yaml");
            Files.writeString(plan, kraft ? DemoPlans.kraftUpgrade(sandboxPlan, to, ibp(to))
                    : DemoPlans.zookeeperUpgrade(sandboxPlan, to, ibp(from), ibp(to)), StandardCharsets.UTF_8);
            err.printf("cluster up: %s; plan: %s%n%n", cluster.bootstrapServers(), plan);
            err.flush();
            DemoRunner.DemoResult result = ApplyCommand.runInterruptibly(stop -> new DemoRunner(
                    new io.kupgrade.orchestrator.apply.ApplyService()).run(plan, dir.resolve("state"),
                    new Load(cluster.bootstrapServers(), rate), new ProgressPrinter(err, false), stop::get));
            out.println();
            out.print(DemoRunner.summaryTable(result.outcome().brokers()));
            out.println();
            out.printf("roll:  %s: %s (%.1f s)%n", result.outcome().kind(), result.outcome().message(),
                    result.outcome().elapsed().toMillis() / 1000.0);
            out.printf("load:  %s%n", result.load() == null ? "not verified" : result.load().detail());
            out.println(result.success() ? "verdict: upgraded with zero acknowledged records lost"
                    : "verdict: FAILED");
            out.flush();
            if (result.success()) {
                return ExitCode.OK.code();
            }
            return result.outcome().kind() == io.kupgrade.orchestrator.engine.OutcomeKind.DONE
                    ? ExitCode.FAILED.code() : ApplyCommand.exitCode(result.outcome().kind()).code();
        } finally {
            if (keep) {
                err.printf("sandbox left running: bin/kupgrade sandbox status --dir %s%n", cluster.baseDir());
            } else {
                err.println("tearing down the sandbox...");
                err.flush();
                cluster.close();
            }
        }
    }

    /** "3.8.1" -> "3.8": the inter.broker.protocol.version of a release. */
    static String ibp(String version) {
        String[] parts = version.split("\\.");
        if (parts.length < 2) {
            throw new UserError(ExitCode.INVALID_INPUT, "not a Kafka version: " + version);
        }
        return parts[0] + "." + parts[1];
    }

    /** The sandbox's numbered acks=all producer and its verifier, as the demo's load. */
    private static final class Load implements DemoRunner.Load {
        private static final String TOPIC = "kupgrade-demo";
        private final String bootstrap;
        private final int rate;
        private NumberedLoad load;

        Load(String bootstrap, int rate) {
            this.bootstrap = bootstrap;
            this.rate = rate;
        }

        @Override
        public void start() {
            load = NumberedLoad.start(bootstrap, TOPIC, rate);
        }

        @Override
        public DemoRunner.LoadVerdict stopAndVerify() {
            LoadResult r = load.stop();
            Verification v = Verifier.verify(bootstrap, TOPIC, r.acked());
            String detail = String.format(Locale.ROOT, "%,d sent, %,d acked (acks=all), %,d failed sends, %,d read"
                    + " back, %,d lost, %,d duplicates", r.sent(), v.acked(), r.failed(), v.consumed(), v.lost(),
                    v.duplicated());
            return new DemoRunner.LoadVerdict(v.acked(), v.consumed(), v.lost(), detail);
        }
    }
}
