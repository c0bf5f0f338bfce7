package io.kupgrade.orchestrator.topics;

import java.util.List;

/**
 * What {@code kupgrade topic-format} did (or, for a dry run, would do). Immutable.
 *
 * @param interBrokerProtocol the lowest {@code inter.broker.protocol.version} among the brokers
 * @param operation {@code set V} or {@code remove}
 * @param topics per topic, in name order
 */
public record TopicFormatResult(String interBrokerProtocol, String operation, boolean dryRun,
                                List<TopicFormatChange> topics) {
    public TopicFormatResult {
        topics = List.copyOf(topics);
    }
}
