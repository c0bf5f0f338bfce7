package io.kupgrade.agent;

/** The agent's configuration file is missing or wrong; the message is one line naming file, line and field. */
public class AgentConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AgentConfigException(String message) {
        super(message);
    }
}
