package io.kupgrade.orchestrator.executor.ssh;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostAccessException;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostKeyRejectedException;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.orchestrator.executor.OutputCapture;
import io.kupgrade.plans.AccessSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import net.schmizz.sshj.sftp.FileAttributes;
import net.schmizz.sshj.sftp.FileMode;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.RenameFlags;
import net.schmizz.sshj.sftp.Response;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.sftp.SFTPEngine;
import net.schmizz.sshj.sftp.SFTPException;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands and edits files on broker hosts over SSH (SSHJ).
 *
 * <ul>
 *   <li>Host keys are checked against the plan's known_hosts file only; an unknown or changed key stops with
 *       a {@link HostKeyRejectedException} naming host and fingerprint, before anything runs.</li>
 *   <li>Public-key authentication with the plan's identity file (its passphrase revealed only to decrypt it,
 *       once) or the default keys. ssh-agent is not supported. A refused login is a
 *       {@link HostAccessException}.</li>
 *   <li>One connection per host, opened on first use, kept with keepalives, reused, and reopened when it has
 *       died. Connecting is retried with exponential backoff ({@link SshSettings#connectAttempts()}); after
 *       the budget, {@link HostUnreachableException}.</li>
 *   <li>A command is never re-sent: if the connection drops once the command was sent, {@link #run} throws
 *       {@link HostUnreachableException} (its effect is unknown; the engine decides). Only when a fresh
 *       session could not even be opened (nothing sent) is the connection reopened and the command sent.</li>
 *   <li>Commands run as {@code /bin/sh -c '<command>'} whatever the login shell (with {@code sudo -n} first
 *       when configured); output is captured in bounded memory. At the timeout the command gets SIGTERM
 *       (servers may ignore it) and its channel is closed; the result says {@code timedOut}.</li>
 *   <li>Files go over SFTP only, never through a shell: {@link #writeFile} uploads a temp file beside the
 *       target (permissions, and owner when allowed, copied from it), copies the old file to the backup the
 *       same way, then renames with {@code posix-rename@openssh.com} (atomic replace). Text is ISO-8859-1
 *       byte for byte, as Kafka reads server.properties.</li>
 *   <li>With {@code sudo}, files are read with {@code sudo -n cat} and written by uploading the content over
 *       SFTP to a private temp file ({@code /tmp}, mode 0600, created exclusively), then a {@code sudo -n sh}
 *       script copies it beside the target (mode and owner from the old file), makes the backup and renames
 *       it into place. Only paths appear in that script (single-quoted); content never does.</li>
 * </ul>
 *
 * Thread-safe; {@link #close()} disconnects every host.
 */
public final class SshExecutor implements HostExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(SshExecutor.class);
    private static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
    private static final long OUTPUT_GRACE_MS = 2000;
    private static final Duration FILE_TIMEOUT = Duration.ofMinutes(2);

    private final SshSettings settings;
    private final DefaultConfig config;
    private final ConcurrentHashMap<String, HostConnection> connections = new ConcurrentHashMap<>();
    private List<KeyProvider> keys;
    private volatile boolean closed;

    public SshExecutor(SshSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.config = new DefaultConfig();
        this.config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
    }

    public SshSettings settings() {
        return settings;
    }

    @Override
    public CommandResult run(String host, String command, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        HostConnection conn = connection(host);
        String remote = (settings.sudo() ? "sudo -n " : "") + "/bin/sh -c " + shellQuote(command);
        Session.Command cmd = null;
        SSHClient client = null;
        Session session = null;
        try {
            client = conn.client();
            session = conn.openSession(client);
            client = conn.current();
            try {
                cmd = session.exec(remote);
            } catch (IOException e) {
                conn.invalidate(client);
                throw new HostUnreachableException("connection to " + where(host)
                        + " failed while sending a command; whether it started is unknown", e);
            }
            OutputCapture stdout = new OutputCapture();
            OutputCapture stderr = new OutputCapture();
            Thread outReader = drain(cmd.getInputStream(), stdout, host, "stdout");
            Thread errReader = drain(cmd.getErrorStream(), stderr, host, "stderr");
            boolean finished = awaitClose(cmd, timeout, conn, client, host);
            if (!finished) {
                LOG.warn("command on {} still running after {}: sending SIGTERM and closing its channel", host,
                        timeout);
                try {
                    cmd.signal(Signal.TERM);
                } catch (IOException e) {
                    LOG.debug("signal not sent: {}", e.toString());
                }
                closeQuietly(cmd);
                return new CommandResult(-1, stdout.text(), stderr.text(), true);
            }
            outReader.join(OUTPUT_GRACE_MS);
            errReader.join(OUTPUT_GRACE_MS);
            Integer status = cmd.getExitStatus();
            if (status == null) {
                Signal signal = cmd.getExitSignal();
                if (signal == null) {
                    // A channel closed with neither exit status nor exit signal: the connection dropped, even
                    // when the transport has not noticed yet (a race seen under load). Never report that as a
                    // finished command: its effect is unknown, and the engine must decide.
                    conn.invalidate(client);
                    throw new HostUnreachableException("connection to " + where(host)
                            + " dropped while a command ran; its effect is unknown", null);
                }
                return new CommandResult(-1, stdout.text(), stderr.text() + "[terminated by signal " + signal
                        + "]\n", false);
            }
            return new CommandResult(status, stdout.text(), stderr.text(), false);
        } catch (InterruptedException e) {
            closeQuietly(cmd);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while running a command on " + host);
        } finally {
            closeQuietly(session);
        }
    }

    /** True when the channel closed (command done), false at the timeout. @throws HostUnreachableException */
    private boolean awaitClose(Session.Command cmd, Duration timeout, HostConnection conn, SSHClient client,
                               String host) throws InterruptedException {
        try {
            cmd.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (IOException e) {
            if (hasCause(e, InterruptedException.class)) {
                throw new InterruptedException("interrupted");
            }
            if (!alive(client)) {
                conn.invalidate(client);
                throw new HostUnreachableException("connection to " + where(host)
                        + " dropped while a command ran; its effect is unknown", e);
            }
            if (cmd.isOpen()) {
                return false;
            }
            return true;
        }
    }

    @Override
    public String readFile(String host, String path) {
        if (settings.sudo()) {
            return sudoReadFile(host, path);
        }
        HostConnection conn = connection(host);
        // reading is idempotent: one more try on a fresh connection if the old one died
        for (int attempt = 1; ; attempt++) {
            SSHClient client = conn.client();
            try (SFTPClient sftp = client.newSFTPClient()) {
                return new String(readAll(sftp, path), StandardCharsets.ISO_8859_1);
            } catch (SFTPException e) {
                throw fileError(host, path, "read", e);
            } catch (IOException e) {
                conn.invalidate(client);
                if (attempt >= 2) {
                    throw new HostUnreachableException("connection to " + where(host) + " lost while reading "
                            + path, e);
                }
            }
        }
    }

    @Override
    public void writeFile(String host, String path, String content, String backupPath) {
        byte[] bytes = latin1(content, path);
        if (settings.sudo()) {
            sudoWriteFile(host, path, bytes, backupPath);
            return;
        }
        HostConnection conn = connection(host);
        SSHClient client = conn.client();
        try (SFTPClient sftp = client.newSFTPClient()) {
            String target = path;
            FileAttributes attrs = sftp.statExistence(path);
            if (attrs != null) {
                target = followSymlinks(sftp, host, path); // replace the file, keep the link
                attrs = sftp.stat(target);
                if (backupPath != null) {
                    replace(sftp, host, backupPath, readAll(sftp, target), attrs);
                }
            }
            replace(sftp, host, target, bytes, attrs);
        } catch (SFTPException e) {
            throw fileError(host, path, "write", e);
        } catch (IOException e) {
            conn.invalidate(client);
            throw new HostUnreachableException("connection to " + where(host) + " lost while writing " + path
                    + "; the file is either the old or the new version (the replace is atomic)", e);
        }
    }

    private String sudoReadFile(String host, String path) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        OutputCapture err = new OutputCapture();
        // head -c: a config file is small; one byte over the limit tells a too-large file
        int status = execRaw(host, "sudo -n head -c " + (MAX_FILE_BYTES + 1) + " -- " + shellQuote(path),
                FILE_TIMEOUT, out, err);
        if (status == 0 && out.size() > MAX_FILE_BYTES) {
            throw new IllegalStateException(path + " on " + host + " is larger than " + MAX_FILE_BYTES
                    + " bytes: not a config file");
        }
        if (status != 0) {
            String why = err.text().trim();
            if (why.contains("No such file")) {
                throw new IllegalStateException("no file " + path + " on " + host);
            }
            throw new IllegalStateException("cannot read " + path + " on " + host + " with sudo: " + why);
        }
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    private void sudoWriteFile(String host, String path, byte[] bytes, String backupPath) {
        HostConnection conn = connection(host);
        SSHClient client = conn.client();
        String upload = "/tmp/.kupgrade-" + UUID.randomUUID() + ".upload";
        try (SFTPClient sftp = client.newSFTPClient()) {
            try (RemoteFile file = sftp.open(upload, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.EXCL),
                    new FileAttributes.Builder().withPermissions(0600).build())) {
                int off = 0;
                while (off < bytes.length) {
                    int len = Math.min(32 * 1024, bytes.length - off);
                    file.write(off, bytes, off, len);
                    off += len;
                }
            }
        } catch (SFTPException e) {
            throw fileError(host, upload, "write", e);
        } catch (IOException e) {
            conn.invalidate(client);
            throw new HostUnreachableException("connection to " + where(host) + " lost while uploading " + path
                    + "; the file itself was not touched", e);
        }
        // paths only, single-quoted; the content is in the uploaded file
        String script = "set -e\n"
                + "src=" + shellQuote(upload) + "; t=" + shellQuote(path) + "; b="
                + shellQuote(backupPath == null ? "" : backupPath) + "\n"
                + "trap 'rm -f -- \"$src\"' EXIT\n"
                + "if [ -e \"$t\" ]; then t=$(readlink -f -- \"$t\"); fi\n"
                + "d=$(dirname -- \"$t\"); n=$(basename -- \"$t\"); tmp=\"$d/.$n.kupgrade-tmp\"\n"
                + "cp -- \"$src\" \"$tmp\"\n"
                + "if [ -e \"$t\" ]; then\n"
                + "  if [ -n \"$b\" ]; then cp -p -- \"$t\" \"$b.kupgrade-tmp\"; mv -f -- \"$b.kupgrade-tmp\" \"$b\"; fi\n"
                + "  chmod --reference=\"$t\" -- \"$tmp\"; chown --reference=\"$t\" -- \"$tmp\"\n"
                + "else chmod 644 -- \"$tmp\"; fi\n"
                + "mv -f -- \"$tmp\" \"$t\"\n";
        OutputCapture out = new OutputCapture();
        OutputCapture err = new OutputCapture();
        int status = execRaw(host, "sudo -n /bin/sh -c " + shellQuote(script), FILE_TIMEOUT, out, err);
        if (status != 0) {
            throw new IllegalStateException("cannot write " + path + " on " + host + " with sudo: "
                    + err.text().trim());
        }
    }

    /** Runs a remote command line as is (no sudo/sh wrapping), output into the given sinks; -1 at timeout. */
    private int execRaw(String host, String remote, Duration timeout, OutputStream stdout, OutputStream stderr) {
        HostConnection conn = connection(host);
        SSHClient client = conn.client();
        Session session = conn.openSession(client);
        client = conn.current();
        try {
            Session.Command cmd;
            try {
                cmd = session.exec(remote);
            } catch (IOException e) {
                conn.invalidate(client);
                throw new HostUnreachableException("connection to " + where(host)
                        + " failed while sending a command; whether it started is unknown", e);
            }
            Thread o = drain(cmd.getInputStream(), stdout, host, "stdout");
            Thread e = drain(cmd.getErrorStream(), stderr, host, "stderr");
            if (!awaitClose(cmd, timeout, conn, client, host)) {
                closeQuietly(cmd);
                return -1;
            }
            o.join(OUTPUT_GRACE_MS);
            e.join(OUTPUT_GRACE_MS);
            Integer status = cmd.getExitStatus();
            return status == null ? -1 : status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while working on " + host);
        } finally {
            closeQuietly(session);
        }
    }

    /** The file a path finally points to (servers differ in whether realpath follows links, so do it here). */
    private static String followSymlinks(SFTPClient sftp, String host, String path) throws IOException {
        String current = path;
        for (int hops = 0; hops < 40; hops++) {
            if (sftp.lstat(current).getType() != FileMode.Type.SYMLINK) {
                return current;
            }
            String link = sftp.readlink(current);
            if (!link.startsWith("/")) {
                int slash = current.lastIndexOf('/');
                link = (slash < 0 ? "" : current.substring(0, slash + 1)) + link;
            }
            current = link;
        }
        throw new IllegalStateException("too many symbolic links at " + path + " on " + host);
    }

    private static byte[] readAll(SFTPClient sftp, String path) throws IOException {
        try (RemoteFile file = sftp.open(path, EnumSet.of(OpenMode.READ))) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[32 * 1024];
            long offset = 0;
            int n;
            while ((n = file.read(offset, buf, 0, buf.length)) > 0) {
                out.write(buf, 0, n);
                offset += n;
                if (offset > MAX_FILE_BYTES) {
                    throw new SFTPException(Response.StatusCode.FAILURE, path + " is larger than "
                            + MAX_FILE_BYTES + " bytes: not a config file");
                }
            }
            return out.toByteArray();
        }
    }

    /** Writes {@code bytes} to a temp file beside {@code dest}, then renames it over dest atomically. */
    private void replace(SFTPClient sftp, String host, String dest, byte[] bytes, FileAttributes like)
            throws IOException {
        int slash = dest.lastIndexOf('/');
        String dir = slash < 0 ? "" : dest.substring(0, slash + 1);
        String temp = dir + "." + dest.substring(slash + 1) + ".kupgrade-" + UUID.randomUUID().toString()
                .substring(0, 8) + ".tmp";
        int perms = like == null ? 0644 : like.getMode().getPermissionsMask();
        boolean renamed = false;
        try {
            try (RemoteFile file = sftp.open(temp, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.EXCL),
                    new FileAttributes.Builder().withPermissions(perms).build())) {
                int off = 0;
                while (off < bytes.length) {
                    int len = Math.min(32 * 1024, bytes.length - off);
                    file.write(off, bytes, off, len);
                    off += len;
                }
            }
            sftp.chmod(temp, perms); // the server's umask may have narrowed them
            if (like != null) {
                try {
                    sftp.chown(temp, like.getUID());
                    sftp.chgrp(temp, like.getGID());
                } catch (SFTPException e) {
                    LOG.debug("cannot keep owner of {} on {}: {}", dest, host, e.toString());
                }
            }
            posixRename(sftp, host, temp, dest);
            renamed = true;
        } finally {
            if (!renamed) {
                try {
                    sftp.rm(temp);
                } catch (IOException e) {
                    LOG.debug("temp file {} on {} not removed: {}", temp, host, e.toString());
                }
            }
        }
    }

    private static void posixRename(SFTPClient sftp, String host, String from, String to) throws IOException {
        SFTPEngine engine = sftp.getSFTPEngine();
        if (engine.supportsServerExtension("posix-rename", "openssh.com")) {
            engine.request(engine.newExtendedRequest("posix-rename@openssh.com").putString(from).putString(to))
                    .retrieve(engine.getTimeoutMs(), TimeUnit.MILLISECONDS)
                    .ensureStatusPacketIsOK();
        } else if (sftp.version() >= 5) {
            sftp.rename(from, to, EnumSet.of(RenameFlags.OVERWRITE, RenameFlags.ATOMIC));
        } else {
            throw new IllegalStateException("the SFTP server of " + host
                    + " cannot replace a file atomically (no posix-rename@openssh.com); refusing to edit " + to);
        }
    }

    private IllegalStateException fileError(String host, String path, String verb, SFTPException e) {
        String why = switch (e.getStatusCode()) {
            case NO_SUCH_FILE, NO_SUCH_PATH -> "no such file";
            case PERMISSION_DENIED -> "permission denied for " + settings.user();
            default -> e.getMessage();
        };
        if (verb.equals("read") && (e.getStatusCode() == Response.StatusCode.NO_SUCH_FILE
                || e.getStatusCode() == Response.StatusCode.NO_SUCH_PATH)) {
            return new IllegalStateException("no file " + path + " on " + host, e);
        }
        return new IllegalStateException("cannot " + verb + " " + path + " on " + host + ": " + why, e);
    }

    private HostConnection connection(String host) {
        if (closed) {
            throw new IllegalStateException("executor closed");
        }
        Objects.requireNonNull(host, "host");
        return connections.computeIfAbsent(host, HostConnection::new);
    }

    private String where(String host) {
        return settings.user() + "@" + host + ":" + settings.port() + (settings.jumpHost() == null ? ""
                : " via jump host " + settings.jumpUser() + "@" + settings.jumpHost().host() + ":"
                + settings.jumpHost().port());
    }

    private static boolean alive(SSHClient client) {
        return client != null && client.isConnected() && client.getTransport().isRunning();
    }

    /** Connects, verifies the host key, authenticates; retried with backoff on I/O failures only. */
    private SSHClient connect(String host) {
        RetryPolicy<SSHClient> retry = RetryPolicy.<SSHClient>builder()
                .handle(IOException.class)
                .abortOn(UserAuthException.class)
                .withMaxAttempts(settings.connectAttempts())
                .withBackoff(settings.retryDelay(), settings.maxRetryDelay())
                .onRetry(ev -> LOG.warn("cannot connect to {} ({}); attempt {} of {}", where(host),
                        ev.getLastException() == null ? "?" : ev.getLastException().getMessage(),
                        ev.getAttemptCount() + 1, settings.connectAttempts()))
                .build();
        try {
            return Failsafe.with(retry).get(() -> connectOnce(host));
        } catch (FailsafeException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UserAuthException) {
                throw new HostAccessException("SSH login as " + where(host) + " refused with key "
                        + describeKeys() + ": " + cause.getMessage(), cause);
            }
            throw new HostUnreachableException("cannot connect to " + where(host) + " after "
                    + settings.connectAttempts() + " attempts: " + (cause == null ? e : cause).getMessage(), cause);
        }
    }

    private SSHClient connectOnce(String host) throws IOException {
        Path knownHosts = settings.knownHosts();
        if (!Files.isRegularFile(knownHosts)) {
            throw new HostAccessException("known_hosts file " + knownHosts + " does not exist: host keys cannot be "
                    + "verified, so kupgrade connects nowhere (set access.ssh.knownHosts)", null);
        }
        KnownHostsVerifier verifier = new KnownHostsVerifier(knownHosts.toFile());
        AccessSpec.JumpHost jumpHost = settings.jumpHost();
        KnownHostsVerifier jumpVerifier = jumpHost == null ? null : new KnownHostsVerifier(knownHosts.toFile());
        SSHClient jump = null;
        SSHClient client = null;
        try {
            if (jumpHost != null) {
                // as ssh -J: the bastion's key verified and logged in to first, then the host through a tunnel
                jump = new SSHClient(config);
                jump.addHostKeyVerifier(jumpVerifier);
                jump.setConnectTimeout((int) settings.connectTimeout().toMillis());
                jump.connect(jumpHost.host(), jumpHost.port());
                keepAlive(jump);
                jump.authPublickey(settings.jumpUser(), keys());
                client = new TunnelledClient(config, jump);
                client.addHostKeyVerifier(verifier);
                client.connectVia(jump.newDirectConnection(host, settings.port()));
            } else {
                client = new SSHClient(config);
                client.addHostKeyVerifier(verifier);
                client.setConnectTimeout((int) settings.connectTimeout().toMillis());
                client.connect(host, settings.port());
            }
            keepAlive(client);
            client.authPublickey(settings.user(), keys());
            return client;
        } catch (TransportException e) {
            closeQuietly(client);
            closeQuietly(jump);
            HostKeyRejectedException rejected = jumpVerifier != null && jumpVerifier.rejection() != null
                    ? jumpVerifier.rejection() : verifier.rejection();
            if (rejected != null) {
                throw rejected; // not retried: a person must look at it
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
            closeQuietly(jump);
            throw e;
        }
    }

    private void keepAlive(SSHClient client) {
        client.getConnection().getKeepAlive().setKeepAliveInterval((int) Math.max(1, settings.keepAlive().toSeconds()));
    }

    /** A connection tunnelled through a jump host's: closing it closes the jump host's connection too. */
    private static final class TunnelledClient extends SSHClient {
        private final SSHClient jump;

        TunnelledClient(net.schmizz.sshj.Config config, SSHClient jump) {
            super(config);
            this.jump = jump;
        }

        @Override
        public void disconnect() throws IOException {
            try {
                super.disconnect();
            } finally {
                jump.disconnect();
            }
        }

        @Override
        public boolean isConnected() {
            return super.isConnected() && jump.isConnected() && jump.getTransport().isRunning();
        }
    }

    /** The key providers, decrypted once; the passphrase is revealed only here. */
    private synchronized List<KeyProvider> keys() {
        if (keys != null) {
            return keys;
        }
        List<Path> files = new ArrayList<>();
        boolean explicit = settings.identityFile() != null;
        if (explicit) {
            files.add(settings.identityFile());
        } else {
            Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
            for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
                if (Files.isRegularFile(ssh.resolve(name))) {
                    files.add(ssh.resolve(name));
                }
            }
        }
        List<KeyProvider> loaded = new ArrayList<>();
        try (SSHClient loader = new SSHClient(config)) {
            for (Path file : files) {
                try {
                    KeyProvider kp = settings.passphrase() == null
                            ? loader.loadKeys(file.toString())
                            : loader.loadKeys(file.toString(), new OneShotPassphrase());
                    kp.getPrivate(); // decrypt now, while the passphrase is at hand, and fail early
                    loaded.add(kp);
                } catch (IOException | RuntimeException e) {
                    String msg = "cannot load SSH key " + file + ": " + e.getMessage()
                            + (settings.passphrase() == null ? "" : " (wrong passphrase?)");
                    if (explicit) {
                        throw new HostAccessException(msg, e);
                    }
                    LOG.warn("{}; skipping it", msg);
                }
            }
        } catch (IOException e) {
            LOG.debug("closing key loader: {}", e.toString());
        }
        if (loaded.isEmpty()) {
            throw new HostAccessException("no usable SSH key: set access.ssh.identityFile (ssh-agent is not "
                    + "supported)", null);
        }
        keys = List.copyOf(loaded);
        return keys;
    }

    private String describeKeys() {
        return settings.identityFile() == null ? "(default keys in ~/.ssh)" : settings.identityFile().toString();
    }

    /** Hands the passphrase to SSHJ once; SSHJ wipes the array it gets after use. */
    private final class OneShotPassphrase implements PasswordFinder {
        @Override
        public char[] reqPassword(Resource<?> resource) {
            return settings.passphrase().reveal().toCharArray();
        }

        @Override
        public boolean shouldRetry(Resource<?> resource) {
            return false;
        }
    }

    private static Thread drain(InputStream in, OutputStream sink, String host, String name) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // connection closed under us: what was captured stays; the caller reports the drop
            }
        }, "kupgrade-ssh-" + host + "-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** {@code 'it'\''s'}: one single-quoted word for a POSIX shell, whatever it contains. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static byte[] latin1(String content, String path) {
        Objects.requireNonNull(content, "content");
        try {
            ByteBuffer encoded = StandardCharsets.ISO_8859_1.newEncoder()
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(content));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("content for " + path
                    + " has characters beyond ISO-8859-1; Kafka would not read them back (escape them as \\uXXXX)");
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        connections.values().forEach(HostConnection::close);
        connections.clear();
    }

    /** The connection to one host, (re)opened on demand. */
    private final class HostConnection {
        private final String host;
        private SSHClient client;

        HostConnection(String host) {
            this.host = host;
        }

        synchronized SSHClient client() {
            if (alive(client) && client.isAuthenticated()) {
                return client;
            }
            if (client != null) {
                LOG.info("connection to {} is gone; reconnecting", where(host));
                closeQuietly(client);
                client = null;
            }
            client = connect(host);
            return client;
        }

        synchronized SSHClient current() {
            return client;
        }

        /** A session; if the connection cannot open one (nothing was sent yet), one retry on a new connection. */
        Session openSession(SSHClient first) {
            try {
                return first.startSession();
            } catch (IOException e) {
                invalidate(first);
                LOG.info("cannot open a session to {} ({}); reconnecting", where(host), e.getMessage());
            }
            SSHClient second = client();
            try {
                return second.startSession();
            } catch (IOException e) {
                invalidate(second);
                throw new HostUnreachableException("cannot open a session to " + where(host)
                        + "; nothing was run", e);
            }
        }

        synchronized void invalidate(SSHClient broken) {
            if (client == broken && client != null) {
                closeQuietly(client);
                client = null;
            }
        }

        synchronized void close() {
            closeQuietly(client);
            client = null;
        }
    }
}
