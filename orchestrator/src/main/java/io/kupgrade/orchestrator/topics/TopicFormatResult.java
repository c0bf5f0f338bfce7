package io.kupgrade.orchestrator.topics;

import java.util.List;

/**
 * What {@code kupgrade topic-format} did (or, for a dry run, would do). Immutable.
 *
 * @param interBrokerProtocol the lowest {@code inter.broker.protocol.version} among the brokers
 * @param operation {@code set V} or {@code remove}
 * @param topics per topic, in name order
 * @param journal where the change was journaled, for people; null when it was not (no plan given, a dry run,
 *     nothing changed)
 */
public record TopicFormatResult(String interBrokerProtocol, String operation, boolean dryRun,
                                List<TopicFormatChange> topics, String journal) {
    public TopicFormatResult {
        topics = List.copyOf(topics);
    }

    /** Not journaled. */
    public TopicFormatResult(String interBrokerProtocol, String operation, boolean dryRun,
                             List<TopicFormatChange> topics) {
        this(interBrokerProtocol, operation, dryRun, topics, null);
    }

    /** True when at least one topic's override was set or deleted (or would be, for a dry run). */
    public boolean changedAny() {
        return topics.stream().anyMatch(TopicFormatChange::changed);
    }

    /** The same result, journaled at {@code location}. */
    public TopicFormatResult journaledAt(String location) {
        return new TopicFormatResult(interBrokerProtocol, operation, dryRun, topics, location);
    }
}
