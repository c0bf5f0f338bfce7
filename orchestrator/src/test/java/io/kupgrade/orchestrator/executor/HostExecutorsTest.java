package io.kupgrade.orchestrator.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.executor.local.LocalExecutor;
import io.kupgrade.orchestrator.executor.ssh.SshExecutor;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.Plan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostExecutorsTest {

    private static Plan plan(AccessSpec access) {
        return new Plan(Path.of("/etc/kupgrade/prod/plan.yaml"), "sha", "v1", null, List.of(), access, null,
                List.of(), null, List.of(), List.of());
    }

    @Test
    void shouldBuildALocalExecutorForExecutorLocal() {
        try (HostExecutor executor = HostExecutors.forPlan(plan(new AccessSpec("local", null)))) {
            assertInstanceOf(LocalExecutor.class, executor);
        }
    }

    @Test
    void shouldBuildAnSshExecutorWithPathsRelativeToThePlan() {
        AccessSpec.SshSpec ssh = new AccessSpec.SshSpec("kafka", 2222, "keys/id_ed25519", null, "known_hosts",
                Duration.ofSeconds(3));

        try (HostExecutor executor = HostExecutors.forPlan(plan(new AccessSpec("ssh", ssh)))) {
            SshExecutor sshExecutor = assertInstanceOf(SshExecutor.class, executor);
            assertEquals(Path.of("/etc/kupgrade/prod/keys/id_ed25519"), sshExecutor.settings().identityFile());
            assertEquals(Path.of("/etc/kupgrade/prod/known_hosts"), sshExecutor.settings().knownHosts());
            assertEquals("kafka", sshExecutor.settings().user());
            assertEquals(2222, sshExecutor.settings().port());
        }
    }

    @Test
    void shouldCarryThePlansSudoToTheSshExecutor() {
        AccessSpec.SshSpec ssh = new AccessSpec.SshSpec("kafka-deploy", 22, null, null, "known_hosts",
                Duration.ofSeconds(3), true);

        try (HostExecutor executor = HostExecutors.forPlan(plan(new AccessSpec("ssh", ssh)))) {
            assertTrue(((SshExecutor) executor).settings().sudo());
        }
        try (HostExecutor executor = HostExecutors.forPlan(plan(new AccessSpec("ssh",
                new AccessSpec.SshSpec("u", 22, null, null, "known_hosts", Duration.ofSeconds(3)))))) {
            assertFalse(((SshExecutor) executor).settings().sudo(), "sudo is off unless the plan asks");
        }
    }

    @Test
    void shouldExpandTheHomeDirectoryInPaths() {
        AccessSpec.SshSpec ssh = new AccessSpec.SshSpec(null, 22, null, null, "~/.ssh/known_hosts",
                Duration.ofSeconds(3));

        try (HostExecutor executor = HostExecutors.forPlan(plan(new AccessSpec("ssh", ssh)))) {
            SshExecutor sshExecutor = (SshExecutor) executor;
            assertEquals(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"),
                    sshExecutor.settings().knownHosts());
            assertEquals(System.getProperty("user.name"), sshExecutor.settings().user());
        }
    }

    @Test
    void shouldRefuseAnUnknownExecutorKind() {
        assertThrows(IllegalArgumentException.class, () -> HostExecutors.forPlan(plan(new AccessSpec("telnet", null))));
        // agent is a known kind now, but needs its settings
        assertThrows(IllegalArgumentException.class, () -> HostExecutors.forPlan(plan(new AccessSpec("agent", null))));
    }
}
