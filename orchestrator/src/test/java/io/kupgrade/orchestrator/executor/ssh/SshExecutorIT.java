package io.kupgrade.orchestrator.executor.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostAccessException;
import io.kupgrade.orchestrator.executor.HostKeyRejectedException;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.plans.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SshExecutor against a real SSH server on loopback (embedded Apache MINA SSHD, real shell and SFTP). */
class SshExecutorIT {
    private static final String HOST = "127.0.0.1";
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestSshServer server;
    private Path knownHosts;
    private Path identity;
    private SshExecutor executor;

    @BeforeEach
    void startServer() throws Exception {
        server = new TestSshServer().start();
        knownHosts = Files.writeString(dir.resolve("known_hosts"), "# test\n" + server.knownHostsLine() + "\n");
        identity = server.writeClientKey(dir.resolve("id_ecdsa"), null);
        executor = new SshExecutor(settings(identity, null));
    }

    @AfterEach
    void stop() throws Exception {
        executor.close();
        server.close();
    }

    private SshSettings settings(Path key, Secret passphrase) {
        return new SshSettings("kupgrade", server.port(), key, passphrase, knownHosts, Duration.ofSeconds(5), false,
                2, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    @Test
    void shouldReturnExitCodeAndOutputsOfARemoteCommand() {
        CommandResult r = executor.run(HOST, "echo out; echo err >&2; exit 7", TEN_SECONDS);

        assertEquals(7, r.exitCode());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        assertFalse(r.timedOut());
    }

    @Test
    void shouldRunTheCommandInAPosixShellExactlyAsWritten() {
        CommandResult r = executor.run(HOST, "X='it'\"'\"'s'; printf '%s|%s\\n' \"$X\" \"$(echo sub)\"",
                TEN_SECONDS);

        assertTrue(r.ok(), r.stderr());
        assertEquals("it's|sub\n", r.stdout());
    }

    @Test
    void shouldReuseOneConnectionPerHost() {
        for (int i = 0; i < 3; i++) {
            assertTrue(executor.run(HOST, "true", TEN_SECONDS).ok());
        }

        assertEquals(1, server.loggedIn.size());
        assertEquals(1, server.openConnections());
    }

    @Test
    void shouldStopWaitingAtTheTimeout() {
        long start = System.nanoTime();

        CommandResult r = executor.run(HOST, "sleep 30", Duration.ofMillis(500));

        assertTrue(r.timedOut());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
        assertTrue(executor.run(HOST, "true", TEN_SECONDS).ok(), "the connection is still usable");
    }

    @Test
    void shouldReplaceAFileOverSftpLiterallyWithABackup() throws Exception {
        Path file = Files.writeString(dir.resolve("server.properties"), "broker.id=1\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Path backup = dir.resolve("server.properties.bak");
        Path marker = dir.resolve("pwned");
        String content = "broker.id=1\nx=$(touch " + marker + ")`touch " + marker + "`'\"\n";

        executor.writeFile(HOST, file.toString(), content, backup.toString());

        assertEquals(content, Files.readString(file));
        assertEquals(content, executor.readFile(HOST, file.toString()));
        assertEquals("broker.id=1\n", Files.readString(backup));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.exists(marker), "a value went through a shell");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count());
        }
    }

    @Test
    void shouldReplaceTheTargetOfASymlink() throws Exception {
        Path real = Files.writeString(dir.resolve("real.properties"), "a=1\n");
        Path link = Files.createSymbolicLink(dir.resolve("server.properties"), real);

        executor.writeFile(HOST, link.toString(), "a=2\n", dir.resolve("bak").toString());

        assertTrue(Files.isSymbolicLink(link));
        assertEquals("a=2\n", Files.readString(real));
        assertEquals("a=1\n", Files.readString(dir.resolve("bak")));
    }

    @Test
    void shouldReportAMissingRemoteFile() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> executor.readFile(HOST, dir.resolve("missing").toString()));

        assertTrue(e.getMessage().startsWith("no file "), e.getMessage());
    }

    @Test
    void shouldRefuseAnUnknownHostKeyNamingItsFingerprintAndRunNothing() throws Exception {
        Files.writeString(knownHosts, TestSshServer.knownHostsLine(server.port() + 1, server.hostKey.getPublic())
                + "\n");
        Path marker = dir.resolve("ran");

        HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                () -> executor.run(HOST, "touch " + marker, TEN_SECONDS));

        assertFalse(e.changed());
        assertTrue(e.getMessage().contains("[127.0.0.1]:" + server.port()), e.getMessage());
        assertTrue(e.getMessage().contains(KnownHostsVerifier.fingerprint(server.hostKey.getPublic())),
                e.getMessage());
        assertEquals(0, server.loggedIn.size());
        assertEquals(0, server.commandsStarted.get());
        assertFalse(Files.exists(marker));
    }

    @Test
    void shouldRefuseAChangedHostKey() throws Exception {
        Files.writeString(knownHosts, TestSshServer.knownHostsLine(server.port(),
                TestSshServer.newKeyPair().getPublic()) + "\n");

        HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                () -> executor.run(HOST, "true", TEN_SECONDS));

        assertTrue(e.changed());
        assertTrue(e.getMessage().startsWith("HOST KEY CHANGED for [127.0.0.1]:" + server.port()), e.getMessage());
        assertEquals(0, server.commandsStarted.get());
    }

    @Test
    void shouldRefuseToConnectWithoutAKnownHostsFile() throws Exception {
        Files.delete(knownHosts);

        HostAccessException e = assertThrows(HostAccessException.class,
                () -> executor.run(HOST, "true", TEN_SECONDS));

        assertTrue(e.getMessage().contains("known_hosts"), e.getMessage());
    }

    @Test
    void shouldReportAConnectionDroppedMidCommandAsUnreachable() throws Exception {
        Path started = dir.resolve("started");
        CompletableFuture<CommandResult> running = CompletableFuture.supplyAsync(
                () -> executor.run(HOST, "touch " + started + "; sleep 30", Duration.ofSeconds(60)));
        awaitFile(started);

        server.dropConnections();

        ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(15, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof HostUnreachableException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("effect is unknown"), e.getCause().getMessage());
    }

    @Test
    void shouldReconnectAfterTheServerRestarts() throws Exception {
        assertTrue(executor.run(HOST, "true", TEN_SECONDS).ok());

        server.stop();
        server.start();

        CommandResult r = executor.run(HOST, "echo back", TEN_SECONDS);
        assertEquals("back\n", r.stdout());
        assertEquals(2, server.loggedIn.size());
    }

    @Test
    void shouldGiveUpConnectingAfterTheRetryBudget() throws Exception {
        server.stop();
        long start = System.nanoTime();

        HostUnreachableException e = assertThrows(HostUnreachableException.class,
                () -> executor.run(HOST, "true", TEN_SECONDS));

        assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
    }

    @Test
    void shouldDecryptTheKeyWithThePassphraseSecret() throws Exception {
        Path encrypted = server.writeClientKey(dir.resolve("id_encrypted"), "s3cret pass");
        try (SshExecutor withPassphrase = new SshExecutor(settings(encrypted, secret("s3cret pass")))) {
            assertTrue(withPassphrase.run(HOST, "true", TEN_SECONDS).ok());
        }
    }

    @Test
    void shouldReportAWrongPassphraseWithoutRevealingIt() throws Exception {
        Path encrypted = server.writeClientKey(dir.resolve("id_encrypted"), "s3cret pass");
        try (SshExecutor wrong = new SshExecutor(settings(encrypted, secret("not-it")))) {
            HostAccessException e = assertThrows(HostAccessException.class,
                    () -> wrong.run(HOST, "true", TEN_SECONDS));

            assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
            assertFalse(e.getMessage().contains("not-it"));
        }
    }

    @Test
    void shouldReportARefusedLogin() throws Exception {
        TestSshServer other = new TestSshServer(); // its client key is not authorized by our server
        Path stranger = other.writeClientKey(dir.resolve("id_stranger"), null);
        try (SshExecutor refused = new SshExecutor(settings(stranger, null))) {
            HostAccessException e = assertThrows(HostAccessException.class,
                    () -> refused.run(HOST, "true", TEN_SECONDS));

            assertTrue(e.getMessage().contains("refused"), e.getMessage());
        }
    }

    @Test
    void shouldRunCommandsAndEditFilesThroughSudoWhenAsked() throws Exception {
        // a stand-in sudo that logs what it is asked and runs it (the test server runs as this user)
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path sudoLog = dir.resolve("sudo.log");
        Path sudo = Files.writeString(bin.resolve("sudo"), "#!/bin/sh\n"
                + "[ \"$1\" = -n ] || { echo 'sudo: a password is required' >&2; exit 1; }\n"
                + "shift\necho \"$1\" >> " + sudoLog + "\nexec \"$@\"\n");
        Files.setPosixFilePermissions(sudo, PosixFilePermissions.fromString("rwxr-xr-x"));
        server.pathPrefix = bin;
        Path file = Files.writeString(dir.resolve("server.properties"), "broker.id=1\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Path backup = dir.resolve("server.properties.bak");
        Path marker = dir.resolve("pwned");
        String content = "broker.id=1\nx=$(touch " + marker + ")';touch " + marker + "'\n";

        try (SshExecutor withSudo = new SshExecutor(settings(identity, null).withSudo(true))) {
            CommandResult r = withSudo.run(HOST, "echo 'as root'", TEN_SECONDS);
            withSudo.writeFile(HOST, file.toString(), content, backup.toString());
            String read = withSudo.readFile(HOST, file.toString());

            assertEquals("as root\n", r.stdout());
            assertEquals(content, read);
        }
        assertEquals(content, Files.readString(file));
        assertEquals("broker.id=1\n", Files.readString(backup));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.exists(marker), "content went through a shell");
        assertEquals(List.of("/bin/sh", "/bin/sh", "head"), Files.readAllLines(sudoLog));
        try (var tmp = Files.list(Path.of("/tmp"))) {
            assertEquals(0, tmp.filter(p -> p.getFileName().toString().startsWith(".kupgrade-")).count(),
                    "upload left behind");
        }
    }

    private static Secret secret(String value) {
        return new Secret() {
            @Override
            public String reveal() {
                return value;
            }

            @Override
            public String masked() {
                return "******";
            }
        };
    }

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(file); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(file), "the command did not start");
    }
}
