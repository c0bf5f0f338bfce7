package io.kupgrade.orchestrator.lock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who holds a cluster lock.
 *
 * @param user the OS user of the holding process
 * @param host the host name of the machine it runs on
 * @param pid its process id
 * @param processStart when the process started (with the pid, tells a live holder from a reused pid)
 * @param command what it runs, for people ({@code apply plan.yaml --wave canary})
 */
public record LockHolder(String user, String host, long pid, Instant processStart, String command) {

    /** This process, running {@code command}. */
    public static LockHolder current(String command) {
        ProcessHandle self = ProcessHandle.current();
        return new LockHolder(System.getProperty("user.name", "unknown"), localHostName(), self.pid(),
                self.info().startInstant().orElse(Instant.EPOCH), command == null ? "" : command);
    }

    /** {@code alice@host1 (pid 1234, since 2026-11-25T06:40:00Z): apply plan.yaml}. */
    public String describe() {
        return user + "@" + host + " (pid " + pid + ", since " + processStart + "): " + command;
    }

    boolean onThisHost() {
        return host.equals(localHostName());
    }

    /**
     * True when this holder is a process on this host that is no longer running (its pid is gone or reused); false
     * for a live holder and for any holder on another host (which cannot be checked from here).
     */
    public boolean deadOnThisHost() {
        if (!onThisHost()) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        Optional<Instant> start = process.get().info().startInstant();
        // another process now has that pid: compare start times (tolerating rounding between JVMs)
        return start.isPresent() && !processStart.equals(Instant.EPOCH)
                && Duration.between(start.get(), processStart).abs().compareTo(Duration.ofSeconds(1)) > 0;
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }
}
