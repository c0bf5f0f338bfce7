package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code access.executor: agent} and {@code access.agent}: parsed as strictly as {@code access.ssh}. */
class AgentAccessTest {
    private static final String MINIMAL = """
            apiVersion: kupgrade/v1
            cluster:
              name: c1
              bootstrapServers: localhost:9092
            service:
              configFile: /etc/kafka/server.properties
              stop: stop
              start: start
              isRunning: is-running
            phases:
              - name: restart
            """;

    private static Plan parse(String text) {
        return new PlanParser(Map.of("KUPGRADE_AGENT_TOKEN", "t0k3n-from-env-0123456789")::get).read(text,
                "plan.yaml");
    }

    private static List<String> problems(String text) {
        return assertThrows(PlanException.class, () -> parse(text)).problems().stream()
                .map(PlanProblem::toString).toList();
    }

    @Test
    void agentExecutorTakesPortTokenTimeoutAndTls() {
        Plan plan = parse(MINIMAL + """
                access:
                  executor: agent
                  agent:
                    port: 7443
                    token: ${env:KUPGRADE_AGENT_TOKEN}
                    connectTimeout: 3s
                    tls: {truststore: agents.p12, truststorePassword: "${env:KUPGRADE_AGENT_TOKEN}",
                          keystore: me.p12, keystorePassword: "${env:KUPGRADE_AGENT_TOKEN}"}
                """);

        AccessSpec.AgentSpec agent = plan.access().agent();
        assertEquals("agent", plan.access().executor());
        assertNull(plan.access().ssh());
        assertEquals(7443, agent.port());
        assertEquals("t0k3n-from-env-0123456789", agent.token().reveal());
        assertEquals("${env:KUPGRADE_AGENT_TOKEN}", agent.token().masked());
        assertEquals(Duration.ofSeconds(3), agent.connectTimeout());
        assertEquals("agents.p12", agent.tls().truststore());
        assertEquals("me.p12", agent.tls().keystore());
        assertEquals(List.of(), plan.warnings());
        assertFalse(plan.toString().contains("t0k3n"), "the token is never printed");
    }

    @Test
    void agentDefaultsArePort7070AndNoTls() {
        Plan plan = parse(MINIMAL + "access: {executor: agent, agent: {token: \"${env:KUPGRADE_AGENT_TOKEN}\"}}\n");

        assertEquals(7070, plan.access().agent().port());
        assertEquals(Duration.ofSeconds(10), plan.access().agent().connectTimeout());
        assertNull(plan.access().agent().tls());
    }

    @Test
    void agentExecutorWithoutAgentSectionOrTokenIsAnError() {
        assertEquals(List.of("plan.yaml:13:3: access.agent: executor: agent needs an 'agent' section with at least "
                + "the token (agent: {token: \"${env:KUPGRADE_AGENT_TOKEN}\"})"),
                problems(MINIMAL + "access:\n  executor: agent\n"));
        assertEquals(List.of("plan.yaml:13:10: access.agent.token: missing required field 'token'"),
                problems(MINIMAL + "access:\n  agent: {port: 7070}\n  executor: agent\n"));
    }

    @Test
    void unknownAgentFieldsAndBadValuesAreLocated() {
        List<String> p = problems(MINIMAL + """
                access:
                  executor: agent
                  agent:
                    token: ${env:KUPGRADE_AGENT_TOKEN}
                    prot: 7070
                    port: 99999
                    tls: {keystore: me.p12}
                """);

        assertEquals(List.of(
                "plan.yaml:16:5: access.agent.prot: unknown field 'prot' — did you mean 'port'?",
                "plan.yaml:17:11: access.agent.port: port must be between 1 and 65535, got 99999",
                "plan.yaml:18:10: access.agent.tls.keystorePassword: missing required field 'keystorePassword'"), p);
    }

    @Test
    void aLiteralTokenIsMaskedAndWarnedAbout() {
        Plan plan = parse(MINIMAL + "access: {executor: agent, agent: {token: literal-token-0123456789}}\n");

        assertEquals("******", plan.access().agent().token().masked());
        assertEquals(1, plan.warnings().size());
        assertEquals("access.agent.token", plan.warnings().get(0).path());
    }

    @Test
    void agentSettingsWithAnotherExecutorAreIgnoredWithAWarning() {
        Plan plan = parse(MINIMAL + "access: {executor: local, agent: {token: \"${env:KUPGRADE_AGENT_TOKEN}\"}}\n");

        assertNull(plan.access().agent());
        assertEquals("access.agent", plan.warnings().get(0).path());
    }

    @Test
    void unknownExecutorSuggestsAgent() {
        assertEquals(List.of("plan.yaml:12:20: access.executor: unknown executor 'agnet': use ssh, local or agent"
                + " — did you mean 'agent'?"), problems(MINIMAL + "access: {executor: agnet}\n"));
    }
}
