package io.kupgrade.gates;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * ZooKeeper-mode reading through the ZooKeeper client, for plans that name ZooKeeper: the registered brokers
 * with their registration identity ({@code /brokers/ids/<id>} is an ephemeral znode; its czxid is Kafka's broker
 * epoch, KIP-380, and changes with every new broker process), the controller ({@code /controller}), and the
 * ensemble's health with the {@code srvr}/{@code mntr} four-letter words (reference §1d).
 *
 * <p>The session is opened lazily and re-opened after it expires. Not thread-safe. Failures are thrown as
 * {@link ClusterUnreachableException}.
 */
public final class ZooKeeperInspector implements AutoCloseable {
    private static final Pattern CONTROLLER_ID = Pattern.compile("\"brokerid\"\\s*:\\s*(-?\\d+)");

    private final String connect;
    private final Duration timeout;
    private ZooKeeper zooKeeper;

    /**
     * @param connect the plan's ZooKeeper connect string ({@code host:port,...[/chroot]})
     * @param timeout session timeout and bound for connecting and each four-letter-word exchange
     */
    public ZooKeeperInspector(String connect, Duration timeout) {
        this.connect = connect;
        this.timeout = timeout;
    }

    /** Broker id to broker epoch (czxid of its registration znode) for every registered broker. */
    public Map<Integer, Long> brokerEpochs() {
        ZooKeeper zk = session();
        Map<Integer, Long> epochs = new HashMap<>();
        try {
            for (String child : zk.getChildren("/brokers/ids", false)) {
                Stat stat = zk.exists("/brokers/ids/" + child, false);
                if (stat != null) {
                    epochs.put(Integer.parseInt(child), stat.getCzxid());
                }
            }
            return epochs;
        } catch (KeeperException.NoNodeException e) {
            return epochs;
        } catch (KeeperException e) {
            drop();
            throw new ClusterUnreachableException("ZooKeeper " + connect + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnreachableException("interrupted reading ZooKeeper", e);
        }
    }

    /** The controller broker registered in {@code /controller}, when there is one. */
    public OptionalInt controller() {
        ZooKeeper zk = session();
        try {
            byte[] data = zk.getData("/controller", false, null);
            Matcher m = CONTROLLER_ID.matcher(new String(data, StandardCharsets.UTF_8));
            return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
        } catch (KeeperException.NoNodeException e) {
            return OptionalInt.empty();
        } catch (KeeperException e) {
            drop();
            throw new ClusterUnreachableException("ZooKeeper " + connect + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnreachableException("interrupted reading ZooKeeper", e);
        }
    }

    /**
     * One ZooKeeper server's state from {@code srvr} (mode) and {@code mntr} (synced followers, on the leader).
     *
     * @param mode leader, follower, standalone, observer; empty when the server did not answer
     * @param syncedFollowers on the leader, {@code zk_synced_followers} (needs {@code mntr} whitelisted)
     * @param error why the server could not be read; empty when it answered
     */
    public record ServerStatus(String server, Optional<String> mode, OptionalLong syncedFollowers,
                               Optional<String> error) {
        public boolean serving() {
            return mode.isPresent();
        }
    }

    /**
     * Asks every server of the connect string for {@code srvr} and {@code mntr}. Never throws: unreachable
     * servers are reported with their error. {@code mntr} is not in ZooKeeper's default 4lw whitelist; without it
     * synced followers stay unknown.
     */
    public List<ServerStatus> ensemble() {
        List<ServerStatus> statuses = new ArrayList<>();
        String hosts = connect.contains("/") ? connect.substring(0, connect.indexOf('/')) : connect;
        for (String server : hosts.split(",")) {
            String address = server.trim();
            int colon = address.lastIndexOf(':');
            String host = colon < 0 ? address : address.substring(0, colon);
            int port = colon < 0 ? 2181 : Integer.parseInt(address.substring(colon + 1));
            try {
                String srvr = fourLetterWord(host, port, "srvr");
                Matcher mode = Pattern.compile("(?m)^Mode:\\s*(\\S+)").matcher(srvr);
                OptionalLong synced = OptionalLong.empty();
                String mntr = fourLetterWord(host, port, "mntr");
                Matcher followers = Pattern.compile("(?m)^zk_synced_followers\\s+(\\d+)").matcher(mntr);
                if (followers.find()) {
                    synced = OptionalLong.of(Long.parseLong(followers.group(1)));
                }
                statuses.add(mode.find()
                        ? new ServerStatus(address, Optional.of(mode.group(1)), synced, Optional.empty())
                        : new ServerStatus(address, Optional.empty(), synced, Optional.of(srvr.strip())));
            } catch (IOException e) {
                statuses.add(new ServerStatus(address, Optional.empty(), OptionalLong.empty(),
                        Optional.of(e.toString())));
            }
        }
        return statuses;
    }

    /**
     * Sends one four-letter word ({@code srvr}, {@code mntr}, {@code ruok}, ...) to one server and returns its
     * whole answer (a word outside the server's whitelist is answered with a sentence saying so).
     *
     * @param address {@code host:port} (port 2181 when omitted)
     * @throws IOException when the server cannot be reached or does not answer within the timeout
     */
    public String fourLetterWord(String address, String word) throws IOException {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        int port = colon < 0 ? 2181 : Integer.parseInt(address.substring(colon + 1));
        return fourLetterWord(host, port, word);
    }

    private String fourLetterWord(String host, int port, String word) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private ZooKeeper session() {
        if (zooKeeper != null && zooKeeper.getState().isAlive()) {
            return zooKeeper;
        }
        drop();
        CountDownLatch connected = new CountDownLatch(1);
        try {
            ZooKeeper zk = new ZooKeeper(connect, (int) timeout.toMillis(), event -> {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                zk.close();
                throw new ClusterUnreachableException("ZooKeeper " + connect + " not reachable within "
                        + timeout.toMillis() + " ms", null);
            }
            zooKeeper = zk;
            return zk;
        } catch (IOException e) {
            throw new ClusterUnreachableException("ZooKeeper " + connect + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnreachableException("interrupted connecting to ZooKeeper", e);
        }
    }

    private void drop() {
        if (zooKeeper != null) {
            try {
                zooKeeper.close(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            zooKeeper = null;
        }
    }

    @Override
    public void close() {
        drop();
    }
}
