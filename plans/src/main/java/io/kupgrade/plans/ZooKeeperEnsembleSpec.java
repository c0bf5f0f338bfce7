package io.kupgrade.plans;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The plan's optional {@code zookeeperEnsemble} section: the ZooKeeper servers of a ZooKeeper-mode cluster, rolled
 * one at a time (followers first, the leader last) before the broker phases. Immutable.
 *
 * <p>The {@code service} strings and {@code install} may use the placeholders {@code {server.id}} and
 * {@code {host}} ({@link #render}).
 *
 * @param servers the ensemble's servers, in the plan's order (at least 3: a single server cannot be rolled
 *     without an outage)
 * @param service how to stop/start/check a server and where its {@code zoo.cfg} is; timeouts default as for
 *     brokers (stop 10 min, start 2 min)
 * @param set {@code zoo.cfg} properties to set (may be empty: a rolling restart)
 * @param unset {@code zoo.cfg} properties to remove
 * @param install command run on the host while the server is stopped (e.g. switch binaries); nullable
 * @param version the ZooKeeper version the servers must report after the roll ({@code srvr}); nullable
 * @param rollbackInstall command that restores the previous binaries on a stopped server, run by
 *     {@code kupgrade rollback --phase zookeeper-ensemble} for a server whose {@code install} ran ({@code rollback:
 *     install:} in the plan); nullable (then the rollback restores zoo.cfg, not the binaries, and says so)
 */
public record ZooKeeperEnsembleSpec(
        List<ZooKeeperServerSpec> servers,
        ServiceSpec service,
        Map<String, String> set,
        List<String> unset,
        String install,
        String version,
        String rollbackInstall) {

    /** The name under which the ensemble roll is selected ({@code --phase}) and journaled. */
    public static final String PHASE_NAME = "zookeeper-ensemble";

    /** Placeholders the {@code service} strings and {@code install} may use. */
    public static final List<String> PLACEHOLDERS = List.of("server.id", "host");

    /** @throws IllegalArgumentException for fewer than 3 servers, a duplicate id, or a missing service */
    public ZooKeeperEnsembleSpec {
        servers = List.copyOf(servers);
        Objects.requireNonNull(service, "service");
        set = Collections.unmodifiableMap(new LinkedHashMap<>(set));
        unset = List.copyOf(unset);
        if (servers.size() < 3) {
            throw new IllegalArgumentException("a ZooKeeper ensemble roll needs at least 3 servers, got "
                    + servers.size());
        }
        Set<Integer> ids = new HashSet<>();
        for (ZooKeeperServerSpec s : servers) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("ZooKeeper server id " + s.id() + " appears twice");
            }
        }
    }

    /** The shape before {@code rollbackInstall} was added: no rollback command. */
    public ZooKeeperEnsembleSpec(List<ZooKeeperServerSpec> servers, ServiceSpec service, Map<String, String> set,
                                 List<String> unset, String install, String version) {
        this(servers, service, set, unset, install, version, null);
    }

    /** The server with this id; null when there is none. */
    public ZooKeeperServerSpec server(int id) {
        return servers.stream().filter(s -> s.id() == id).findFirst().orElse(null);
    }

    /** {@code template} with {@code {server.id}} and {@code {host}} replaced for {@code server}; null stays null. */
    public static String render(String template, ZooKeeperServerSpec server) {
        if (template == null) {
            return null;
        }
        // as Placeholders: "${host}" is shell syntax, not a placeholder
        return template.replaceAll("(?<!\\$)\\{server\\.id}", Integer.toString(server.id()))
                .replaceAll("(?<!\\$)\\{host}", java.util.regex.Matcher.quoteReplacement(server.host()));
    }

    /**
     * One ZooKeeper server.
     *
     * @param id its {@code myid} (1..255)
     * @param host the host commands run on and four-letter words are sent to
     * @param clientPort its client port (default 2181)
     */
    public record ZooKeeperServerSpec(int id, String host, int clientPort) {
        /** @throws IllegalArgumentException for an id outside 1..255, a blank host or a port outside 1..65535 */
        public ZooKeeperServerSpec {
            if (id < 1 || id > 255) {
                throw new IllegalArgumentException("a ZooKeeper server id (myid) is 1..255, got " + id);
            }
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("ZooKeeper server " + id + " needs a host");
            }
            if (clientPort < 1 || clientPort > 65535) {
                throw new IllegalArgumentException("clientPort must be 1..65535, got " + clientPort);
            }
        }

        /** {@code host:clientPort}. */
        public String address() {
            return host + ":" + clientPort;
        }
    }
}
