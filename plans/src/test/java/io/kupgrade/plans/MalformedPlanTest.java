package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One malformed plan per test (src/test/resources/malformed/NAME.yaml): each must fail with exactly one
 * problem, at the line and column where the mistake is written, naming the field path and saying what is
 * wrong in the words a user sees.
 */
class MalformedPlanTest {

    static Path resource(String name) {
        try {
            return Path.of(MalformedPlanTest.class.getResource("/malformed/" + name + ".yaml").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("no test plan " + name, e);
        }
    }

    static List<PlanProblem> problemsOf(String name) {
        Path file = resource(name);
        PlanException e = assertThrows(PlanException.class,
                () -> new PlanParser(Map.<String, String>of()::get).read(file));
        for (PlanProblem p : e.problems()) {
            assertEquals(file.toString(), p.file(), "every problem names the plan file");
        }
        return e.problems();
    }

    static void assertOnlyProblem(String name, int line, int column, String path, String message) {
        List<PlanProblem> problems = problemsOf(name);
        assertEquals(1, problems.size(), () -> "expected one problem, got " + problems);
        PlanProblem p = problems.get(0);
        assertEquals(message, p.message());
        assertEquals(path, p.path(), "field path");
        assertEquals(line, p.line(), "line");
        assertEquals(column, p.column(), "column");
    }

    @Test
    void rejectsBadDuration() {
        assertOnlyProblem("bad-duration", 11, 12, "gates.timeout",
                "invalid duration '15 minutes': write a number with a unit (d, h, m, s, ms), e.g. 500ms, 30s, 15m, 2h, 1h30m");
    }

    @Test
    void rejectsBootstrapWithoutPort() {
        assertOnlyProblem("bootstrap-without-port", 4, 21, "cluster.bootstrapServers",
                "'kafka-2.example' is not host:port (e.g. kafka-1.example:9092)");
    }

    @Test
    void rejectsBrokerIdNotAnInteger() {
        assertOnlyProblem("broker-id-not-an-integer", 11, 10, "brokers[0].id",
                "expected an integer, got a string ('one')");
    }

    @Test
    void rejectsDuplicateBrokerId() {
        assertOnlyProblem("duplicate-broker-id", 13, 10, "brokers[2].id",
                "duplicate broker id 1 (first given on line 11)");
    }

    @Test
    void rejectsDuplicateKey() {
        assertOnlyProblem("duplicate-key", 13, 5, "phases[0].install",
                "duplicate key 'install' (first given on line 12)");
    }

    @Test
    void rejectsDuplicatePhaseName() {
        assertOnlyProblem("duplicate-phase-name", 12, 11, "phases[1].name",
                "duplicate phase name 'restart' (first used on line 11)");
    }

    @Test
    void rejectsDuplicateWaveName() {
        assertOnlyProblem("duplicate-wave-name", 12, 12, "waves[1]",
                "duplicate wave name 'first' (first used on line 11)");
    }

    @Test
    void rejectsDurationWithoutUnit() {
        assertOnlyProblem("duration-without-unit", 11, 12, "gates.timeout",
                "a duration needs a unit: write 900s, 900m or 900ms");
    }

    @Test
    void rejectsEmptyFile() {
        assertOnlyProblem("empty-file", 1, 1, "",
                "the plan is empty");
    }

    @Test
    void rejectsEmptyPhases() {
        assertOnlyProblem("empty-phases", 10, 9, "phases",
                "phases is empty: a plan needs at least one phase");
    }

    @Test
    void rejectsFinalizeInZookeeperMode() {
        assertOnlyProblem("finalize-in-zookeeper-mode", 13, 33, "phases[0].finalize.metadataVersion",
                "metadata.version exists only in KRaft mode, but cluster.zookeeper is set; ZooKeeper-mode clusters raise inter.broker.protocol.version instead");
    }

    @Test
    void rejectsFractionalPercentage() {
        assertOnlyProblem("fractional-percentage", 10, 12, "waves[1]",
                "invalid wave size '12.5%': write a count (3) or a whole percentage of the brokers (\"50%\")");
    }

    @Test
    void rejectsIbpUnquoted() {
        assertOnlyProblem("ibp-unquoted", 13, 38, "phases[0].set.inter.broker.protocol.version",
                "write the version as a quoted string (\"3.10\"): an unquoted 3.10 is a YAML number, and 3.10 would read as 3.1");
    }

    @Test
    void rejectsInvalidClusterName() {
        assertOnlyProblem("invalid-cluster-name", 3, 9, "cluster.name",
                "invalid name 'events eu1': use letters, digits, '.', '_' and '-', starting with a letter or digit");
    }

    @Test
    void rejectsInvalidEnvName() {
        assertOnlyProblem("invalid-env-name", 6, 23, "cluster.clientProperties.sasl.jaas.config",
                "invalid environment variable name in '${env:1JAAS}': use ${env:NAME} with letters, digits and '_'");
    }

    @Test
    void rejectsJmxPortNotANumber() {
        assertOnlyProblem("jmx-port-not-a-number", 11, 37, "brokers[0].jmxPort",
                "expected an integer, got a string ('jmx')");
    }

    @Test
    void rejectsMissingApiVersion() {
        assertOnlyProblem("missing-api-version", 1, 1, "apiVersion",
                "missing required field 'apiVersion'");
    }

    @Test
    void rejectsMissingClusterName() {
        assertOnlyProblem("missing-cluster-name", 3, 3, "cluster.name",
                "missing required field 'name'");
    }

    @Test
    void rejectsMissingService() {
        assertOnlyProblem("missing-service", 1, 1, "service",
                "missing required field 'service'");
    }

    @Test
    void rejectsPercentageAbove100() {
        assertOnlyProblem("percentage-above-100", 10, 12, "waves[1]",
                "wave percentage must be between 1% and 100%, got 150%");
    }

    @Test
    void rejectsPhasesNotAList() {
        assertOnlyProblem("phases-not-a-list", 10, 9, "phases",
                "expected a list, got a string ('restart')");
    }

    @Test
    void rejectsPlanIsAList() {
        assertOnlyProblem("plan-is-a-list", 1, 1, "",
                "a plan is a YAML mapping (apiVersion, cluster, phases, ...), got a list");
    }

    @Test
    void rejectsPointOfNoReturnNotBoolean() {
        assertOnlyProblem("point-of-no-return-not-boolean", 12, 22, "phases[0].pointOfNoReturn",
                "expected true or false, got a string ('yes')");
    }

    @Test
    void rejectsPollIntervalNotBelowTimeout() {
        assertOnlyProblem("poll-interval-not-below-timeout", 10, 23, "gates.pollInterval",
                "pollInterval (1m) must be shorter than timeout (30s)");
    }

    @Test
    void rejectsSecretReferenceOutsideSecrets() {
        assertOnlyProblem("secret-reference-outside-secrets", 8, 10, "service.start",
                "secret references (${env:...}, ${file:...}) are only resolved in cluster.clientProperties, access.ssh.passphrase, access.agent's token and passwords and state.auth");
    }

    @Test
    void rejectsSetAndUnset() {
        assertOnlyProblem("set-and-unset", 13, 13, "phases[0].unset[0]",
                "'num.io.threads' is both set and unset in this phase");
    }

    @Test
    void rejectsSetValueIsAList() {
        assertOnlyProblem("set-value-is-a-list", 13, 17, "phases[0].set.log.dirs",
                "a property value must be a single value, got a list");
    }

    @Test
    void rejectsSetValueMissing() {
        assertOnlyProblem("set-value-missing", 13, 22, "phases[0].set.num.io.threads",
                "no value given; to remove 'num.io.threads' from server.properties, list it under unset");
    }

    @Test
    void rejectsSetValueMultiline() {
        assertOnlyProblem("set-value-multiline", 13, 18, "phases[0].set.listeners",
                "a property value cannot span several lines");
    }

    @Test
    void rejectsSharedHostWithoutBrokerId() {
        assertOnlyProblem("shared-host-without-broker-id", 6, 15, "service.configFile",
                "brokers 1 and 2 share host kafka-1, so configFile must contain {broker.id}");
    }

    @Test
    void rejectsSshPortOutOfRange() {
        assertOnlyProblem("ssh-port-out-of-range", 11, 28, "access.ssh.port",
                "port must be between 1 and 65535, got 70000");
    }

    @Test
    void rejectsTwoDocuments() {
        assertOnlyProblem("two-documents", 13, 1, "",
                "a plan file holds exactly one YAML document; found a second one (remove the '---')");
    }

    @Test
    void rejectsUnknownApiVersion() {
        assertOnlyProblem("unknown-api-version", 1, 13, "apiVersion",
                "unsupported apiVersion 'kupgrade/v2': this kupgrade reads kupgrade/v1");
    }

    @Test
    void rejectsUnknownClusterKeyFar() {
        assertOnlyProblem("unknown-cluster-key-far", 4, 3, "cluster.colour",
                "unknown field 'colour' (known fields: name, bootstrapServers, commandConfig, clientProperties, zookeeper)");
    }

    @Test
    void rejectsUnknownExecutor() {
        assertOnlyProblem("unknown-executor", 11, 13, "access.executor",
                "unknown executor 'sssh': use ssh, local or agent — did you mean 'ssh'?");
    }

    @Test
    void rejectsUnknownPhaseKeyNearMiss() {
        assertOnlyProblem("unknown-phase-key-near-miss", 12, 5, "phases[0].pointOfNoRetrun",
                "unknown field 'pointOfNoRetrun' — did you mean 'pointOfNoReturn'?");
    }

    @Test
    void rejectsUnknownPlaceholder() {
        assertOnlyProblem("unknown-placeholder", 6, 15, "service.configFile",
                "unknown placeholder {brokerid} — did you mean {broker.id}? (known: {broker.id}, {host}, {role})");
    }

    @Test
    void rejectsUnknownRootKey() {
        assertOnlyProblem("unknown-root-key", 10, 1, "gate",
                "unknown field 'gate' — did you mean 'gates'?");
    }

    @Test
    void rejectsWaveSizeNegative() {
        assertOnlyProblem("wave-size-negative", 11, 26, "waves[0].size",
                "wave size must be at least 1, got -1");
    }

    @Test
    void rejectsWaveSizeZero() {
        assertOnlyProblem("wave-size-zero", 10, 9, "waves[0]",
                "wave size must be at least 1, got 0");
    }

    @Test
    void rejectsWaveWithoutSize() {
        assertOnlyProblem("wave-without-size", 11, 5, "waves[0].size",
                "missing required field 'size' (a count such as 3, or a percentage such as \"50%\")");
    }

    @Test
    void rejectsYamlAlias() {
        assertOnlyProblem("yaml-alias", 14, 14, "phases[1].install",
                "YAML aliases (*cmd) are not supported in plans; write the value out");
    }

    @Test
    void rejectsYamlSyntaxError() {
        assertOnlyProblem("yaml-syntax-error", 12, 4, "",
                "YAML syntax error: expected <block end>, but found '<block mapping start>' (while parsing a block collection started on line 11, column 3)");
    }

    // Kafka-aware rules

    @Test
    void rejectsMisspeltBrokerProperty() {
        assertOnlyProblem("misspelt-broker-property", 14, 7, "phases[0].set.inter.broker.protocol.versoin",
                "unknown broker property 'inter.broker.protocol.versoin' — did you mean 'inter.broker.protocol.version'?");
    }

    @Test
    void rejectsMisspeltUnsetProperty() {
        assertOnlyProblem("misspelt-unset-property", 13, 13, "phases[0].unset[0]",
                "unknown broker property 'log.message.fromat.version' — did you mean 'log.message.format.version'?");
    }

    @Test
    void rejectsUnknownProtocolVersion() {
        assertOnlyProblem("unknown-protocol-version", 14, 38, "phases[0].set.inter.broker.protocol.version",
                "'3.10' is not a protocol version Kafka knows; protocol versions go from 0.8.0 to 3.9 (Kafka 4.0 removed inter.broker.protocol.version)");
    }

    @Test
    void rejectsMessageFormatAboveProtocol() {
        assertOnlyProblem("message-format-above-protocol", 15, 35, "phases[0].set.log.message.format.version",
                "log.message.format.version 2.0 can only be used when inter.broker.protocol.version is 0.11.0 or higher, but after phase 'restart' it is 0.10.2: the broker refuses to start");
    }

    @Test
    void rejectsUnknownMetadataVersion() {
        assertOnlyProblem("unknown-metadata-version", 12, 33, "phases[0].finalize.metadataVersion",
                "'3.2' is not a metadata version Kafka knows; metadata versions go from 3.3 to 4.1");
    }

    @Test
    void rejectsFinalizeNewerThanBinaries() {
        assertOnlyProblem("finalize-newer-than-binaries", 13, 33, "phases[0].finalize.metadataVersion",
                "cannot finalize metadata.version 4.1 while brokers run Kafka 4.0.2: the controller refuses a level a node does not support");
    }

    @Test
    void rejectsProtocolNewerThanBinaries() {
        assertOnlyProblem("protocol-newer-than-binaries", 14, 42, "phases[0].set.inter.broker.protocol.version",
                "inter.broker.protocol.version 3.9 is newer than the Kafka 3.8.1 this phase runs: the broker would refuse to start");
    }

    @Test
    void rejectsReleaseWithIv() {
        assertOnlyProblem("release-with-iv", 13, 14, "phases[0].version",
                "'3.9-IV0' is a protocol version; a Kafka release has no -IV suffix (e.g. 3.9.2)");
    }

    @Test
    void rejectsMetadataVersionUnquoted() {
        assertOnlyProblem("metadata-version-unquoted", 12, 33, "phases[0].finalize.metadataVersion",
                "write the version as a quoted string (\"4.1\"): an unquoted 4.1 is a YAML number, and 3.10 would read as 3.1");
    }

    @Test
    void rejectsZookeeperModeToKafka4() {
        assertOnlyProblem("zookeeper-mode-to-kafka-4", 14, 14, "phases[0].version",
                "Kafka 4.1.1 runs only in KRaft mode, but cluster.zookeeper is set: migrate the cluster to KRaft on 3.9 first");
    }

    @Test
    void rejectsYamlBooleanWordAsPropertyValue() {
        assertOnlyProblem("yaml-boolean-word-as-property-value", 13, 34, "phases[0].set.auto.create.topics.enable",
                "'no' is a YAML boolean, and Kafka reads only true and false: write true or false, or quote the value if you mean the text");
    }

    @Test
    void rejectsPropertyNameWithSpace() {
        assertOnlyProblem("property-name-with-space", 13, 7, "phases[0].set.num io threads",
                "'num io threads' is not a property name (letters, digits, '.', '_', '-')");
    }

    @Test
    void rejectsHostWithSpace() {
        assertOnlyProblem("host-with-space", 11, 19, "brokers[0].host",
                "a host name cannot contain spaces: 'kafka 1.example'");
    }

    @Test
    void rejectsUnterminatedQuote() {
        assertOnlyProblem("unterminated-quote", 13, 1, "",
                "YAML syntax error: found unexpected end of stream (while scanning a quoted scalar started on line 12, column 14)");
    }

    @Test
    void rejectsTabIndentation() {
        assertOnlyProblem("tab-indentation", 12, 1, "",
                "YAML syntax error: a tab character; YAML indentation must use spaces");
    }

    @Test
    void rejectsFieldOfAnotherSection() {
        assertOnlyProblem("field-of-another-section", 12, 5, "phases[0].soak",
                "unknown field 'soak': it belongs under waves[]");
    }

    @Test
    void rejectsBrokerPropertyOutsideSet() {
        assertOnlyProblem("broker-property-outside-set", 12, 5, "phases[0].inter.broker.protocol.version",
                "unknown field 'inter.broker.protocol.version': broker properties go under 'set'");
    }
}
