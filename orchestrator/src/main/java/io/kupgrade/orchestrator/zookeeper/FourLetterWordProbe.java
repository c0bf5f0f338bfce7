package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.gates.ZooKeeperInspector;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link EnsembleProbe} through the four-letter words {@code srvr} (mode, version) and {@code mntr} (synced
 * followers), read by the health gates' {@link ZooKeeperInspector}; no ZooKeeper session is opened.
 * Thread-safe: each read uses its own sockets.
 */
public final class FourLetterWordProbe implements EnsembleProbe {
    private static final Pattern VERSION = Pattern.compile("(?m)^Zookeeper version:\\s*([^-,\\s]+)");

    private final Duration timeout;

    /** @param timeout connect and read timeout of each exchange */
    public FourLetterWordProbe(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public ServerState read(ZooKeeperServerSpec server) {
        try (ZooKeeperInspector inspector = new ZooKeeperInspector(server.address(), timeout)) {
            List<ZooKeeperInspector.ServerStatus> statuses = inspector.ensemble();
            ZooKeeperInspector.ServerStatus st = statuses.get(0);
            if (st.mode().isEmpty()) {
                return ServerState.down(server.id(), st.error().orElse("no answer"));
            }
            String version = null;
            try {
                Matcher m = VERSION.matcher(inspector.fourLetterWord(server.address(), "srvr"));
                version = m.find() ? m.group(1) : null;
            } catch (IOException e) {
                // mode was read a moment ago; the version stays unknown
            }
            return ServerState.serving(server.id(), st.mode().get(),
                    st.syncedFollowers().isPresent() ? st.syncedFollowers().getAsLong() : -1, version);
        } catch (RuntimeException e) {
            return ServerState.down(server.id(), e.toString());
        }
    }
}
