package io.kupgrade.cli;

import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Shared options naming the cluster a command reads or changes ({@code check}, {@code topic-format}): a PLAN, or
 * the cluster directly with the flag names Kafka's own tools use, and which of the two wins. Each command words
 * PLAN for what it does in {@code SharedOptions.properties} (picocli's {@code descriptionKey}).
 */
public final class ClusterOptions {
    @Parameters(arity = "0..1", paramLabel = "PLAN", descriptionKey = "plan",
            description = "A plan whose cluster to use.")
    Path planFile;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,...]",
            description = "The cluster to read (instead of a plan's cluster.bootstrapServers).")
    String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Client properties (security settings), as Kafka's tools take them.")
    String commandConfig;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The cluster named.
     *
     * @param plan the plan given; null with {@code --bootstrap-server} alone
     * @param cluster the plan's cluster (at {@code --bootstrap-server} when given), or the one
     *     {@code --bootstrap-server} names (with {@code --command-config})
     */
    record Target(Plan plan, ClusterSpec cluster) {
    }

    /**
     * The plan (parsed) and the cluster.
     *
     * @throws UserError when neither a PLAN nor {@code --bootstrap-server} is given
     * @throws io.kupgrade.plans.PlanException for an invalid plan
     */
    Target target() {
        if (planFile != null) {
            Plan plan = PlanParser.parse(planFile);
            ClusterSpec c = plan.cluster();
            if (bootstrapServer != null) {
                c = new ClusterSpec(c.name(), bootstrapServer, c.commandConfig(), c.clientProperties(), c.zookeeper());
            }
            return new Target(plan, c);
        }
        if (bootstrapServer != null) {
            return new Target(null, new ClusterSpec("cluster", bootstrapServer, commandConfig, Map.of(), null));
        }
        throw new UserError(ExitCode.INVALID_INPUT, command.name() + " needs a PLAN or --bootstrap-server");
    }
}
