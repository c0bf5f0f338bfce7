package io.kupgrade.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent over real HTTP on loopback: authentication, the allow-list, compare-and-set config writes. */
class AgentServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGINAL = "broker.id=1\nlog.dirs=/tmp/x\n";

    @TempDir
    Path dir;
    AgentFixture agent;

    @BeforeEach
    void start() throws Exception {
        agent = new AgentFixture(dir).start();
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    private String sha() throws Exception {
        return JSON.readTree(agent.call("GET", "/v1/config", null).body()).get("sha256").asText();
    }

    private String putBody(String expected, String content, String suffix) throws Exception {
        var n = JSON.createObjectNode();
        n.put("expectedSha256", expected);
        n.put("content", content);
        n.put("backupSuffix", suffix);
        return JSON.writeValueAsString(n);
    }

    private String runBody(String action, String... args) throws Exception {
        var n = JSON.createObjectNode();
        n.put("action", action);
        var a = n.putArray("args");
        for (String s : args) {
            a.add(s);
        }
        return JSON.writeValueAsString(n);
    }

    private String configText() throws Exception {
        return Files.readString(agent.configFile, StandardCharsets.ISO_8859_1);
    }

    private long filesInDir() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void shouldRefuseUnauthenticatedCallsWith401AndChangeNothing() throws Exception {
        long before = filesInDir();
        String sha = sha();

        HttpResponse<String> put = agent.call("PUT", "/v1/config", null, putBody(sha, "hacked=1\n", ".bak"));
        HttpResponse<String> run = agent.call("POST", "/v1/run", null, runBody("stop"));
        HttpResponse<String> get = agent.call("GET", "/v1/config", null, null);
        HttpResponse<String> status = agent.call("GET", "/v1/status", null, null);
        HttpResponse<String> unknown = agent.call("GET", "/v1/nothing-here", null, null);

        for (HttpResponse<String> r : java.util.List.of(put, run, get, status, unknown)) {
            assertEquals(401, r.statusCode(), r.uri() + ": " + r.body());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertFalse(r.body().contains("broker.id"), "no content leaks: " + r.body());
        }
        assertEquals(ORIGINAL, configText());
        assertEquals("", agent.marker());
        assertEquals(before, filesInDir(), "no backup or temp file was made");
    }

    @Test
    void shouldRefuseAWrongOrTamperedTokenWith401AndRunNothing() throws Exception {
        String[] wrong = {"wrong-token-0123456789abcdef", AgentFixture.TOKEN + "x",
            AgentFixture.TOKEN.substring(0, AgentFixture.TOKEN.length() - 1), "", "Bearer " + AgentFixture.TOKEN};
        for (String token : wrong) {
            HttpResponse<String> r = agent.call("POST", "/v1/run", token, runBody("stop"));
            assertEquals(401, r.statusCode(), "token '" + token + "': " + r.body());
        }
        HttpResponse<String> basic = agent.http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + agent.server.port() + "/v1/run"))
                .header("Authorization", "Basic " + AgentFixture.TOKEN)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(runBody("stop"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, basic.statusCode());
        assertEquals("", agent.marker(), "the stop script never ran");
    }

    @Test
    void shouldRunTheConfiguredStopStartAndIsRunningCommands() throws Exception {
        HttpResponse<String> stop = agent.call("POST", "/v1/run", runBody("stop"));
        HttpResponse<String> start = agent.call("POST", "/v1/run", runBody("start"));
        HttpResponse<String> notRunning = agent.call("POST", "/v1/run", runBody("isRunning"));
        Files.writeString(dir.resolve("running"), "");
        HttpResponse<String> running = agent.call("POST", "/v1/run", runBody("isRunning"));

        assertEquals(200, stop.statusCode(), stop.body());
        assertEquals(0, JSON.readTree(stop.body()).get("exitCode").asInt());
        assertEquals("started\n", JSON.readTree(start.body()).get("stdout").asText());
        assertEquals(1, JSON.readTree(notRunning.body()).get("exitCode").asInt());
        assertEquals(0, JSON.readTree(running.body()).get("exitCode").asInt());
        assertEquals("stop\nstart\n", agent.marker());
    }

    @Test
    void shouldRefuseAnActionOrInstallNotInTheAllowListWith403AndRunNothing() throws Exception {
        String[] bodies = {
            runBody("exec", "/bin/sh", "-c", "echo pwned >> " + agent.marker),
            runBody("install", "rm", "-rf", "/"),
            runBody("install"),
            runBody("stop", "--force"),
            runBody("isRunning", "; echo pwned"),
        };
        for (String body : bodies) {
            HttpResponse<String> r = agent.call("POST", "/v1/run", body);
            assertEquals(403, r.statusCode(), body + " -> " + r.body());
            assertTrue(JSON.readTree(r.body()).get("error").asText().length() > 10, r.body());
        }
        assertEquals("", agent.marker());
    }

    @Test
    void shouldRefuseAnInstallArgumentOutsideItsPatternWith403() throws Exception {
        String[] bad = {"3.9.2; rm -rf /", "3.9.2\nrm -rf /", "$(reboot)", "3.9", "../../etc/passwd", "3.9.2 4.0.0"};
        for (String version : bad) {
            HttpResponse<String> r = agent.call("POST", "/v1/run", runBody("install", "switch-version", version));
            assertEquals(403, r.statusCode(), version + " -> " + r.body());
        }
        HttpResponse<String> twoArgs = agent.call("POST", "/v1/run", runBody("install", "switch-version", "3.9.2",
                "4.0.0"));
        assertEquals(403, twoArgs.statusCode());
        assertEquals("", agent.marker());

        HttpResponse<String> ok = agent.call("POST", "/v1/run", runBody("install", "switch-version", "3.9.2"));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("install 3.9.2\n", agent.marker());
    }

    @Test
    void shouldRefuseAWriteWithAStaleHashWith409AndLeaveTheFileUnchanged() throws Exception {
        String stale = sha();
        Files.writeString(agent.configFile, ORIGINAL + "edited.by.hand=1\n");
        long before = filesInDir();

        HttpResponse<String> r = agent.call("PUT", "/v1/config", putBody(stale, "new=1\n", ".kupgrade-p1.bak"));

        assertEquals(409, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(sha(), body.get("currentSha256").asText());
        assertEquals(ORIGINAL + "edited.by.hand=1\n", configText());
        assertEquals(before, filesInDir(), "no backup was made");
    }

    @Test
    void shouldKeepABackupAndReplaceTheFileWhenTheHashMatches() throws Exception {
        String before = sha();
        String next = "broker.id=1\nlog.dirs=/tmp/x\ninter.broker.protocol.version=3.9\nunicode=caf\u00e9\n";

        HttpResponse<String> r = agent.call("PUT", "/v1/config", putBody(before, next, ".kupgrade-p1.bak"));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(next, configText());
        assertEquals(ORIGINAL, Files.readString(dir.resolve("server.properties.kupgrade-p1.bak")));
        assertEquals(sha(), JSON.readTree(r.body()).get("sha256").asText());
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
        HttpResponse<String> backup = agent.call("GET", "/v1/config?backupSuffix=.kupgrade-p1.bak", null);
        assertEquals(ORIGINAL, JSON.readTree(backup.body()).get("content").asText());
        // a second write with the hash that was current before is now stale
        assertEquals(409, agent.call("PUT", "/v1/config", putBody(before, "x=1\n", ".b2")).statusCode());
    }

    @Test
    void shouldRefuseNulNonLatin1AndBackupSuffixesThatLeaveTheDirectory() throws Exception {
        String sha = sha();
        String[] bodies = {
            putBody(sha, "a=1\u0000\n", ".bak"),
            putBody(sha, "a=\u4e2d\n", ".bak"),
            putBody(sha, "a=1\n", "/../../../tmp/evil"),
            putBody(sha, "a=1\n", ".."),
            putBody(sha, "a=1\n", null),
            "{\"expectedSha256\":\"" + sha + "\",\"content\":\"a=1\",\"backupSuffix\":\".b\",\"path\":\"/etc/passwd\"}",
            "not json",
            "[1,2]",
        };
        for (String body : bodies) {
            HttpResponse<String> r = agent.call("PUT", "/v1/config", body);
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
        }
        assertEquals(ORIGINAL, configText());
        assertEquals(400, agent.call("GET", "/v1/config?backupSuffix=/../token", null).statusCode());
    }

    @Test
    void shouldHonourTheTimeoutAndReportIt() throws Exception {
        var n = JSON.createObjectNode();
        n.put("action", "install");
        n.putArray("args").add("sleep").add("30");
        n.put("timeoutMillis", 300);
        long t0 = System.nanoTime();

        HttpResponse<String> r = agent.call("POST", "/v1/run", JSON.writeValueAsString(n));

        JsonNode body = JSON.readTree(r.body());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(body.get("timedOut").asBoolean());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 15_000, "returned long before the command would end");
    }

    @Test
    void shouldReportStatus() throws Exception {
        HttpResponse<String> r = agent.call("GET", "/v1/status", null);

        JsonNode body = JSON.readTree(r.body());
        assertEquals(200, r.statusCode());
        assertFalse(body.get("running").asBoolean());
        assertEquals(sha(), body.get("configSha256").asText());
        assertEquals(agent.configFile.toString(), body.get("configFile").asText());
    }
}
