package io.kupgrade.sandbox;

/**
 * A sandbox could not be set up, started, reached or stopped. The message is one line meant for a person
 * (it names the file to look at, e.g. a broker's log, where there is one).
 */
public class SandboxException extends RuntimeException {

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
