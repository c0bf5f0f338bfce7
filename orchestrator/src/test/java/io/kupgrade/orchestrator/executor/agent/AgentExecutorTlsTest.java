package io.kupgrade.orchestrator.executor.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.agent.AgentConfig;
import io.kupgrade.agent.AgentServer;
import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostAccessException;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.Secret;
import io.kupgrade.plans.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent over HTTPS with mutual TLS: keystores made by the JDK's keytool, settings as a plan gives them. */
class AgentExecutorTlsTest {
    private static final String TOKEN = "tls-test-token-0123456789abcdef";
    private static final String HOST = "127.0.0.1";
    private static final String STOREPASS = "changeit";

    @TempDir
    static Path dir;
    static AgentServer server;
    static ServiceSpec service;

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }

    /** A key pair with a self-signed certificate for 127.0.0.1, and a truststore holding that certificate. */
    private static void identity(String name) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", name + ".p12", "-storetype", "PKCS12",
                "-storepass", STOREPASS);
        keytool("-exportcert", "-alias", name, "-keystore", name + ".p12", "-storepass", STOREPASS,
                "-file", name + ".crt");
        keytool("-importcert", "-noprompt", "-alias", name, "-file", name + ".crt", "-keystore",
                name + "-trust.p12", "-storetype", "PKCS12", "-storepass", STOREPASS);
    }

    @BeforeAll
    static void startAgent() throws Exception {
        identity("agent");
        identity("kupgrade");
        identity("stranger");
        Files.writeString(dir.resolve("pass"), STOREPASS + "\n");
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(dir.resolve("server.properties"), "broker.id=1\n");
        Files.writeString(dir.resolve("is-running.sh"), "echo probed >> " + dir.resolve("ran.log") + "\n");
        Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
                "address: " + HOST,
                "port: 0",
                "tokenFile: token",
                "tls: {keystore: agent.p12, keystorePasswordFile: pass, truststore: kupgrade-trust.p12,",
                "      truststorePasswordFile: pass}",
                "configFile: " + dir.resolve("server.properties"),
                "commands:",
                "  stop: [/bin/false]",
                "  start: [/bin/false]",
                "  isRunning: [/bin/sh, " + dir.resolve("is-running.sh") + "]",
                ""));
        server = AgentServer.start(AgentConfig.load(dir.resolve("agent.yaml")));
        service = new ServiceSpec(dir.resolve("server.properties").toString(), "stop", "start", "is-running",
                Duration.ofMinutes(1), Duration.ofMinutes(1));
    }

    @AfterAll
    static void stopAgent() {
        server.close();
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

    private static AgentExecutor executor(String truststore, String keystore) {
        AccessSpec.AgentTlsSpec tls = new AccessSpec.AgentTlsSpec(truststore, secret(STOREPASS), keystore,
                keystore == null ? null : secret(STOREPASS));
        AccessSpec.AgentSpec spec = new AccessSpec.AgentSpec(server.port(), secret(TOKEN), Duration.ofSeconds(5), tls);
        return new AgentExecutor(AgentSettings.fromPlan(spec, dir), service, List.of());
    }

    private static String ranLog() throws IOException {
        Path log = dir.resolve("ran.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void shouldWorkWithTheTrustedClientCertificate() throws Exception {
        String before = ranLog();
        AgentExecutor executor = executor("agent-trust.p12", "kupgrade.p12");

        CommandResult r = executor.run(HOST, "is-running", Duration.ofSeconds(30));

        assertTrue(r.ok(), r.stderr());
        assertEquals("broker.id=1\n", executor.readFile(HOST, dir.resolve("server.properties").toString()));
        assertEquals(before + "probed\n", ranLog());
    }

    @Test
    void shouldRefuseAClientWithoutATrustedCertificate() throws Exception {
        String before = ranLog();
        for (String keystore : new String[] {null, "stranger.p12"}) {
            AgentExecutor executor = executor("agent-trust.p12", keystore);
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> executor.run(HOST, "is-running", Duration.ofSeconds(30)), "client cert " + keystore);
            assertFalse(e.getMessage().contains(TOKEN));
            // with TLS 1.3 the agent's refusal of the certificate reaches the JDK client only as a closed
            // connection, so it cannot be told from a network failure: the engine retries, then halts
            assertTrue(e instanceof HostAccessException || e instanceof HostUnreachableException, e.toString());
        }
        assertEquals(before, ranLog(), "nothing ran");
    }

    @Test
    void shouldRefuseAnAgentWhoseCertificateIsNotTrusted() throws Exception {
        AgentExecutor executor = executor("stranger-trust.p12", "kupgrade.p12");

        HostAccessException e = assertThrows(HostAccessException.class,
                () -> executor.run(HOST, "is-running", Duration.ofSeconds(30)));

        assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
    }
}
