package io.kupgrade.orchestrator.executor;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.executor.agent.AgentExecutor;
import io.kupgrade.orchestrator.executor.local.LocalExecutor;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Secret;
import io.kupgrade.plans.ServiceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingExecutorTest {
    static final Secret TOKEN = new Secret() {
        @Override
        public String reveal() {
            return "0123456789abcdef0123";
        }

        @Override
        public String masked() {
            return "******";
        }
    };
    static final AccessSpec LOCAL_WITH_AGENT = new AccessSpec("local", null,
            new AccessSpec.AgentSpec(7070, TOKEN, Duration.ofSeconds(1), null));
    static final ServiceSpec SERVICE = new ServiceSpec("/srv/{broker.id}/server.properties", "stop", "start",
            "running", null, null);

    static Plan plan(List<BrokerSpec> brokers) {
        return new Plan(Path.of("/tmp/plan.yaml"), "sha", "v1", null, brokers, LOCAL_WITH_AGENT, SERVICE, List.of(),
                null, List.of(), List.of());
    }

    @Test
    void shouldSendEachHostToItsBrokersExecutorAndOthersToThePlans() {
        Plan plan = plan(List.of(new BrokerSpec(1, "h1", null, null), new BrokerSpec(2, "h2", null, null, "agent"),
                new BrokerSpec(3, "h3", null, null, "local")));

        try (HostExecutor executor = HostExecutors.forPlan(plan)) {
            RoutingExecutor routing = assertInstanceOf(RoutingExecutor.class, executor);
            assertInstanceOf(LocalExecutor.class, routing.route("h1"));
            assertInstanceOf(AgentExecutor.class, routing.route("h2"));
            assertSame(routing.route("h1"), routing.route("h3"), "one executor per kind");
            assertSame(routing.route("h1"), routing.route("not-in-plan"), "the plan's executor for other hosts");
        }
    }

    @Test
    void shouldKeepASingleExecutorWhenNoBrokerDiffers() {
        Plan plan = plan(List.of(new BrokerSpec(1, "h1", null, null), new BrokerSpec(2, "h2", null, null, "local")));

        try (HostExecutor executor = HostExecutors.forPlan(plan)) {
            assertInstanceOf(LocalExecutor.class, executor);
        }
    }

    @Test
    void shouldRefuseBrokersOnOneHostWithDifferentExecutors() {
        Plan plan = plan(List.of(new BrokerSpec(1, "h1", null, null), new BrokerSpec(2, "h1", null, null, "agent")));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostExecutors.forPlan(plan));

        assertTrue(e.getMessage().contains("brokers 1 and 2 share host h1"), e.getMessage());
    }

    @Test
    void shouldRefuseAHostNoExecutorServesWhenThePlansOwnIsUnused() {
        Plan plan = new Plan(Path.of("/tmp/plan.yaml"), "sha", "v1", null,
                List.of(new BrokerSpec(1, "h1", null, null, "agent")), new AccessSpec("ssh", null,
                LOCAL_WITH_AGENT.agent()), SERVICE, List.of(), null, List.of(), List.of());

        try (HostExecutor executor = HostExecutors.forPlan(plan)) {
            RoutingExecutor routing = assertInstanceOf(RoutingExecutor.class, executor);
            assertInstanceOf(AgentExecutor.class, routing.route("h1"));
            assertThrows(HostAccessException.class, () -> routing.route("h9"));
        }
    }
}
