package io.kupgrade.cli;

import io.kupgrade.orchestrator.topics.TopicFormatChange;
import io.kupgrade.orchestrator.topics.TopicFormatRequest;
import io.kupgrade.orchestrator.topics.TopicFormatResult;
import io.kupgrade.orchestrator.topics.TopicFormatService;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.Plan;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kupgrade topic-format}: the per-topic message.format.version override (run-book mitigation). */
@Command(name = "topic-format", mixinStandardHelpOptions = true,
        resourceBundle = "io.kupgrade.cli.SharedOptions",
        description = {"Set (or --remove) the message.format.version override of topics, so that old consumers",
            "of those topics are not down-converted. Only for ZooKeeper-mode clusters whose",
            "inter.broker.protocol.version is below 3.0: refused elsewhere, where Kafka ignores it (KIP-724).",
            "Prints each topic's format before and after (read back from the cluster). Given a PLAN, a change",
            "is journaled in the cluster's journal under its lock (refused while a run holds it: pause the run)."})
final class TopicFormatCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @ArgGroup(multiplicity = "1")
    Topics topics;

    static final class Topics {
        @Option(names = "--topic", paramLabel = "TOPIC", required = true,
                description = "A topic to change (repeatable).")
        List<String> names;

        @Option(names = "--all-topics", required = true, description = "Every topic except internal ones.")
        boolean all;
    }

    @ArgGroup(multiplicity = "1")
    Change change;

    static final class Change {
        @Option(names = "--message-format-version", paramLabel = "V", required = true,
                description = "The format to set, e.g. 2.8 or 0.10.2 (at most the cluster's protocol version).")
        String version;

        @Option(names = "--remove", required = true,
                description = "Delete the topics' override: they use the broker's log.message.format.version again.")
        boolean remove;
    }

    @Option(names = "--dry-run", description = "Show before and after; change nothing.")
    boolean dryRun;

    @Mixin
    StateOptions state;

    @Mixin
    OutputOptions output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ClusterOptions.Target named = cluster.target();
        Plan plan = named.plan();
        ClusterSpec target = named.cluster();
        TopicFormatRequest request;
        try {
            request = new TopicFormatRequest(topics.all ? List.of() : topics.names, topics.all, change.version,
                    change.remove, dryRun);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.INVALID_INPUT, e.getMessage());
        }
        TopicFormatService service = new TopicFormatService();
        TopicFormatResult r = plan != null ? service.run(plan, state.dir(), target, request)
                : service.run(target, request);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("schemaVersion", Json.SCHEMA_VERSION);
            doc.put("cluster", target.name());
            doc.put("topicFormat", r);
            Json.print(out, doc);
        } else {
            render(out, target.name(), r, plan != null);
        }
        out.flush();
        return ExitCode.OK.code();
    }

    /** @param planGiven a PLAN named the cluster (so a change is journaled); false for --bootstrap-server alone */
    static void render(PrintWriter out, String cluster, TopicFormatResult r, boolean planGiven) {
        out.printf("cluster %s, inter.broker.protocol.version %s: %s message.format.version%s%n", cluster,
                r.interBrokerProtocol(), r.operation(), r.dryRun() ? " (dry run: nothing changed)" : "");
        out.printf("%-30s %-24s %-24s %s%n", "TOPIC", "BEFORE", "AFTER", "");
        for (TopicFormatChange c : r.topics()) {
            out.printf("%-30s %-24s %-24s %s%n", c.topic(), c.before() + " (" + c.beforeSource() + ")",
                    c.after() + " (" + c.afterSource() + ")", c.changed() ? (r.dryRun() ? "would change" : "changed")
                            : "unchanged");
        }
        if (r.journal() != null) {
            out.println("journaled in " + r.journal());
        } else if (!planGiven && !r.dryRun()) {
            out.println("not journaled: no PLAN was given, so there is no cluster journal to record this change in");
        }
    }
}
