package io.kupgrade.gates;

/**
 * The Kafka client refused its settings (a bootstrap address it cannot parse, a client property with a wrong
 * value, a JAAS line it cannot read): a mistake in the plan or in the command's options, named in the message.
 * Nothing was sent to any broker.
 */
public final class ClientSettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ClientSettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
