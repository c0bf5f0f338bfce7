package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.agent.AgentConfig;
import io.kupgrade.agent.AgentServer;
import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxBroker;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import io.kupgrade.sandbox.load.LoadResult;
import io.kupgrade.sandbox.load.NumberedLoad;
import io.kupgrade.sandbox.load.Verification;
import io.kupgrade.sandbox.load.Verifier;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 6 "the agent: the same upgrade test as apply's, through agents instead of SSH; unauthenticated calls
 * refused": a 3-broker ZooKeeper-mode 3.8.1 cluster is upgraded to 3.9.2 (binaries phase, IBP pinned to 3.8)
 * by a plan with {@code access.executor: agent}, every host action going through a real {@code kupgrade agent}
 * (one {@link AgentServer} per broker host, bound to the broker's loopback address) that allow-lists only the
 * sandbox's stop/start/is-running/switch-version scripts and the broker's config file, while an acks=all
 * producer writes numbered records. One cluster for the class; the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentUpgradeIT {
    static final String TOPIC = "orders";
    static final String TOKEN = "it-token-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-0123456789";
    static SandboxCluster cluster;
    static Path dir;
    static Path plan;
    static Path state;
    static NumberedLoad load;
    static final List<AgentServer> agents = new ArrayList<>();
    static int port;
    static final Map<Integer, String> originalConfigs = new java.util.HashMap<>();
    static final HttpClient http = HttpClient.newHttpClient();
    static double rollSeconds;

    @BeforeAll
    static void start() throws Exception {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("3.8.1").extraVersions("3.9.2").brokers(3)
                .racks(3).mode(SandboxSpec.Mode.ZOOKEEPER).build());
        System.out.printf("zk sandbox 3.8.1 x3 up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        dir = Files.createTempDirectory("kupgrade-agent-it");
        Path tokenFile = dir.resolve("agent-token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        startAgents(tokenFile);
        for (SandboxBroker b : cluster.brokers()) {
            originalConfigs.put(b.id(), Files.readString(b.configFile(), StandardCharsets.ISO_8859_1));
        }
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        plan = dir.resolve("agent-upgrade.yaml");
        Files.writeString(plan, agentPlan(Files.readString(sandboxPlan), tokenFile));
        state = dir.resolve("state");
        load = NumberedLoad.start(cluster.bootstrapServers(), TOPIC, 100);
    }

    /** One agent per broker host, all on one port (the plan's access.agent.port is the same for every host). */
    static void startAgents(Path tokenFile) {
        for (int attempt = 0; ; attempt++) {
            port = 20000 + ThreadLocalRandom.current().nextInt(30000);
            try {
                for (SandboxBroker b : cluster.brokers()) {
                    AgentConfig config = new AgentConfig(b.host(), port, tokenFile, null, b.configFile(),
                            List.of(b.stopScript().toString()), List.of(b.startScript().toString()),
                            List.of(b.isRunningScript().toString()),
                            Map.of("switch-version", new AgentConfig.Install(List.of(b.switchVersionScript().toString()),
                                    List.of(Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+")))),
                            AgentConfig.DEFAULT_MAX_COMMAND_TIMEOUT, AgentConfig.DEFAULT_MAX_OUTPUT_BYTES);
                    agents.add(AgentServer.start(config));
                }
                return;
            } catch (UncheckedIOException busy) {
                agents.forEach(AgentServer::close);
                agents.clear();
                if (attempt > 10) {
                    throw busy;
                }
            }
        }
    }

    /** The sandbox's plan with access through the agents and a binaries phase named by the agents' install. */
    static String agentPlan(String sandboxPlan, Path tokenFile) {
        String access = "access:\n  executor: agent\n  agent:\n    port: " + port + "\n    token: \"${file:"
                + tokenFile + "}\"\n    connectTimeout: 5s\n";
        String withAgent = sandboxPlan.replace("access:\n  executor: local\n", access);
        if (withAgent.equals(sandboxPlan)) {
            throw new IllegalStateException("the sandbox plan's access section changed:\n" + sandboxPlan);
        }
        int at = withAgent.indexOf("\nwaves:");
        return withAgent.substring(0, at + 1)
                + "waves: [1, \"100%\"]\n"
                + "gates: {pollInterval: 500ms, timeout: 3m, stablePolls: 2}\n"
                + "phases:\n"
                + "  - name: binaries\n"
                + "    install: \"switch-version 3.9.2\"\n"
                + "    version: \"3.9.2\"\n"
                + "    set: {inter.broker.protocol.version: \"3.8\"}\n";
    }

    @AfterAll
    static void stop() {
        if (load != null) {
            load.close();
        }
        agents.forEach(AgentServer::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    static HttpResponse<String> call(SandboxBroker b, String method, String path, String token, String json)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://" + b.host() + ":" + port + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void unauthenticatedOrTamperedCallsAreRefusedAndChangeNothing() throws Exception {
        SandboxBroker b = cluster.brokers().get(0);
        String stop = "{\"action\":\"stop\",\"args\":[],\"timeoutMillis\":60000}";
        String put = "{\"expectedSha256\":null,\"content\":\"broker.id=666\\n\",\"backupSuffix\":\".evil.bak\"}";

        List<Integer> unauthenticated = List.of(
                call(b, "POST", "/v1/run", null, stop).statusCode(),
                call(b, "POST", "/v1/run", "wrong-" + TOKEN, stop).statusCode(),
                call(b, "PUT", "/v1/config", null, put).statusCode(),
                call(b, "PUT", "/v1/config", TOKEN.substring(0, TOKEN.length() - 1), put).statusCode(),
                call(b, "GET", "/v1/config", "Bearer", null).statusCode());
        int injected = call(b, "POST", "/v1/run", TOKEN,
                "{\"action\":\"install\",\"args\":[\"switch-version\",\"3.9.2; rm -rf /\"],\"timeoutMillis\":60000}")
                .statusCode();

        assertEquals(List.of(401, 401, 401, 401, 401), unauthenticated);
        assertEquals(403, injected, "an argument outside the allow-list");
        assertTrue(cluster.isRunning(b.id()), "the broker was not stopped");
        assertEquals(originalConfigs.get(b.id()), Files.readString(b.configFile(), StandardCharsets.ISO_8859_1));
        try (var files = Files.list(b.configFile().getParent())) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().contains("evil")), "no backup written");
        }
        assertEquals("3.8.1", cluster.reportedVersion(b.id()));
    }

    @Test
    @Order(2)
    void theUpgradeThroughTheAgentsRollsEveryBrokerToTheNewVersion() {
        long t = System.nanoTime();
        RollOutcome o = new ApplyService().apply(new ApplyRequest(plan, Selection.all(), true, state),
                ItSupport.printer("agent"), RollRunner.Confirmer.NEVER, () -> false);
        rollSeconds = (System.nanoTime() - t) / 1e9;
        System.out.println(DemoRunner.summaryTable(o.brokers()));

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertTrue(o.planDone());
        for (SandboxBroker b : cluster.brokers()) {
            assertEquals("3.9.2", cluster.reportedVersion(b.id()), "broker " + b.id() + " app-info version");
        }
        List<Integer> done = ItSupport.succeeded(ItSupport.journal(state, cluster.name()), "broker-done").stream()
                .map(JournalEntry::brokerId).toList();
        assertEquals(3, done.stream().distinct().count(), "each broker once: " + done);
    }

    @Test
    @Order(3)
    void theAgentsEditedEachConfigAndKeptTheJournaledBackup() throws Exception {
        List<JournalEntry> edits = ItSupport.succeeded(ItSupport.journal(state, cluster.name()), "edit-config");
        assertEquals(3, edits.size());
        for (JournalEntry e : edits) {
            SandboxBroker b = cluster.broker(e.brokerId());
            Path backup = Path.of(e.details().get(Journaling.BACKUP));
            assertEquals(b.configFile().getParent(), backup.getParent(), "beside the config file");
            assertTrue(backup.getFileName().toString().startsWith("server.properties.kupgrade-binaries-"), backup.toString());
            assertEquals(originalConfigs.get(b.id()), Files.readString(backup, StandardCharsets.ISO_8859_1),
                    "the backup is the config as it was before the roll");
            String now = Files.readString(b.configFile(), StandardCharsets.ISO_8859_1);
            assertTrue(now.contains("inter.broker.protocol.version=3.8"), now);
        }
    }

    @Test
    @Order(4)
    void theProducerLostNothingAcknowledged() {
        LoadResult produced = load.stop();
        Verification v = Verifier.verify(cluster.bootstrapServers(), TOPIC, produced.acked());

        System.out.printf("agent upgrade: %d sent, %d acked, %d failed; %s; roll wall time %.1f s%n", produced.sent(),
                produced.ackedCount(), produced.failed(), v, rollSeconds);
        assertTrue(produced.ackedCount() > 1000, "the load ran the whole time: " + produced.ackedCount());
        assertEquals(0, v.lost(), v.toString());
        assertEquals(produced.ackedCount(), v.acked());
    }
}
