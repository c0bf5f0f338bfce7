package io.kupgrade.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated corpus of malformed agent requests (every cut of a valid body, wrong types, extra and missing
 * fields, hostile values): each gets a 4xx with an error message, and nothing changes or runs.
 */
class MalformedRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> REFUSALS = Set.of(400, 403, 409, 413);

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

    private List<String> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldRefuseEveryMalformedRequestAndChangeNothing() throws Exception {
        String sha = JSON.readTree(agent.call("GET", "/v1/config", null).body()).get("sha256").asText();
        String validPut = "{\"expectedSha256\":\"" + sha + "\",\"content\":\"a=1\\n\",\"backupSuffix\":\".bak\"}";
        String validRun = "{\"action\":\"install\",\"args\":[\"switch-version\",\"3.9.2\"],\"timeoutMillis\":5000}";
        List<String[]> corpus = new ArrayList<>();
        // every proper prefix of a valid body is broken JSON (or an incomplete object)
        for (int cut = 0; cut < validPut.length(); cut++) {
            corpus.add(new String[] {"PUT", "/v1/config", validPut.substring(0, cut)});
        }
        for (int cut = 0; cut < validRun.length(); cut++) {
            corpus.add(new String[] {"POST", "/v1/run", validRun.substring(0, cut)});
        }
        String[] putFieldValues = {"null", "1", "true", "[]", "{}", "\"\""};
        for (String field : new String[] {"expectedSha256", "content", "backupSuffix"}) {
            for (String v : putFieldValues) {
                if (field.equals("expectedSha256") && v.equals("null")) {
                    continue; // null is "I expect no file": a 409 here, covered below
                }
                JsonNode n = JSON.readTree(validPut);
                ((com.fasterxml.jackson.databind.node.ObjectNode) n).set(field, JSON.readTree(v));
                corpus.add(new String[] {"PUT", "/v1/config", JSON.writeValueAsString(n)});
            }
        }
        String[] hostile = {"3.9.2; rm -rf /", "3.9.2 && reboot", "`id`", "$(id)", "3.9.2\n", " 3.9.2", "3.9.2\u0000",
            "3.9.2|sh", "../3.9.2", "-rf", "--help", "3.9.2.1", "03.9", "", "\u0663.9.2", "3.9.2 "};
        for (String v : hostile) {
            corpus.add(new String[] {"POST", "/v1/run", JSON.writeValueAsString(JSON.createObjectNode()
                    .put("action", "install").set("args", JSON.createArrayNode().add("switch-version").add(v)))});
        }
        for (String action : new String[] {"exec", "shell", "STOP", "stop ", "install;", "", "run", "isrunning"}) {
            corpus.add(new String[] {"POST", "/v1/run", "{\"action\":\"" + action + "\"}"});
        }
        String[] runBodies = {"{}", "[]", "\"stop\"", "{\"action\":1}", "{\"action\":\"stop\",\"args\":\"x\"}",
            "{\"action\":\"stop\",\"args\":[1]}", "{\"action\":\"stop\",\"timeoutMillis\":-1}",
            "{\"action\":\"stop\",\"timeoutMillis\":\"soon\"}", "{\"action\":\"stop\",\"timeoutMillis\":1.5}",
            "{\"action\":\"stop\",\"cmd\":\"rm\"}", "{\"action\":\"install\",\"args\":[\"sleep\",\"1\",\"2\"]}"};
        for (String b : runBodies) {
            corpus.add(new String[] {"POST", "/v1/run", b});
        }
        corpus.add(new String[] {"PUT", "/v1/config", validPut.replace(sha, "0".repeat(64))});
        corpus.add(new String[] {"PUT", "/v1/config", validPut.replace("\"" + sha + "\"", "null")});
        corpus.add(new String[] {"PUT", "/v1/config", validPut.replace(".bak", "/../x")});
        corpus.add(new String[] {"PUT", "/v1/config", validPut.replace("a=1", "a=\\u0000")});
        corpus.add(new String[] {"PUT", "/v1/config", validPut.replace("a=1", "a=\\u4e2d")});
        corpus.add(new String[] {"PUT", "/v1/config", "{\"x\":\"" + "y".repeat(9 * 1024 * 1024) + "\"}"});
        List<String> before = listing();
        String config = Files.readString(agent.configFile);

        List<String> unexpected = new ArrayList<>();
        for (String[] c : corpus) {
            HttpResponse<String> r = agent.call(c[0], c[1], c[2]);
            String error = r.body().isEmpty() ? "" : JSON.readTree(r.body()).path("error").asText();
            if (!REFUSALS.contains(r.statusCode()) || error.isBlank()) {
                unexpected.add(c[0] + " " + c[1] + " " + c[2].substring(0, Math.min(80, c[2].length())) + " -> "
                        + r.statusCode() + " " + r.body());
            }
        }

        assertTrue(corpus.size() >= 100, "corpus of " + corpus.size());
        assertEquals(List.of(), unexpected);
        assertEquals(config, Files.readString(agent.configFile));
        assertEquals(before, listing(), "no backup, temp file or marker appeared");
        assertEquals("", agent.marker());
    }
}
