package io.kupgrade.orchestrator.executor.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.nativefs.NativeFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SSH server on loopback for the executor tests (Apache MINA SSHD): its own host key, public-key
 * authentication of one client key, commands really run as {@code /bin/sh -c <command>} (as OpenSSH runs
 * them through the login shell), and SFTP on the real file system.
 */
final class TestSshServer implements AutoCloseable {
    final KeyPair hostKey = newKeyPair();
    final KeyPair clientKey = newKeyPair();
    final AtomicInteger commandsStarted = new AtomicInteger();
    /** Sessions that logged in (the authenticator is asked twice per login: key query, then signature). */
    final java.util.Set<Object> loggedIn = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** When set, put first on the PATH of commands (e.g. a stand-in sudo). */
    volatile Path pathPrefix;
    /** The address to listen on; {@code 0.0.0.0} to answer on every loopback "host" of a sandbox. */
    volatile String bindHost = "127.0.0.1";
    /**
     * Commands matching this run to their end, then their connection is dropped instead of the exit status
     * being sent: the client cannot tell whether the command had its effect. Each drop decrements {@link #drops}.
     */
    volatile java.util.function.Predicate<String> dropAfter = c -> false;
    final AtomicInteger drops = new AtomicInteger();
    /** Every command received, in order. */
    final java.util.List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The client key this server lets in; {@link #clientKey}'s unless a test sets another (a bastion's). */
    volatile java.security.PublicKey acceptedKey = clientKey.getPublic();
    /** Whether it forwards direct-tcpip channels (a bastion, for {@code ssh -J}); set before {@link #start()}. */
    volatile boolean forwarding;
    /** The host:port of every tunnel a client opened through this server. */
    final java.util.List<String> tunnels = new java.util.concurrent.CopyOnWriteArrayList<>();
    private SshServer server;
    private int port;

    TestSshServer start() throws IOException {
        server = SshServer.setUpDefaultServer();
        server.setHost(bindHost);
        server.setPort(port);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> {
            boolean ok = KeyUtils.compareKeys(key, acceptedKey);
            if (ok) {
                loggedIn.add(session);
            }
            return ok;
        });
        server.setCommandFactory((channel, command) -> {
            commandsStarted.incrementAndGet();
            commands.add(command);
            boolean drop = dropAfter.test(command) && drops.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            return new ShellCommand(command, pathPrefix, drop);
        });
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        if (forwarding) {
            server.setForwardingFilter(new org.apache.sshd.server.forward.StaticDecisionForwardingFilter(true) {
                @Override
                public boolean canConnect(org.apache.sshd.server.forward.TcpForwardingFilter.Type type,
                                          org.apache.sshd.common.util.net.SshdSocketAddress address,
                                          org.apache.sshd.common.session.Session session) {
                    tunnels.add(address.getHostName() + ":" + address.getPort());
                    return true;
                }
            });
        }
        server.setFileSystemFactory(NativeFileSystemFactory.INSTANCE);
        server.start();
        port = server.getPort();
        return this;
    }

    int port() {
        return port;
    }

    /** Stops the server (open connections drop); {@link #start()} again listens on the same port. */
    void stop() throws IOException {
        server.stop(true);
    }

    /** Drops every open connection at once, as a network failure or a killed sshd would. */
    void dropConnections() {
        server.getActiveSessions().forEach(s -> s.close(true));
    }

    int openConnections() {
        return server.getActiveSessions().size();
    }

    /** A known_hosts line for this server, as ssh-keyscan would print it. */
    String knownHostsLine() {
        return "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    static String knownHostsLine(int port, PublicKey key) {
        return "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(key);
    }

    /** Writes the client's private key in OpenSSH format, encrypted when a passphrase is given. */
    Path writeClientKey(Path file, String passphrase) throws IOException, GeneralSecurityException {
        OpenSSHKeyEncryptionContext encryption = null;
        if (passphrase != null) {
            encryption = new OpenSSHKeyEncryptionContext();
            encryption.setPassword(passphrase);
            encryption.setCipherName("AES");
            encryption.setCipherMode("CTR");
            encryption.setCipherType("256");
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            new OpenSSHKeyPairResourceWriter().writePrivateKey(clientKey, "test", encryption, out);
        }
        return file;
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(256);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.stop(true);
        }
    }

    /** Runs the command string with /bin/sh -c, wiring its streams to the channel. */
    private static final class ShellCommand implements Command {
        private final String command;
        private final Path pathPrefix;
        private final boolean dropBeforeExit;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private Process process;

        ShellCommand(String command, Path pathPrefix, boolean dropBeforeExit) {
            this.command = command;
            this.pathPrefix = pathPrefix;
            this.dropBeforeExit = dropBeforeExit;
        }

        @Override
        public void setInputStream(InputStream in) {
            // commands get no input
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (pathPrefix != null) {
                pb.environment().put("PATH", pathPrefix + ":" + System.getenv("PATH"));
            }
            process = pb.start();
            Thread o = pump(process.getInputStream(), out);
            Thread e = pump(process.getErrorStream(), err);
            Thread waiter = new Thread(() -> {
                try {
                    int code = process.waitFor();
                    o.join();
                    e.join();
                    if (dropBeforeExit) {
                        channel.getSession().close(true); // the command ran; its exit status never arrives
                        return;
                    }
                    exit.onExit(code);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, "test-sshd-wait");
            waiter.setDaemon(true);
            waiter.start();
        }

        private static Thread pump(InputStream from, OutputStream to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                int n;
                try {
                    while ((n = from.read(buf)) > 0) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                } catch (IOException ignored) {
                    // channel gone
                }
            }, "test-sshd-pump");
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public void destroy(ChannelSession channel) {
            if (process != null && process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }
        }
    }
}
