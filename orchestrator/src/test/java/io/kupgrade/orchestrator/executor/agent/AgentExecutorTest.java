package io.kupgrade.orchestrator.executor.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.agent.AgentConfig;
import io.kupgrade.agent.AgentServer;
import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostAccessException;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostExecutors;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.Secret;
import io.kupgrade.plans.ServiceSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AgentExecutor end to end against a real AgentServer on loopback. The "broker" is a {@code sleep 300}
 * started by the agent's start script with a pid file; the point is the agent path, not Kafka.
 */
class AgentExecutorTest {
    private static final String TOKEN = "agent-test-token-0123456789abcdef";
    private static final String HOST = "127.0.0.1";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    Path configFile;
    Path pidFile;
    Path marker;
    AgentServer server;
    AgentExecutor executor;
    ServiceSpec service;

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

    @BeforeEach
    void startAgent() throws IOException {
        configFile = dir.resolve("server.properties");
        pidFile = dir.resolve("broker.pid");
        marker = dir.resolve("ran.log");
        Files.writeString(configFile, "broker.id=1\nlog.dirs=" + dir.resolve("data") + "\n");
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(dir.resolve("start.sh"), "nohup sleep 300 >/dev/null 2>&1 &\necho $! > " + pidFile
                + "\necho start >> " + marker + "\n");
        Files.writeString(dir.resolve("stop.sh"), "kill $(cat " + pidFile + ")\necho stop >> " + marker + "\n");
        Files.writeString(dir.resolve("is-running.sh"), "test -f " + pidFile + " && kill -0 $(cat " + pidFile
                + ") 2>/dev/null\n");
        Files.writeString(dir.resolve("switch.sh"), "echo \"install $1\" >> " + marker + "\n");
        Path yaml = dir.resolve("agent.yaml");
        Files.writeString(yaml, String.join("\n",
                "address: " + HOST,
                "port: 0",
                "tokenFile: token",
                "configFile: " + configFile,
                "commands:",
                "  stop: [/bin/sh, " + dir.resolve("stop.sh") + "]",
                "  start: [/bin/sh, " + dir.resolve("start.sh") + "]",
                "  isRunning: [/bin/sh, " + dir.resolve("is-running.sh") + "]",
                "installs:",
                "  switch-version:",
                "    command: [/bin/sh, " + dir.resolve("switch.sh") + "]",
                "    args: ['[0-9]+\\.[0-9]+\\.[0-9]+']",
                ""));
        server = AgentServer.start(AgentConfig.load(yaml));
        // the plan's strings name the actions; the agent's own config says what they run
        service = new ServiceSpec(dir + "/server.properties", "systemctl stop kafka@{broker.id}",
                "systemctl start kafka@{broker.id}", "systemctl is-active kafka@{broker.id}",
                Duration.ofMinutes(1), Duration.ofMinutes(1));
        executor = executor(TOKEN, server.port());
    }

    private AgentExecutor executor(String token, int port) {
        return new AgentExecutor(new AgentSettings(port, secret(token), Duration.ofSeconds(5), null), service,
                java.util.Arrays.asList("switch-version 3.9.2", null, "switch-version {broker.id}.0.0"));
    }

    @AfterEach
    void stopEverything() throws IOException {
        executor.close();
        server.close();
        // the fake broker is ours: a sleep whose pid we wrote
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private String marker() throws IOException {
        return Files.exists(marker) ? Files.readString(marker) : "";
    }

    private Optional<ProcessHandle> broker() throws IOException {
        return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()));
    }

    @Test
    void shouldStartProbeAndStopTheBrokerThroughThePlansServiceCommands() throws Exception {
        CommandResult before = executor.run(HOST, "systemctl is-active kafka@1", TIMEOUT);
        CommandResult start = executor.run(HOST, "systemctl start kafka@1", TIMEOUT);
        CommandResult running = executor.run(HOST, "systemctl is-active kafka@1", TIMEOUT);
        boolean aliveAfterStart = broker().map(ProcessHandle::isAlive).orElse(false);
        CommandResult stop = executor.run(HOST, "systemctl stop kafka@1", TIMEOUT);
        ProcessHandle stopped = broker().orElse(null);
        if (stopped != null) {
            stopped.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        CommandResult after = executor.run(HOST, "systemctl is-active kafka@1", TIMEOUT);

        assertFalse(before.ok(), "no broker yet");
        assertTrue(start.ok(), start.stderr());
        assertTrue(running.ok(), "is-running sees the started process");
        assertTrue(aliveAfterStart);
        assertTrue(stop.ok(), stop.stderr());
        assertFalse(after.ok(), "is-running sees it gone");
        assertEquals("start\nstop\n", marker());
    }

    @Test
    void shouldRunAPlanInstallWithItsAllowedVersion() throws Exception {
        CommandResult r = executor.run(HOST, "switch-version 3.9.2", TIMEOUT);
        CommandResult fromTemplate = executor.run(HOST, "switch-version 4.0.0", TIMEOUT);

        assertTrue(r.ok(), r.stderr());
        assertTrue(fromTemplate.ok(), "{broker.id}.0.0 rendered for broker 4");
        assertEquals("install 3.9.2\ninstall 4.0.0\n", marker());
    }

    @Test
    void shouldRefuseAnArbitraryCommandWithoutAskingTheAgent() throws Exception {
        for (String command : List.of("rm -rf /", "systemctl stop kafka@1; rm -rf /", "switch-version 3.9.2 && reboot",
                "systemctl stop kafka@x", "cat /etc/shadow")) {
            HostAccessException e = assertThrows(HostAccessException.class,
                    () -> executor.run(HOST, command, TIMEOUT), command);
            assertTrue(e.getMessage().contains("only runs the plan's"), e.getMessage());
        }
        assertEquals("", marker());
    }

    @Test
    void shouldRecogniseTheRolePlaceholderOfDedicatedControllersOnly() throws Exception {
        ServiceSpec roles = new ServiceSpec(dir + "/server.properties", "systemctl stop kafka-{role}@{broker.id}",
                "systemctl start kafka-{role}@{broker.id}", "systemctl is-active kafka-{role}@{broker.id}",
                Duration.ofMinutes(1), Duration.ofMinutes(1));
        try (AgentExecutor byRole = new AgentExecutor(new AgentSettings(server.port(), secret(TOKEN),
                Duration.ofSeconds(5), null), roles, List.of())) {
            CommandResult controller = byRole.run(HOST, "systemctl is-active kafka-controller@101", TIMEOUT);
            CommandResult broker = byRole.run(HOST, "systemctl is-active kafka-broker@1", TIMEOUT);

            assertFalse(controller.ok(), "run as the plan's isRunning: nothing runs");
            assertFalse(broker.ok());
            HostAccessException other = assertThrows(HostAccessException.class,
                    () -> byRole.run(HOST, "systemctl is-active kafka-evil@1", TIMEOUT));
            assertTrue(other.getMessage().contains("only runs the plan's"), other.getMessage());
        }
    }

    @Test
    void shouldSurfaceTheAgentsAllowListRefusal() throws Exception {
        // a plan whose install the executor recognises, but whose value the agent's allow-list refuses
        AgentExecutor lenientPlan = new AgentExecutor(new AgentSettings(server.port(), secret(TOKEN),
                Duration.ofSeconds(5), null), service, List.of("switch-version latest", "reboot-host now"));

        HostAccessException badValue = assertThrows(HostAccessException.class,
                () -> lenientPlan.run(HOST, "switch-version latest", TIMEOUT));
        HostAccessException notAllowed = assertThrows(HostAccessException.class,
                () -> lenientPlan.run(HOST, "reboot-host now", TIMEOUT));

        assertTrue(badValue.getMessage().contains("does not match"), badValue.getMessage());
        assertTrue(notAllowed.getMessage().contains("not allowed on this host"), notAllowed.getMessage());
        assertEquals("", marker());
    }

    @Test
    void shouldReadAndWriteTheConfigFileKeepingABackup() throws Exception {
        String path = configFile.toString();
        String backup = path + ".kupgrade-upgrade-20261125T080000Z.bak";
        String original = executor.readFile(HOST, path);

        executor.writeFile(HOST, path, original + "inter.broker.protocol.version=3.9\n", backup);

        assertEquals(original + "inter.broker.protocol.version=3.9\n",
                Files.readString(configFile, StandardCharsets.ISO_8859_1));
        assertEquals(original, Files.readString(Path.of(backup)));
        assertEquals(original, executor.readFile(HOST, backup), "backups are readable for rollback");
        assertEquals(original + "inter.broker.protocol.version=3.9\n", executor.readFile(HOST, path));
    }

    @Test
    void shouldNotOverwriteAFileEditedOnTheHostSinceItWasRead() throws Exception {
        String path = configFile.toString();
        String read = executor.readFile(HOST, path);
        Files.writeString(configFile, read + "edited.by.operator=true\n");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> executor.writeFile(HOST, path, read + "x=1\n", path + ".bak"));

        assertTrue(e.getMessage().contains("changed since kupgrade read it"), e.getMessage());
        assertEquals(read + "edited.by.operator=true\n", Files.readString(configFile));
        assertFalse(Files.exists(Path.of(path + ".bak")));
    }

    @Test
    void shouldRefuseFilesOtherThanTheConfigFile() {
        assertThrows(HostAccessException.class, () -> executor.readFile(HOST, "/etc/passwd"));
        assertThrows(HostAccessException.class, () -> executor.readFile(HOST, configFile + "/../../token"));
        assertThrows(HostAccessException.class, () -> executor.writeFile(HOST, dir.resolve("token").toString(),
                "x", null));
        assertThrows(IllegalArgumentException.class, () -> executor.writeFile(HOST, configFile.toString(), "x",
                "/tmp/elsewhere.bak"));
    }

    @Test
    void shouldReportAWrongTokenAsAccessRefusedAndChangeNothing() throws Exception {
        String before = Files.readString(configFile);
        AgentExecutor wrong = executor("not-the-token-0123456789abcdef", server.port());

        HostAccessException run = assertThrows(HostAccessException.class,
                () -> wrong.run(HOST, "systemctl start kafka@1", TIMEOUT));
        assertThrows(HostAccessException.class, () -> wrong.writeFile(HOST, configFile.toString(), "x=1\n", null));

        assertTrue(run.getMessage().contains("refused the token"), run.getMessage());
        assertFalse(run.getMessage().contains("not-the-token"), "the token is never in a message");
        assertEquals(before, Files.readString(configFile));
        assertEquals("", marker());
    }

    @Test
    void shouldReportAnAgentThatIsNotListeningAsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        AgentExecutor nowhere = executor(TOKEN, closedPort);

        HostUnreachableException e = assertThrows(HostUnreachableException.class,
                () -> nowhere.run(HOST, "systemctl is-active kafka@1", TIMEOUT));
        assertTrue(e.getMessage().contains("cannot reach the kupgrade agent at http://127.0.0.1:" + closedPort),
                e.getMessage());
    }

    @Test
    void shouldBeWhatAPlanWithExecutorAgentGets() throws Exception {
        Path planFile = dir.resolve("plan.yaml");
        Files.writeString(planFile, String.join("\n",
                "apiVersion: kupgrade/v1",
                "cluster: {name: c1, bootstrapServers: 127.0.0.1:9092}",
                "access:",
                "  executor: agent",
                "  agent: {port: " + server.port() + ", token: \"${env:KUPGRADE_AGENT_TOKEN}\"}",
                "service:",
                "  configFile: " + configFile,
                "  stop: systemctl stop kafka",
                "  start: systemctl start kafka",
                "  isRunning: systemctl is-active kafka",
                "phases:",
                "  - name: upgrade",
                "    install: switch-version 3.9.2",
                ""));
        Plan plan = new PlanParser(Map.of("KUPGRADE_AGENT_TOKEN", TOKEN)::get).read(planFile);

        try (HostExecutor fromPlan = HostExecutors.forPlan(plan)) {
            assertInstanceOf(AgentExecutor.class, fromPlan);
            assertTrue(fromPlan.run(HOST, "switch-version 3.9.2", TIMEOUT).ok());
            assertEquals(Files.readString(configFile), fromPlan.readFile(HOST, configFile.toString()));
        }
        assertEquals("install 3.9.2\n", marker());
    }
}
