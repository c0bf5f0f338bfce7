package io.kupgrade.cli;

import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Shared options naming the cluster a command reads or changes ({@code check}, {@code topic-format}): a PLAN, or
 * the cluster directly with the flag names Kafka's own tools use, and which of the two wins. Each command words
 * PLAN for what it does in {@code SharedOptions.properties} (picocli's {@code descriptionKey}).
 *
 * <p>With a PLAN the flags override it, as {@code --bootstrap-server} replaces its bootstrap servers: the client
 * properties of {@code --command-config} are laid over the plan's, key by key, winning over its
 * {@code cluster.clientProperties} and its {@code cluster.commandConfig} file; what the file does not set stays as
 * the plan says. Kafka's tools do the same with a property given on top of a config file. The file's values are
 * handed to the client only, never printed.
 */
public final class ClusterOptions {
    @Parameters(arity = "0..1", paramLabel = "PLAN", descriptionKey = "plan",
            description = "A plan whose cluster to use.")
    Path planFile;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,...]",
            description = "The cluster to read (instead of a plan's cluster.bootstrapServers).")
    String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Client properties (security settings), as Kafka's tools take them. With a PLAN they"
                    + " override the plan's cluster.clientProperties and cluster.commandConfig key by key; the rest"
                    + " stays as the plan says. Values are never printed.")
    String commandConfig;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The cluster named.
     *
     * @param plan the plan given; null with {@code --bootstrap-server} alone
     * @param cluster the plan's cluster (at {@code --bootstrap-server} when given, with the properties of
     *     {@code --command-config} over its own), or the one {@code --bootstrap-server} names (with
     *     {@code --command-config})
     */
    record Target(Plan plan, ClusterSpec cluster) {
    }

    /**
     * The plan (parsed) and the cluster.
     *
     * @throws UserError when neither a PLAN nor {@code --bootstrap-server} is given, {@code --bootstrap-server} is
     *     not {@code host:port[,...]}, or a PLAN's {@code --command-config} cannot be read (before any connection)
     * @throws io.kupgrade.plans.PlanException for an invalid plan
     */
    Target target() {
        if (bootstrapServer != null) {
            checkBootstrapServer();
        }
        if (planFile != null) {
            Plan plan = PlanParser.parse(planFile);
            ClusterSpec c = plan.cluster();
            if (bootstrapServer != null || commandConfig != null) {
                Map<String, Secret> props = commandConfig != null ? overPlan(c.clientProperties())
                        : c.clientProperties();
                c = new ClusterSpec(c.name(), bootstrapServer != null ? bootstrapServer : c.bootstrapServers(),
                        c.commandConfig(), props, c.zookeeper());
            }
            return new Target(plan, c);
        }
        if (bootstrapServer != null) {
            return new Target(null, new ClusterSpec("cluster", bootstrapServer, commandConfig, Map.of(), null));
        }
        throw new UserError(ExitCode.INVALID_INPUT, command.name() + " needs a PLAN or --bootstrap-server");
    }

    /** {@code --bootstrap-server} must be {@code host:port[,host:port...]}, as a plan's bootstrapServers. */
    private void checkBootstrapServer() {
        if (bootstrapServer.isBlank()) {
            throw badBootstrapServer("no server given");
        }
        for (String server : bootstrapServer.split(",", -1)) {
            if (!io.kupgrade.plans.ClusterSpec.isHostPort(server.trim())) {
                throw badBootstrapServer("'" + server.trim() + "' is not host:port (e.g. kafka-1.example:9092)");
            }
        }
    }

    private UserError badBootstrapServer(String why) {
        return new UserError(ExitCode.INVALID_INPUT, command.name() + ": --bootstrap-server: " + why
                + "; give HOST:PORT[,HOST:PORT...]");
    }

    /**
     * The plan's client properties with those of {@code --command-config} over them. They go in as the plan's
     * {@code clientProperties}, which the client applies after the plan's {@code commandConfig} file, so the flag
     * wins over both.
     */
    private Map<String, Secret> overPlan(Map<String, Secret> plan) {
        Properties file = new Properties();
        // as Kafka's tools read it (Utils.loadProps): java.util.Properties, ISO-8859-1
        try (InputStream in = Files.newInputStream(Path.of(commandConfig))) {
            file.load(in);
        } catch (NoSuchFileException e) {
            throw unreadable("no such file");
        } catch (AccessDeniedException e) {
            throw unreadable("permission denied");
        } catch (IOException | IllegalArgumentException e) {
            throw unreadable(e.getMessage());
        }
        Map<String, Secret> merged = new LinkedHashMap<>(plan);
        for (String key : file.stringPropertyNames()) {
            merged.put(key, new Given(file.getProperty(key)));
        }
        return merged;
    }

    private UserError unreadable(String why) {
        return new UserError(ExitCode.INVALID_INPUT, command.name() + ": cannot read --command-config "
                + commandConfig + ": " + why + ". Give a readable client properties file, or leave the option out"
                + " to use the plan's settings");
    }

    /** A value from {@code --command-config}: for the client only, shown as {@code ******} everywhere else. */
    private static final class Given implements Secret {
        private final String value;

        Given(String value) {
            this.value = value;
        }

        @Override
        public String reveal() {
            return value;
        }

        @Override
        public String masked() {
            return "******";
        }

        @Override
        public String toString() {
            return masked();
        }
    }
}
