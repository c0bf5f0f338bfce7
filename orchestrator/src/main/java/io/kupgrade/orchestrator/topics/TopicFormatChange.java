package io.kupgrade.orchestrator.topics;

/**
 * One topic's {@code message.format.version} before and after. Immutable.
 *
 * @param before the value in effect before (the topic's override, else the broker's)
 * @param beforeSource {@code topic override}, {@code broker config} or {@code default}
 * @param after the value in effect after: read back from the cluster, or for a dry run the predicted one
 * @param changed whether an override was (or would be) set or deleted for this topic
 */
public record TopicFormatChange(String topic, String before, String beforeSource, String after, String afterSource,
                                boolean changed) {
}
