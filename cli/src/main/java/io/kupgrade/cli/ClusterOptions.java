package io.kupgrade.cli;

import picocli.CommandLine.Option;

/** Shared options naming a cluster directly, with the flag names Kafka's own tools use. */
public final class ClusterOptions {
    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,...]",
            description = "The cluster to read (instead of a plan's cluster.bootstrapServers).")
    String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Client properties (security settings), as Kafka's tools take them.")
    String commandConfig;
}
