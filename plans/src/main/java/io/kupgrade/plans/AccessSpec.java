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
     * @param jumpHost the bastion every broker host is reached through (as {@code ssh -J}); null to connect
     *     directly
     */
    public record SshSpec(String user, int port, String identityFile, Secret passphrase, String knownHosts,
                          java.time.Duration connectTimeout, boolean sudo, JumpHost jumpHost) {

        /** Without sudo. */
        public SshSpec(String user, int port, String identityFile, Secret passphrase, String knownHosts,
                       java.time.Duration connectTimeout) {
            this(user, port, identityFile, passphrase, knownHosts, connectTimeout, false);
        }

        /** Without a jump host. */
        public SshSpec(String user, int port, String identityFile, Secret passphrase, String knownHosts,
                       java.time.Duration connectTimeout, boolean sudo) {
            this(user, port, identityFile, passphrase, knownHosts, connectTimeout, sudo, null);
        }
    }

    /**
     * A bastion ({@code access.ssh.jumpHost}, written {@code [user@]host[:port]} as for {@code ssh -J}): the
     * SSH connection to each broker host is tunnelled through an SSH connection to it. Its host key is verified
     * against the same known_hosts, and the same key logs in.
     *
     * @param user its login user; null for the one of {@code access.ssh.user}
     * @param host its host name or address ({@code [v6]} brackets removed)
     * @param port its SSH port (default 22)
     */
    public record JumpHost(String user, String host, int port) {
        private static final java.util.regex.Pattern FORM = java.util.regex.Pattern.compile(
                "(?:(?<user>[^@\\s:]+)@)?(?:\\[(?<v6>[0-9A-Fa-f:.]+)]|(?<host>[^@\\s:\\[\\]]+))"
                        + "(?::(?<port>\\d{1,5}))?");

        /**
         * Reads {@code [user@]host[:port]}.
         *
         * @throws IllegalArgumentException naming what to write instead
         */
        public static JumpHost parse(String text) {
            java.util.regex.Matcher m = FORM.matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a jump host: write [user@]host[:port], e.g."
                        + " ops@bastion.example.com or bastion:2222");
            }
            int port = m.group("port") == null ? 22 : Integer.parseInt(m.group("port"));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("'" + text + "': port " + port + " is not a TCP port (1..65535)");
            }
            return new JumpHost(m.group("user"), m.group("v6") != null ? m.group("v6") : m.group("host"), port);
        }

        @Override
        public String toString() {
            return (user == null ? "" : user + "@") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
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
