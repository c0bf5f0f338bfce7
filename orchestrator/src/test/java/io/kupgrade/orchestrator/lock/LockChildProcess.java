package io.kupgrade.orchestrator.lock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second process for {@link FileClusterLockTest}: {@code hold} takes the lock, prints LOCKED and keeps it
 * until stdin closes; {@code try} tries once and prints LOCKED or HELD: message (exit 0 or 2).
 */
public final class LockChildProcess {
    private LockChildProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path stateDir = Path.of(args[0]);
        String cluster = args[1];
        String mode = args[2];
        try (FileClusterLock lock = FileClusterLock.acquire(stateDir, cluster, "child " + mode)) {
            System.out.println("LOCKED " + lock.holder().pid());
            System.out.flush();
            if (mode.equals("hold")) {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                while (in.readLine() != null) {
                    // hold until the parent closes our stdin
                }
            }
        } catch (LockHeldException e) {
            System.out.println("HELD: " + e.getMessage());
            System.out.flush();
            System.exit(2);
        }
    }
}
