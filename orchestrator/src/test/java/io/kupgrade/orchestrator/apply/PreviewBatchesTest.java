package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.gates.Snapshots;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.Wave;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kupgrade plan} with {@code rollout.maxParallel > 1}: the batches it would use. */
class PreviewBatchesTest {
    @TempDir
    Path dir;

    Path parallelPlan() throws IOException {
        Path p = dir.resolve("plan.yaml");
        Files.writeString(p, PreviewServiceTest.SANDBOX_PLAN.replace("waves: [1, \"100%\"]",
                "waves: [\"100%\"]\nrollout: {maxParallel: 3}"));
        return p;
    }

    @Test
    void shouldShowTheBrokersByRackOfflineAndSayBatchesAreComputedAtEachStop() throws IOException {
        PlanPreview preview = new PreviewService().preview(parallelPlan(), true);

        PlanPreview.WavePreview wave = preview.phases().get(0).waves().get(0);
        assertEquals(List.of(List.of(1, 4), List.of(2, 5), List.of(3)),
                wave.batches().stream().map(PlanPreview.BatchPreview::brokers).toList());
        assertEquals("r1", wave.batches().get(0).rack());
        assertTrue(wave.batchesNote().contains("computed from the live assignment at each stop"), wave.batchesNote());
        assertEquals("batch-start", preview.phases().get(0).brokerSteps().get(0).step());
        assertTrue(preview.phases().get(0).brokerSteps().get(0).gates().contains("canStop({batch})"));
    }

    @Test
    void shouldShowTheBatchesChosenOnTheLiveAssignmentWithTheControllerAloneLast() throws IOException {
        Plan plan = PlanParser.parse(parallelPlan());
        // 5 brokers on 3 racks, RF 3 rack-aware min ISR 2; broker 5 (r2) is the active controller
        Snapshots s = Snapshots.cluster();
        for (int id = 1; id <= 5; id++) {
            s.brokers(id).rack(id, "r" + ((id - 1) % 3 + 1));
        }
        s.controller(5).minIsr("orders", 2);
        int[][] replicas = {{1, 2, 3}, {4, 5, 3}, {1, 5, 3}, {4, 2, 3}};
        for (int[] r : replicas) {
            s.partition("orders", r, r);
        }
        ClusterSnapshot snapshot = s.build();
        Wave wave = new Wave(0, "all", plan.brokers().stream().sorted((a, b) -> a.id() == 5 ? 1 : b.id() == 5 ? -1
                : Integer.compare(a.id(), b.id())).toList(), null);

        List<PlanPreview.BatchPreview> batches = PreviewService.batches(plan, wave, snapshot);

        assertEquals(List.of(List.of(1, 4), List.of(2), List.of(3), List.of(5)),
                batches.stream().map(PlanPreview.BatchPreview::brokers).toList());
        assertTrue(batches.get(0).reason().contains("rack r1"), batches.get(0).reason());
    }

    @Test
    void shouldShowDedicatedControllersRollingAloneWhateverMaxParallel() throws IOException {
        Path p = parallelPlan();
        Files.writeString(p, Files.readString(p).replace("access:", "  - {id: 101, host: 127.0.0.101, role: controller}\n"
                + "  - {id: 102, host: 127.0.0.102, role: controller}\naccess:").replace("zookeeper: ", "# zookeeper: "));

        PlanPreview preview = new PreviewService().preview(p, true);

        PlanPreview.WavePreview controllers = preview.phases().get(0).waves().get(1);
        assertEquals("controllers", controllers.name());
        assertEquals(List.of(List.of(101), List.of(102)),
                controllers.batches().stream().map(PlanPreview.BatchPreview::brokers).toList());
    }

    @Test
    void shouldShowNoBatchesWhenBrokersRollOneAtATime() throws IOException {
        Path p = dir.resolve("one.yaml");
        Files.writeString(p, PreviewServiceTest.SANDBOX_PLAN);

        PlanPreview preview = new PreviewService().preview(p, true);

        preview.phases().get(0).waves().forEach(w -> assertEquals(List.of(), w.batches()));
        assertEquals("pre-stop-gates", preview.phases().get(0).brokerSteps().get(0).step());
    }
}
