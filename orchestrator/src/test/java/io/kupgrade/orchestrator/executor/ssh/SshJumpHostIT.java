package io.kupgrade.orchestrator.executor.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostKeyRejectedException;
import io.kupgrade.plans.AccessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code access.ssh.jumpHost}: a broker host reached through a bastion, as {@code ssh -J} does, on two real SSH
 * servers on loopback (embedded Apache MINA SSHD): the bastion forwards, the host runs the commands. Both host
 * keys are verified against the same known_hosts; the same key logs in to both.
 */
class SshJumpHostIT {
    private static final String HOST = "127.0.0.1";
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestSshServer host;
    private TestSshServer bastion;
    private Path knownHosts;
    private SshSettings settings;

    @BeforeEach
    void start() throws Exception {
        host = new TestSshServer().start();
        bastion = new TestSshServer();
        bastion.forwarding = true;
        bastion.acceptedKey = host.clientKey.getPublic();
        bastion.start();
        knownHosts = Files.writeString(dir.resolve("known_hosts"), host.knownHostsLine() + "\n"
                + bastion.knownHostsLine() + "\n");
        Path identity = host.writeClientKey(dir.resolve("id_ecdsa"), null);
        settings = new SshSettings("kafka", host.port(), identity, null, knownHosts, Duration.ofSeconds(5), false,
                2, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(10),
                AccessSpec.JumpHost.parse("ops@" + HOST + ":" + bastion.port()));
    }

    @AfterEach
    void stop() throws Exception {
        host.close();
        bastion.close();
    }

    @Test
    void shouldRunCommandsAndWriteFilesOnTheHostThroughTheBastion() throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "broker.id=1\n");
        try (SshExecutor executor = new SshExecutor(settings)) {
            CommandResult r = executor.run(HOST, "echo on-the-host; exit 3", TEN_SECONDS);
            executor.writeFile(HOST, file.toString(), "broker.id=1\nnum.io.threads=9\n", file + ".bak");

            assertEquals(3, r.exitCode());
            assertEquals("on-the-host\n", r.stdout());
            assertEquals("broker.id=1\nnum.io.threads=9\n", Files.readString(file));
            assertEquals("broker.id=1\n", Files.readString(Path.of(file + ".bak")), "the backup kept");
        }
        assertEquals(List.of(HOST + ":" + host.port()), bastion.tunnels, "one tunnel to the host, reused");
        assertEquals(List.of(), bastion.commands, "nothing runs on the bastion");
        assertEquals(List.of("/bin/sh -c 'echo on-the-host; exit 3'"), host.commands, "run on the host");
        assertEquals(1, bastion.loggedIn.size());
    }

    @Test
    void shouldRefuseAnUnknownBastionKeyAndReachNothing() throws Exception {
        Files.writeString(knownHosts, host.knownHostsLine() + "\n");
        try (SshExecutor executor = new SshExecutor(settings)) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> executor.run(HOST, "touch " + dir.resolve("ran"), TEN_SECONDS));

            assertTrue(e.getMessage().contains("[127.0.0.1]:" + bastion.port()), e.getMessage());
            assertFalse(e.changed());
        }
        assertEquals(List.of(), bastion.tunnels, "no tunnel opened");
        assertEquals(0, host.loggedIn.size());
        assertFalse(Files.exists(dir.resolve("ran")));
    }

    @Test
    void shouldVerifyTheHostsOwnKeyBehindTheBastion() throws Exception {
        Files.writeString(knownHosts, bastion.knownHostsLine() + "\n"
                + TestSshServer.knownHostsLine(host.port(), TestSshServer.newKeyPair().getPublic()) + "\n");
        try (SshExecutor executor = new SshExecutor(settings)) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> executor.run(HOST, "touch " + dir.resolve("ran"), TEN_SECONDS));

            assertTrue(e.changed(), e.getMessage());
            assertTrue(e.getMessage().contains("[127.0.0.1]:" + host.port()), e.getMessage());
        }
        assertEquals(0, host.commandsStarted.get());
        assertFalse(Files.exists(dir.resolve("ran")));
    }

    @Test
    void shouldReconnectThroughTheBastionWhenItDroppedTheConnections() throws Exception {
        try (SshExecutor executor = new SshExecutor(settings)) {
            assertEquals(0, executor.run(HOST, "true", TEN_SECONDS).exitCode());
            bastion.dropConnections();
            Thread.sleep(200);

            CommandResult again = executor.run(HOST, "echo again", TEN_SECONDS);

            assertEquals("again\n", again.stdout());
        }
        assertEquals(2, bastion.tunnels.size(), "a new tunnel after the drop: " + bastion.tunnels);
    }
}
