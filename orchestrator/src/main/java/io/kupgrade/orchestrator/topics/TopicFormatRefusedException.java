package io.kupgrade.orchestrator.topics;

/**
 * {@code topic-format} refused, and nothing was changed: a version Kafka does not know, unknown topics, or a
 * cluster on which a topic's {@code message.format.version} is ignored. The message is one line for the user.
 */
public final class TopicFormatRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TopicFormatRefusedException(String message) {
        super(message, null, false, false);
    }
}
