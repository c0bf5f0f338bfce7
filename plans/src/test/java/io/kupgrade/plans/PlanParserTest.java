package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid plans: defaults, secrets, warnings and the facts the engine reads from a plan. */
class PlanParserTest {
    private static final String MINIMAL = """
            apiVersion: kupgrade/v1
            cluster:
              name: c1
              bootstrapServers: localhost:9092
            service:
              configFile: /etc/kafka/server.properties
              stop: systemctl stop kafka
              start: systemctl start kafka
              isRunning: systemctl is-active kafka
            phases:
              - name: restart
            """;

    private static Plan parse(String text) {
        return new PlanParser(Map.<String, String>of()::get).read(text, "plan.yaml");
    }

    @Test
    void minimalPlanGetsTheDocumentedDefaults() {
        Plan plan = parse(MINIMAL);

        assertEquals("kupgrade/v1", plan.apiVersion());
        assertEquals("ssh", plan.access().executor());
        AccessSpec.SshSpec ssh = plan.access().ssh();
        assertEquals(22, ssh.port());
        assertEquals("~/.ssh/known_hosts", ssh.knownHosts());
        assertEquals(Duration.ofSeconds(10), ssh.connectTimeout());
        assertNull(ssh.user());
        assertNull(ssh.passphrase());
        assertEquals(new GateSettings(Duration.ofSeconds(1), Duration.ofMinutes(15), 2), plan.gates());
        assertEquals(Duration.ofMinutes(5), plan.service().stopTimeout());
        assertEquals(Duration.ofMinutes(2), plan.service().startTimeout());
        assertEquals(List.of(new WaveSpec("canary", new WaveSpec.WaveSize(1, false), Duration.ZERO),
                new WaveSpec("wave-2", new WaveSpec.WaveSize(100, true), Duration.ZERO)), plan.waves());
        assertEquals(List.of(), plan.brokers());
        assertFalse(plan.cluster().zookeeperMode());
        assertTrue(plan.phases().get(0).isRollingRestart());
        assertFalse(plan.phases().get(0).pointOfNoReturn());
        assertEquals(List.of(), plan.warnings());
    }

    @Test
    void sha256IsOfTheFileBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, MINIMAL);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(MINIMAL.getBytes(StandardCharsets.UTF_8)));

        Plan plan = PlanParser.parse(file);

        assertEquals(expected, plan.sha256());
        assertEquals(file, plan.source());
    }

    @Test
    void setValuesAreTextAsWritten() {
        Plan plan = parse(MINIMAL + """
                    set:
                      num.io.threads: 16
                      auto.create.topics.enable: false
                      log.retention.hours: 168
                      ssl.endpoint.identification.algorithm: ""
                      inter.broker.protocol.version: "3.9"
                    unset: [log.message.format.version]
                """.indent(0).replace("\n    ", "\n    "));

        Map<String, String> set = plan.phases().get(0).set();
        assertEquals("16", set.get("num.io.threads"));
        assertEquals("false", set.get("auto.create.topics.enable"));
        assertEquals("", set.get("ssl.endpoint.identification.algorithm"));
        assertEquals("3.9", set.get("inter.broker.protocol.version"));
        assertEquals(List.of("log.message.format.version"), plan.phases().get(0).unset());
        assertEquals(List.of("num.io.threads", "auto.create.topics.enable", "log.retention.hours",
                "ssl.endpoint.identification.algorithm", "inter.broker.protocol.version"),
                List.copyOf(set.keySet()), "set keeps the plan's order");
    }

    @Test
    void secretReferencesAreMaskedAndResolvedOnlyOnReveal() {
        Plan plan = new PlanParser(Map.of("ADMIN_JAAS", "the-jaas-line", "PASS", "s3cret")::get).read(
                MINIMAL.replace("  bootstrapServers: localhost:9092\n", """
                          bootstrapServers: localhost:9092
                          clientProperties:
                            security.protocol: SASL_SSL
                            sasl.jaas.config: ${env:ADMIN_JAAS}
                            ssl.truststore.password: changeit
                        """) + "access:\n  ssh: {user: kafka, passphrase: \"${env:PASS}\"}\n", "plan.yaml");

        Map<String, Secret> props = plan.cluster().clientProperties();
        assertEquals("SASL_SSL", props.get("security.protocol").masked());
        assertEquals("${env:ADMIN_JAAS}", props.get("sasl.jaas.config").masked());
        assertEquals("${env:ADMIN_JAAS}", props.get("sasl.jaas.config").toString());
        assertEquals("the-jaas-line", props.get("sasl.jaas.config").reveal());
        assertEquals("******", props.get("ssl.truststore.password").masked());
        assertEquals("******", props.get("ssl.truststore.password").toString());
        assertEquals("changeit", props.get("ssl.truststore.password").reveal());
        assertEquals("s3cret", plan.access().ssh().passphrase().reveal());
        assertFalse(plan.toString().contains("changeit"), "a printed plan shows no literal secret");
        assertEquals(List.of("plan.yaml:8:30: cluster.clientProperties.ssl.truststore.password: secret written "
                + "literally in the plan; prefer ${env:NAME} or ${file:PATH} so the plan can be shared and reviewed"),
                plan.warnings().stream().map(PlanProblem::toString).toList());
    }

    @Test
    void unsetEnvironmentVariableFailsOnRevealWithItsLocationAndName() {
        Plan plan = parse(MINIMAL.replace("  bootstrapServers: localhost:9092\n",
                "  bootstrapServers: localhost:9092\n  clientProperties:\n    sasl.jaas.config: ${env:NOT_SET}\n"));

        PlanException e = assertThrows(PlanException.class,
                () -> plan.cluster().clientProperties().get("sasl.jaas.config").reveal());

        assertEquals("plan.yaml:6:23: cluster.clientProperties.sasl.jaas.config: environment variable NOT_SET is "
                + "not set (referenced as ${env:NOT_SET})", e.problems().get(0).toString());
    }

    @Test
    void fileSecretsResolveAgainstThePlanDirectoryWithoutTheTrailingNewline(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("jaas.txt"), "line-from-file\n");
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, MINIMAL.replace("  bootstrapServers: localhost:9092\n",
                "  bootstrapServers: localhost:9092\n  clientProperties:\n    sasl.jaas.config: ${file:jaas.txt}\n"
                        + "    ssl.keystore.password: ${file:missing.txt}\n"));

        Plan plan = PlanParser.parse(file);

        assertEquals("line-from-file", plan.cluster().clientProperties().get("sasl.jaas.config").reveal());
        PlanException e = assertThrows(PlanException.class,
                () -> plan.cluster().clientProperties().get("ssl.keystore.password").reveal());
        assertEquals(file + ":7:28: cluster.clientProperties.ssl.keystore.password: cannot read secret file "
                + dir.resolve("missing.txt") + " (no such file)", e.problems().get(0).toString());
    }

    @Test
    void referencesInsideAValueResolveEach() {
        Plan plan = new PlanParser(Map.of("U", "admin", "P", "pw")::get).read(MINIMAL.replace(
                "  bootstrapServers: localhost:9092\n", "  bootstrapServers: localhost:9092\n  clientProperties:\n"
                        + "    sasl.jaas.config: 'PlainLoginModule required username=\"${env:U}\" password=\"${env:P}\";'\n"),
                "plan.yaml");

        Secret jaas = plan.cluster().clientProperties().get("sasl.jaas.config");
        assertEquals("PlainLoginModule required username=\"admin\" password=\"pw\";", jaas.reveal());
        assertEquals("******", jaas.masked());
    }

    @Test
    void protocolBumpIsAPointOfNoReturnEvenWhenNotMarked() {
        Plan plan = parse(MINIMAL.replace("  bootstrapServers: localhost:9092\n",
                "  bootstrapServers: localhost:9092\n  zookeeper: localhost:2181\n") + """
                    set: {inter.broker.protocol.version: "3.8"}
                  - name: protocol
                    set: {inter.broker.protocol.version: "3.9"}
                """);

        PhaseSpec protocol = plan.phases().get(1);
        assertTrue(protocol.pointOfNoReturn());
        assertEquals(List.of("raises inter.broker.protocol.version from 3.8 to 3.9; the cluster can no longer be "
                + "downgraded"), protocol.pointOfNoReturnReasons());
        assertFalse(plan.phases().get(0).pointOfNoReturn());
        assertEquals(List.of("plan.yaml:15:42: phases[1].set.inter.broker.protocol.version: phase 'protocol' raises "
                + "inter.broker.protocol.version from 3.8 to 3.9, after which it cannot be rolled back; it is treated "
                + "as a point of no return: add pointOfNoReturn: true to say so"),
                plan.warnings().stream().map(PlanProblem::toString).toList());
    }

    @Test
    void finalizeIsAPointOfNoReturn() {
        Plan plan = parse(MINIMAL + "    version: 4.1.1\n    pointOfNoReturn: true\n"
                + "    finalize: {metadataVersion: \"4.1\"}\n");

        PhaseSpec phase = plan.phases().get(0);
        assertTrue(phase.pointOfNoReturn());
        assertEquals("4.1", phase.finalizeMetadataVersion());
        assertEquals(List.of("finalizes metadata.version 4.1; a finalized "
                + "metadata.version can usually not be downgraded"), phase.pointOfNoReturnReasons());
        assertEquals(List.of(), plan.warnings());
    }

    @Test
    void pluginSettingsAreKeptWithAWarning() {
        Plan plan = parse(MINIMAL + "    set: {cruise.control.metrics.topic: __CruiseControlMetrics}\n");

        assertEquals("__CruiseControlMetrics", plan.phases().get(0).set().get("cruise.control.metrics.topic"));
        assertEquals(List.of("plan.yaml:12:11: phases[0].set.cruise.control.metrics.topic: "
                + "'cruise.control.metrics.topic' is not a broker setting of Kafka 2.8 to 4.1; kept as a plugin's "
                + "setting (authorizer, metrics reporter, ...)"),
                plan.warnings().stream().map(PlanProblem::toString).toList());
    }

    @Test
    void perListenerOverridesAreAccepted() {
        Plan plan = parse(MINIMAL + "    set: {listener.name.internal.ssl.keystore.location: /etc/kafka/ks.jks}\n");

        assertEquals(List.of(), plan.warnings());
    }

    @Test
    void wavesMayMixCountsPercentagesAndNamedWaves() {
        Plan plan = parse(MINIMAL + "waves: [1, \"3\", {size: \"50%\", soak: 1h}, {name: rest, size: \"100%\"}]\n");

        assertEquals(List.of("canary", "wave-2", "wave-3", "rest"), plan.waves().stream().map(WaveSpec::name).toList());
        assertEquals(new WaveSpec.WaveSize(3, false), plan.waves().get(1).size());
        assertEquals(new WaveSpec.WaveSize(50, true), plan.waves().get(2).size());
        assertEquals(Duration.ofHours(1), plan.waves().get(2).soak());
    }

    @Test
    void localExecutorHasNoSsh() {
        Plan plan = parse(MINIMAL + "access: {executor: local}\n");

        assertEquals("local", plan.access().executor());
        assertNull(plan.access().ssh());
    }

    @Test
    void allProblemsOfAFileAreReportedTogetherInDocumentOrder() {
        PlanException e = assertThrows(PlanException.class, () -> parse(MINIMAL.replace("name: c1", "nmae: c1")
                + "    pointOfNoRetrun: true\n"));

        assertEquals(List.of("plan.yaml:3:3: cluster.nmae: unknown field 'nmae' — did you mean 'name'?",
                "plan.yaml:3:3: cluster.name: missing required field 'name'",
                "plan.yaml:12:5: phases[0].pointOfNoRetrun: unknown field 'pointOfNoRetrun' — did you mean "
                        + "'pointOfNoReturn'?"),
                e.problems().stream().map(PlanProblem::toString).toList());
    }

    @Test
    void missingFileIsOneLocatedProblem(@TempDir Path dir) {
        PlanException e = assertThrows(PlanException.class, () -> PlanParser.parse(dir.resolve("nope.yaml")));

        assertEquals(dir.resolve("nope.yaml") + ": cannot read the plan: no such file", e.getMessage());
    }

    @Test
    void pinningOnlyAnOldProtocolWarnsThatTheMessageFormatIsNotPinned() {
        Plan plan = parse(MINIMAL.replace("  bootstrapServers: localhost:9092\n",
                "  bootstrapServers: localhost:9092\n  zookeeper: localhost:2181\n") + """
                    version: 2.0.1
                    set: {inter.broker.protocol.version: "0.10.2"}
                """);

        assertEquals(List.of("plan.yaml:13:14: phases[0].version: log.message.format.version is not pinned: unless "
                + "server.properties already sets it, Kafka 2.0.1 uses a newer message format than "
                + "inter.broker.protocol.version 0.10.2 allows and refuses to start; pin log.message.format.version "
                + "to 0.10.2 as well"), plan.warnings().stream().map(PlanProblem::toString).toList());
    }

    @Test
    void yesIsNotABooleanForPointOfNoReturn() {
        PlanException e = assertThrows(PlanException.class, () -> parse(MINIMAL + "    pointOfNoReturn: yes\n"));

        assertEquals("plan.yaml:12:22: phases[0].pointOfNoReturn: expected true or false, got 'yes'",
                e.getMessage());
    }

    @Test
    void relativeCommandConfigIsThePlanDirectorys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, MINIMAL.replace("  bootstrapServers: localhost:9092\n",
                "  bootstrapServers: localhost:9092\n  commandConfig: admin.properties\n"));

        assertEquals(dir.resolve("admin.properties").toString(), PlanParser.parse(file).cluster().commandConfig());
    }
}
