package io.kupgrade.plans;

/**
 * How kupgrade reaches broker hosts.
 *
 * @param executor {@code ssh} (default), {@code local} (commands run on this machine: single host or sandbox)
 *     or {@code agent} (a {@code kupgrade agent} daemon on each host, for hosts without SSH)
 * @param ssh SSH settings; required when executor is ssh
 * @param agent agent settings; required when executor is agent, null otherwise
 */
public record AccessSpec(String executor, SshSpec ssh, AgentSpec agent) {

    /** The shape before the agent executor: no agent settings. */
    public AccessSpec(String executor, SshSpec ssh) {
        this(executor, ssh, null);
    }

    /**
     * SSH settings. Host keys are always verified against {@code knownHosts}; there is no "accept all".
     *
     * @param sudo run commands with {@code sudo -n} and read/write the config file through sudo, for a login
     *     user that is not allowed to touch Kafka's files itself (default false)
     */
    public record SshSpec(String user, int port, String identityFile, Secret passphrase, String knownHosts,
                          java.time.Duration connectTimeout, boolean sudo) {

        /** Without sudo. */
        public SshSpec(String user, int port, String identityFile, Secret passphrase, String knownHosts,
                       java.time.Duration connectTimeout) {
            this(user, port, identityFile, passphrase, knownHosts, connectTimeout, false);
        }
    }

    /**
     * How to reach the {@code kupgrade agent} on each broker's host ({@code https://host:port} with TLS,
     * {@code http://host:port} without).
     *
     * @param port the agent's port on every host (default 7070)
     * @param token the bearer token the agents expect (required; write it as {@code ${env:NAME}})
     * @param connectTimeout TCP/TLS connect timeout (default 10 s)
     * @param tls HTTPS settings; null for plain HTTP (the token then crosses the network in clear)
     */
    public record AgentSpec(int port, Secret token, java.time.Duration connectTimeout, AgentTlsSpec tls) {
    }

    /**
     * HTTPS to the agents. Paths are as written in the plan (relative to the plan's directory, {@code ~/}
     * the user's home); keystores are PKCS12 or JKS.
     *
     * @param truststore certificates (or CA) the agents' certificates must chain to; null = the JDK's default
     * @param truststorePassword its password; nullable
     * @param keystore this side's key and certificate for mutual TLS; null = no client certificate
     * @param keystorePassword its password; required with keystore
     */
    public record AgentTlsSpec(String truststore, Secret truststorePassword, String keystore,
                               Secret keystorePassword) {
    }
}
