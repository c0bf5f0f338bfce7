package io.kupgrade.orchestrator.pause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kupgrade.gates.ClusterUnreachableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ZooKeeper pause marker's read when ZooKeeper does not confirm the sync that precedes it: a real ZooKeeper
 * client against a server that accepts the connection and never answers (a frozen server, a half-open
 * connection). The marker must call itself unreadable, never "not paused". The sync against a real server:
 * {@code state.ZooKeeperStateIT}.
 */
@Timeout(30)
class ZooKeeperPauseMarkerTest {
    ServerSocket silent;
    final List<Socket> held = new CopyOnWriteArrayList<>();
    ZooKeeper zk;

    @BeforeEach
    void silentServer() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-zookeeper");
        acceptor.setDaemon(true);
        acceptor.start();
        zk = new ZooKeeper(hosts(), 10_000, e -> { });
    }

    @AfterEach
    void close() throws Exception {
        silent.close();
        for (Socket s : held) {
            s.close(); // the client sees the connection end, so that close() need not wait for it
        }
        zk.close();
    }

    String hosts() {
        return "127.0.0.1:" + silent.getLocalPort();
    }

    @Test
    void shouldCallThePauseUnreadableWhenZooKeeperDoesNotConfirmTheSyncInTime() {
        ZooKeeperPauseMarker marker = new ZooKeeperPauseMarker(zk, "/kupgrade/prod", hosts(), Duration.ofMillis(300));

        ClusterUnreachableException e = assertThrows(ClusterUnreachableException.class, marker::pausedBecause);

        assertEquals("cannot read the pause marker zookeeper://" + hosts() + "/kupgrade/prod/pause: ZooKeeper did not"
                + " confirm the sync before the read within 300 ms (a server that stopped answering?)", e.getMessage());
    }
}
