package io.kupgrade.orchestrator.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.config.PropertiesEditor;
import io.kupgrade.orchestrator.journal.InMemoryJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.journal.RedactingJournal;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {
    private final SecretRedactor redactor = SecretRedactor.of(List.of("hunter2!", "it's:s=cr\\et"));

    @Test
    void shouldMaskASecretWhereverItAppears() {
        assertEquals("curl -u admin:****** http://x && echo ******",
                redactor.redact("curl -u admin:hunter2! http://x && echo hunter2!"));
    }

    @Test
    void shouldMaskTheShellQuotedFormOfASecret() {
        String command = "kafka-configs --password '" + "it's:s=cr\\et".replace("'", "'\\''") + "'";

        assertEquals("kafka-configs --password '******'", redactor.redact(command));
    }

    @Test
    void shouldMaskThePropertiesEscapedFormOfASecret() {
        String line = "ssl.key.password=" + PropertiesEditor.escapeValue("it's:s=cr\\et");

        assertEquals("ssl.key.password=******", redactor.redact(line));
    }

    @Test
    void shouldMaskShortSecretsOnlyWhereTheyStandAlone() {
        SecretRedactor shortOne = SecretRedactor.of(List.of("42"));

        assertEquals("broker 1420 pw=****** end", shortOne.redact("broker 1420 pw=42 end"));
    }

    @Test
    void shouldMaskSensitiveKeysInConfigDiffsWhateverTheirValues() {
        List<PropertiesEditor.Change> changes = List.of(
                new PropertiesEditor.Change("sasl.jaas.config", null, "org.Plain required password=\"x\";"),
                new PropertiesEditor.Change("ssl.keystore.password", "old", "new"),
                new PropertiesEditor.Change("inter.broker.protocol.version", "3.8", "3.9"),
                new PropertiesEditor.Change("listener.name.x.note", "uses hunter2!", null));

        List<PropertiesEditor.Change> shown = redactor.redact(changes);

        assertEquals(List.of(
                new PropertiesEditor.Change("sasl.jaas.config", null, "******"),
                new PropertiesEditor.Change("ssl.keystore.password", "******", "******"),
                new PropertiesEditor.Change("inter.broker.protocol.version", "3.8", "3.9"),
                new PropertiesEditor.Change("listener.name.x.note", "uses ******", null)), shown);
    }

    @Test
    void shouldMaskCommandOutput() {
        CommandResult r = redactor.redact(new CommandResult(1, "pw hunter2!", "bad hunter2!", false));

        assertEquals(new CommandResult(1, "pw ******", "bad ******", false), r);
    }

    @Test
    void shouldJournalEntriesWithSecretsMasked() {
        InMemoryJournal store = new InMemoryJournal();
        RedactingJournal journal = new RedactingJournal(store, redactor);

        journal.append(new JournalEntry(Instant.EPOCH, "sha", "p", "w", 1, "stop", "failed",
                Map.of("command", "stop --pw hunter2!", "stderr", "denied")));

        assertEquals(Map.of("command", "stop --pw ******", "stderr", "denied"),
                store.entries().get(0).details());
    }

    @Test
    void shouldCollectThePlansSecretsAndSkipUnresolvableOnes() {
        Plan plan = new Plan(Path.of("plan.yaml"), "sha", "v1",
                new ClusterSpec("c", "b:9092", null, Map.of("sasl.jaas.config", secret("jaas-secret-value"),
                        "ssl.truststore.password", unresolvable()), null),
                List.of(), new AccessSpec("ssh", new AccessSpec.SshSpec("u", 22, "k", secret("key-passphrase"),
                        "kh", Duration.ofSeconds(1))), null, List.of(), null, List.of(), List.of());

        SecretRedactor fromPlan = SecretRedactor.forPlan(plan);

        String text = fromPlan.redact("a jaas-secret-value and key-passphrase");
        assertEquals("a ****** and ******", text);
        assertFalse(text.contains("secret-value"));
    }

    @Test
    void shouldLeaveTextWithoutSecretsAlone() {
        assertEquals("nothing here", redactor.redact("nothing here"));
        assertEquals(null, redactor.redact((String) null));
        assertTrue(SecretRedactor.isSensitiveKey("ssl.keystore.key"));
        assertFalse(SecretRedactor.isSensitiveKey("log.dirs"));
    }

    private static Secret secret(String value) {
        return new Secret() {
            @Override
            public String reveal() {
                return value;
            }

            @Override
            public String masked() {
                return SecretRedactor.MASK;
            }
        };
    }

    private static Secret unresolvable() {
        return new Secret() {
            @Override
            public String reveal() {
                throw new IllegalStateException("${env:NOPE} is not set");
            }

            @Override
            public String masked() {
                return "${env:NOPE}";
            }
        };
    }
}
