package io.kupgrade.orchestrator.executor.ssh;

import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SshExecutor} reaches hosts. Built from the plan's {@code access.ssh} by {@link #fromPlan}.
 *
 * @param user login user; defaults to this process's user
 * @param port SSH port (default 22)
 * @param identityFile private key; null means the default keys ({@code ~/.ssh/id_ed25519}, {@code id_ecdsa},
 *     {@code id_rsa}) that exist. ssh-agent is not used (SSHJ needs an extra library for it)
 * @param passphrase the key's passphrase, revealed only to decrypt the key; null for an unencrypted key
 * @param knownHosts the OpenSSH known_hosts file every host key is checked against (required, must exist)
 * @param connectTimeout TCP connect and SSH handshake timeout (default 10 s)
 * @param sudo prefix commands with {@code sudo -n} and edit files through sudo ({@code access.ssh.sudo})
 * @param connectAttempts attempts to connect before a host counts as unreachable (default 4)
 * @param retryDelay first delay between connect attempts, doubled up to {@code maxRetryDelay} (1 s, 15 s)
 * @param keepAlive interval of SSH keepalives on idle connections, to notice a dead peer (default 10 s)
 * @param jumpHost the bastion each host is reached through ({@code access.ssh.jumpHost}); null for none
 */
public record SshSettings(String user, int port, Path identityFile, Secret passphrase, Path knownHosts,
                          Duration connectTimeout, boolean sudo, int connectAttempts, Duration retryDelay,
                          Duration maxRetryDelay, Duration keepAlive, AccessSpec.JumpHost jumpHost) {

    public SshSettings {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port");
        }
        if (connectAttempts < 1) {
            throw new IllegalArgumentException("connectAttempts must be at least 1");
        }
        if (maxRetryDelay.compareTo(retryDelay) < 0) {
            maxRetryDelay = retryDelay;
        }
    }

    /** Without a jump host. */
    public SshSettings(String user, int port, Path identityFile, Secret passphrase, Path knownHosts,
                       Duration connectTimeout, boolean sudo, int connectAttempts, Duration retryDelay,
                       Duration maxRetryDelay, Duration keepAlive) {
        this(user, port, identityFile, passphrase, knownHosts, connectTimeout, sudo, connectAttempts, retryDelay,
                maxRetryDelay, keepAlive, null);
    }

    /** The user that logs in to the jump host: its own, else {@link #user}. */
    public String jumpUser() {
        return jumpHost == null || jumpHost.user() == null ? user : jumpHost.user();
    }

    /** Settings from a plan's {@code access.ssh}; relative paths resolve against {@code baseDir}, {@code ~} is expanded. */
    public static SshSettings fromPlan(AccessSpec.SshSpec spec, Path baseDir) {
        Objects.requireNonNull(spec, "access.ssh is required with executor: ssh");
        String user = spec.user() == null || spec.user().isBlank() ? System.getProperty("user.name") : spec.user();
        Path knownHosts = resolve(spec.knownHosts() == null ? "~/.ssh/known_hosts" : spec.knownHosts(), baseDir);
        return new SshSettings(user, spec.port() == 0 ? 22 : spec.port(),
                spec.identityFile() == null ? null : resolve(spec.identityFile(), baseDir), spec.passphrase(),
                knownHosts, spec.connectTimeout() == null ? Duration.ofSeconds(10) : spec.connectTimeout(), spec.sudo(),
                4, Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(10), spec.jumpHost());
    }

    /** A copy with {@code sudo} set. */
    public SshSettings withSudo(boolean sudo) {
        return new SshSettings(user, port, identityFile, passphrase, knownHosts, connectTimeout, sudo,
                connectAttempts, retryDelay, maxRetryDelay, keepAlive, jumpHost);
    }

    /** A copy with another connect retry budget. */
    public SshSettings withConnectRetries(int attempts, Duration delay, Duration maxDelay) {
        return new SshSettings(user, port, identityFile, passphrase, knownHosts, connectTimeout, sudo, attempts,
                delay, maxDelay, keepAlive, jumpHost);
    }

    /** A copy with another jump host (null for none). */
    public SshSettings withJumpHost(AccessSpec.JumpHost jump) {
        return new SshSettings(user, port, identityFile, passphrase, knownHosts, connectTimeout, sudo,
                connectAttempts, retryDelay, maxRetryDelay, keepAlive, jump);
    }

    static Path resolve(String path, Path baseDir) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(path.length() <= 2 ? "" : path.substring(2));
        }
        Path p = Path.of(path);
        return p.isAbsolute() ? p : baseDir.resolve(p).normalize();
    }

    @Override
    public String toString() {
        // the passphrase's own toString is masked; spelled out so no future field leaks by accident
        return "SshSettings[" + user + "@*:" + port + ", identityFile=" + identityFile + ", passphrase="
                + (passphrase == null ? "none" : passphrase.masked()) + ", knownHosts=" + knownHosts
                + ", sudo=" + sudo + (jumpHost == null ? "" : ", jumpHost=" + jumpHost) + "]";
    }
}
