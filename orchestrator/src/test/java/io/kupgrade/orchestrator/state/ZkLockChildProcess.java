package io.kupgrade.orchestrator.state;

import io.kupgrade.orchestrator.lock.ZooKeeperClusterLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A second process for {@link ZooKeeperStateIT}: takes the ZooKeeper lock of a cluster, prints
 * {@code LOCKED <token>} and holds it until stdin closes (or the process is killed).
 * Arguments: connect string, cluster name.
 */
public final class ZkLockChildProcess {
    private ZkLockChildProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (ZooKeeperStateStore store = ZooKeeperStateStore.connect(args[0], Duration.ofSeconds(30));
             ZooKeeperClusterLock lock = store.lock(args[1], "child holding the lock")) {
            System.out.println("LOCKED " + lock.fencingToken());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // hold until the parent closes our stdin
            }
        }
    }
}
