package io.kupgrade.orchestrator.topics;

import java.util.List;
import java.util.Objects;

/**
 * What {@code kupgrade topic-format} was asked: set ({@code version}) or remove ({@code remove}) the
 * {@code message.format.version} override of some topics ({@code topics}) or of every non-internal topic
 * ({@code allTopics}).
 *
 * @param topics topic names; empty with {@code allTopics}
 * @param version the value to set, e.g. {@code 2.8} or {@code 0.10.2}; null with {@code remove}
 * @param dryRun show before and after, change nothing
 * @throws IllegalArgumentException when neither or both of topics/allTopics, or of version/remove, are given, or
 *     a topic's name is not one Kafka allows ({@link TopicFormatRules#checkTopic})
 */
public record TopicFormatRequest(List<String> topics, boolean allTopics, String version, boolean remove,
                                 boolean dryRun) {
    public TopicFormatRequest {
        topics = List.copyOf(Objects.requireNonNullElse(topics, List.of()));
        if (topics.isEmpty() == !allTopics) {
            throw new IllegalArgumentException("name the topics (--topic T, repeatable) or pass --all-topics, not both");
        }
        for (String topic : topics) {
            TopicFormatRules.checkTopic(topic).ifPresent(why -> {
                throw new IllegalArgumentException(why);
            });
        }
        if ((version == null) == !remove) {
            throw new IllegalArgumentException("give --message-format-version V to set the override, or --remove to"
                    + " delete it, not both");
        }
    }
}
