package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kupgrade.gates.Snapshots;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A plan's dedicated KRaft controllers checked against the cluster before apply touches anything. */
class LayoutsTest {
    private static final String PLAN = """
            apiVersion: kupgrade/v1
            cluster: {name: c1, bootstrapServers: "k1:9092"}
            brokers:
              - {id: 1, host: k1}
              - {id: 2, host: k2}
              - {id: 101, host: c1, role: controller}
              - {id: 102, host: c2, role: controller}
            access: {executor: local}
            service: {configFile: "/etc/{role}.properties", stop: stop, start: start, isRunning: running}
            waves: [1, "100%"]
            phases:
              - name: restart
            """;

    private static Plan plan(String text) {
        return new PlanParser(Map.<String, String>of()::get).read(text, "plan.yaml");
    }

    @Test
    void shouldAcceptControllersThatAreVotersAndNotBrokers() {
        assertEquals(Optional.empty(), Layouts.controllerMismatch(plan(PLAN),
                Snapshots.cluster().brokers(1, 2).kraft(101, 102, 103).controller(101).build()));
    }

    @Test
    void shouldNameListedControllersThatAreNoVotersOrAreBrokers() {
        assertEquals(Optional.of("nodes [102] are listed with role: controller but are not voters of the metadata"
                        + " quorum (voters [101, 103, 104])"),
                Layouts.controllerMismatch(plan(PLAN), Snapshots.cluster().brokers(1, 2).kraft(101, 103, 104)
                        .build()));
        assertEquals(Optional.of("nodes [101] are listed with role: controller but are registered brokers: only"
                        + " dedicated controllers (process.roles=controller) take that role"),
                Layouts.controllerMismatch(plan(PLAN), Snapshots.cluster().brokers(1, 2, 101).kraft(101, 102, 103)
                        .build()));
        assertEquals(Optional.of("the metadata quorum has 2 voters, which cannot lose one: its controllers cannot roll"
                + " without stopping the quorum (leave them out of the plan, or add voters first)"),
                Layouts.controllerMismatch(plan(PLAN), Snapshots.cluster().brokers(1, 2).kraft(101, 102).build()));
        assertEquals(Optional.of("the plan lists dedicated KRaft controllers [101, 102] (role: controller), but the"
                + " cluster is not in KRaft mode"), Layouts.controllerMismatch(plan(PLAN),
                Snapshots.cluster().brokers(1, 2).build()));
    }
}
