package io.kupgrade.plans;

/**
 * How kupgrade reaches broker hosts.
 *
 * @param executor {@code ssh} (default) or {@code local} (commands run on this machine: single host or sandbox)
 * @param ssh SSH settings; required when executor is ssh
 */
public record AccessSpec(String executor, SshSpec ssh) {

    /** SSH settings. Host keys are always verified against {@code knownHosts}; there is no "accept all". */
    public record SshSpec(String user, int port, String identityFile, Secret passphrase, String knownHosts,
                          java.time.Duration connectTimeout) {
    }
}
