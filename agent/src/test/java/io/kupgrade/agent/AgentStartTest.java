package io.kupgrade.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problems found only when the agent starts (the address, the port, the token file, the TLS material): one
 * located line naming the field, as for problems found when the file is read. Keystores are made by keytool.
 */
class AgentStartTest {
    private static final String STOREPASS = "changeit";

    @TempDir
    static Path dir;

    private static final String BASE = String.join("\n",
            "address: 127.0.0.1",
            "port: 0",
            "tokenFile: token",
            "configFile: /opt/kafka/config/server.properties",
            "commands:",
            "  stop: [/bin/true]",
            "  start: [/bin/true]",
            "  isRunning: [/bin/true]",
            "");

    private static final String TLS = String.join("\n",
            "tls:",
            "  keystore: agent.p12",
            "  keystorePasswordFile: pass",
            "  truststore: clients.p12",
            "  truststorePasswordFile: pass",
            "");

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

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(dir.resolve("token"), "start-test-token-0123456789\n");
        Files.writeString(dir.resolve("pass"), STOREPASS + "\n");
        Files.writeString(dir.resolve("wrong-pass"), "not-" + STOREPASS + "\n");
        Files.writeString(dir.resolve("not-a-keystore.p12"), "hello\n");
        keytool("-genkeypair", "-alias", "agent", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=agent",
                "-validity", "2", "-keystore", "agent.p12", "-storetype", "PKCS12", "-storepass", STOREPASS);
        keytool("-exportcert", "-alias", "agent", "-keystore", "agent.p12", "-storepass", STOREPASS,
                "-file", "agent.crt");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "agent.crt", "-keystore", "clients.p12",
                "-storetype", "PKCS12", "-storepass", STOREPASS);
    }

    /** Writes agent.yaml, starts the agent and returns the message it refused to start with. */
    private static String startError(String yaml) throws IOException {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        AgentConfig config = AgentConfig.load(f);
        return assertThrows(AgentConfigException.class, () -> AgentServer.start(config).close()).getMessage();
    }

    private static String at(int line, int column) {
        return dir.resolve("agent.yaml") + ": line " + line + ", column " + column + ": ";
    }

    @Test
    void shouldStartWithGoodTlsFiles() throws Exception {
        Files.writeString(dir.resolve("agent.yaml"), BASE + TLS);

        AgentServer.start(AgentConfig.load(dir.resolve("agent.yaml"))).close();
    }

    @Test
    void shouldSayAnAddressWithNumbersOver255IsNotAnIpAddress() throws Exception {
        String m = startError(BASE.replace("127.0.0.1", "999.1.1.1"));

        assertEquals(at(1, 10) + "address: '999.1.1.1' is not an IPv4 address (four numbers 0-255 separated by dots)",
                m);
    }

    @Test
    void shouldSayTheAddressIsAnUnknownHost() throws Exception {
        String m = startError(BASE.replace("127.0.0.1", "nohost.invalid"));

        assertEquals(at(1, 10) + "address: unknown host 'nohost.invalid': not an IP address nor a name this host"
                + " can resolve", m);
    }

    @Test
    void shouldSayTheAddressIsNotThisHosts() throws Exception {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never a real host's address
        String m = startError(BASE.replace("127.0.0.1", "192.0.2.1"));

        assertEquals(at(1, 10) + "address: 192.0.2.1 is not an address of this host (use 0.0.0.0 for all of them,"
                + " or one of this host's addresses)", m);
    }

    @Test
    void shouldSayThePortIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String m = startError(BASE.replace("port: 0", "port: " + taken.getLocalPort()));

            assertEquals(at(2, 7) + "port: " + taken.getLocalPort() + " is already in use on 127.0.0.1 (by another"
                    + " agent, or another program?)", m);
        }
    }

    @Test
    void shouldLocateAMissingTokenFile() throws Exception {
        String m = startError(BASE.replace("tokenFile: token", "tokenFile: no-token"));

        assertEquals(at(3, 12) + "tokenFile: cannot read " + dir.resolve("no-token") + ": no such file", m);
    }

    @Test
    void shouldNameAMissingKeystore() throws Exception {
        String m = startError(BASE + TLS.replace("keystore: agent.p12", "keystore: /nonexist.p12"));

        assertEquals(at(10, 13) + "tls.keystore: no such file /nonexist.p12", m);
    }

    @Test
    void shouldNameAKeystoreThatIsADirectory() throws Exception {
        String m = startError(BASE + TLS.replace("keystore: agent.p12", "keystore: " + dir));

        assertEquals(at(10, 13) + "tls.keystore: " + dir + " is not a file (a keystore, PKCS12 or JKS)", m);
    }

    @Test
    void shouldNameAKeystoreThatIsNotOne() throws Exception {
        String m = startError(BASE + TLS.replace("keystore: agent.p12", "keystore: not-a-keystore.p12"));

        assertEquals(at(10, 13) + "tls.keystore: " + dir.resolve("not-a-keystore.p12")
                + " is not a keystore (PKCS12 or JKS)", m);
    }

    @Test
    void shouldNameTheKeystorePasswordFileWhenThePasswordIsWrong() throws Exception {
        String m = startError(BASE + TLS.replace("keystorePasswordFile: pass", "keystorePasswordFile: wrong-pass"));

        assertEquals(at(11, 25) + "tls.keystorePasswordFile: the password in " + dir.resolve("wrong-pass")
                + " does not open " + dir.resolve("agent.p12") + " (tls.keystore)", m);
    }

    @Test
    void shouldNameAMissingKeystorePasswordFile() throws Exception {
        String m = startError(BASE + TLS.replace("keystorePasswordFile: pass", "keystorePasswordFile: no-pass"));

        assertEquals(at(11, 25) + "tls.keystorePasswordFile: cannot read " + dir.resolve("no-pass")
                + ": no such file", m);
    }

    @Test
    void shouldNameAKeystoreWithoutAPrivateKey() throws Exception {
        String m = startError(BASE + TLS.replace("keystore: agent.p12", "keystore: clients.p12"));

        assertEquals(at(10, 13) + "tls.keystore: " + dir.resolve("clients.p12") + " holds no private key: it must"
                + " hold the agent's key and certificate (is it a truststore?)", m);
    }

    @Test
    void shouldNameAMissingTruststore() throws Exception {
        String m = startError(BASE + TLS.replace("truststore: clients.p12", "truststore: no-clients.p12"));

        assertEquals(at(12, 15) + "tls.truststore: no such file " + dir.resolve("no-clients.p12"), m);
    }

    @Test
    void shouldNameTheTruststorePasswordFileWhenThePasswordIsWrong() throws Exception {
        String m = startError(BASE + TLS.replace("truststorePasswordFile: pass", "truststorePasswordFile: wrong-pass"));

        assertEquals(at(13, 27) + "tls.truststorePasswordFile: the password in " + dir.resolve("wrong-pass")
                + " does not open " + dir.resolve("clients.p12") + " (tls.truststore)", m);
    }
}
