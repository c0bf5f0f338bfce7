package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WavePlannerTest {

    private static final Map<String, List<WaveSpec>> WAVE_SETS = Map.of(
            "[1, 100%]", specs(size(1), pct(100)),
            "[1, 3, 50%, 100%]", specs(size(1), size(3), pct(50), pct(100)),
            "[1, 10%]", specs(size(1), pct(10)),
            "[2]", specs(size(2)),
            "[25%]", specs(pct(25)),
            "[100%]", specs(pct(100)));

    /** 1..60 brokers x 1..4 racks x (no controller, controller = the broker racks would put first, the last). */
    static Stream<Arguments> clusters() {
        List<Arguments> args = new ArrayList<>();
        for (int n = 1; n <= 60; n++) {
            for (int racks = 1; racks <= 4; racks++) {
                List<BrokerSpec> brokers = brokers(n, racks);
                List<OptionalInt> controllers = List.of(OptionalInt.empty(),
                        OptionalInt.of(brokers.get(0).id()), OptionalInt.of(brokers.get(n - 1).id()));
                for (OptionalInt controller : controllers) {
                    args.add(Arguments.of(n, racks, controller));
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} brokers, {1} racks, controller {2}")
    @MethodSource("clusters")
    void expandsEveryClusterShape(int n, int racks, OptionalInt controller) {
        for (String waveSet : WAVE_SETS.keySet()) {
            expandsClusterShape(n, racks, controller, waveSet);
        }
    }

    private static void expandsClusterShape(int n, int racks, OptionalInt controller, String waveSet) {
        List<BrokerSpec> brokers = brokers(n, racks);
        List<WaveSpec> specs = WAVE_SETS.get(waveSet);

        List<Wave> waves = WavePlanner.expand(specs, brokers, controller);

        assertEveryBrokerExactlyOnce(brokers, waves);
        assertEquals(expectedSizes(specs, n, controller.isPresent()),
                waves.stream().map(w -> w.brokers().size()).toList(), () -> "wave sizes for " + waveSet);
        for (int i = 0; i < waves.size(); i++) {
            assertEquals(i, waves.get(i).index());
        }
        if (controller.isPresent()) {
            List<BrokerSpec> last = waves.get(waves.size() - 1).brokers();
            assertEquals(controller.getAsInt(), last.get(last.size() - 1).id(), "controller rolls last");
            if (n > 1) {
                assertFalse(ids(waves.get(0)).contains(controller.getAsInt()), "canary is not the controller");
            }
        }
        assertWavesSpreadOverRacks(waves, controller);
        assertEquals(waves, WavePlanner.expand(specs, brokers, controller), "deterministic");
    }

    @Test
    void sixBrokersOverThreeRacksRollCanaryThenSpreadWavesWithControllerLast() {
        List<BrokerSpec> brokers = brokers(6, 3); // ids 101..106, racks r0 r1 r2 r0 r1 r2

        List<Wave> waves = WavePlanner.expand(specs(size(1), size(3), pct(50), pct(100)), brokers,
                OptionalInt.of(101));

        assertEquals(List.of(List.of(104), List.of(102, 103, 105), List.of(106, 101)),
                waves.stream().map(WavePlannerTest::ids).toList());
        assertEquals(List.of("canary", "wave-2", "wave-3"), waves.stream().map(Wave::name).toList());
    }

    @Test
    void lastSizeRepeatsUntilEveryBrokerIsCovered() {
        List<Wave> waves = WavePlanner.expand(specs(size(1), size(2)), brokers(6, 1), OptionalInt.empty());

        assertEquals(List.of(1, 2, 2, 1), waves.stream().map(w -> w.brokers().size()).toList());
        assertEquals(List.of("canary", "wave-2", "wave-3", "wave-4"), waves.stream().map(Wave::name).toList());
    }

    @Test
    void repeatedNamedWaveIsNumberedAndKeepsItsSoak() {
        List<WaveSpec> specs = List.of(new WaveSpec("first", size(1), Duration.ofMinutes(30)),
                new WaveSpec("rest", size(2), Duration.ofMinutes(5)));

        List<Wave> waves = WavePlanner.expand(specs, brokers(5, 2), OptionalInt.empty());

        assertEquals(List.of("first", "rest", "rest-2"), waves.stream().map(Wave::name).toList());
        assertEquals(List.of(Duration.ofMinutes(30), Duration.ofMinutes(5), Duration.ofMinutes(5)),
                waves.stream().map(Wave::soak).toList());
    }

    @Test
    void percentagesAreOfTheWholeClusterRoundedUp() {
        List<Wave> waves = WavePlanner.expand(specs(pct(10), pct(34)), brokers(10, 1), OptionalInt.empty());

        assertEquals(List.of(1, 4, 4, 1), waves.stream().map(w -> w.brokers().size()).toList());
    }

    @Test
    void singleBrokerClusterRollsTheControllerInTheCanary() {
        List<Wave> waves = WavePlanner.expand(specs(size(1), pct(100)), brokers(1, 1), OptionalInt.of(101));

        assertEquals(List.of(List.of(101)), waves.stream().map(WavePlannerTest::ids).toList());
        assertEquals("canary", waves.get(0).name());
    }

    @Test
    void wholeClusterFirstWaveLeavesTheControllerForAnExtraWave() {
        List<Wave> waves = WavePlanner.expand(specs(pct(100)), brokers(3, 3), OptionalInt.of(102));

        assertEquals(List.of(List.of(101, 103), List.of(102)), waves.stream().map(WavePlannerTest::ids).toList());
    }

    @Test
    void controllerOutsideTheBrokersIsIgnored() {
        // a KRaft quorum leader on a dedicated controller node is not rolled with the brokers
        List<Wave> waves = WavePlanner.expand(specs(size(1), pct(100)), brokers(3, 1), OptionalInt.of(3000));

        assertEquals(List.of(List.of(101), List.of(102, 103)), waves.stream().map(WavePlannerTest::ids).toList());
    }

    @Test
    void dedicatedControllersRollLastInAWaveOfTheirOwnFollowersFirst() {
        List<BrokerSpec> nodes = new ArrayList<>(brokers(4, 2));
        for (int id : List.of(3002, 3000, 3001)) {
            nodes.add(new BrokerSpec(id, "ctl-" + id, null, null, null, true));
        }

        List<Wave> waves = WavePlanner.expand(specs(size(1), pct(50)), nodes, OptionalInt.of(3001));

        assertEquals(List.of(List.of(101), List.of(102, 103), List.of(104), List.of(3000, 3002, 3001)),
                waves.stream().map(WavePlannerTest::ids).toList(), "50% of the 4 brokers; the quorum leader last");
        assertEquals("controllers", waves.get(3).name());
        assertTrue(WavePlanner.isControllersWave(waves.get(3)));
        assertFalse(WavePlanner.isControllersWave(waves.get(0)));
        assertEquals(OnFailure.HALT, waves.get(3).onFailure());
    }

    @Test
    void unevenRacksStillSpreadWhileRacksHaveBrokersLeft() {
        List<BrokerSpec> brokers = List.of(new BrokerSpec(1, "h1", "a", null), new BrokerSpec(2, "h2", "a", null),
                new BrokerSpec(3, "h3", "a", null), new BrokerSpec(4, "h4", "a", null),
                new BrokerSpec(5, "h5", "b", null), new BrokerSpec(6, "h6", null, null));

        List<Wave> waves = WavePlanner.expand(specs(size(1), size(3)), brokers, OptionalInt.empty());

        assertEquals(List.of(List.of(1), List.of(5, 6, 2), List.of(3, 4)),
                waves.stream().map(WavePlannerTest::ids).toList());
    }

    @Test
    void noBrokersGiveNoWaves() {
        assertEquals(List.of(), WavePlanner.expand(specs(size(1)), List.of(), OptionalInt.empty()));
    }

    @Test
    void refusesRepeatedBrokerIds() {
        List<BrokerSpec> twice = List.of(new BrokerSpec(1, "h1", null, null), new BrokerSpec(1, "h2", null, null));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WavePlanner.expand(specs(size(1)), twice, OptionalInt.empty()));
        assertEquals("broker id 1 is given twice", e.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    private static void assertEveryBrokerExactlyOnce(List<BrokerSpec> brokers, List<Wave> waves) {
        List<Integer> rolled = waves.stream().flatMap(w -> w.brokers().stream()).map(BrokerSpec::id).sorted().toList();
        assertEquals(brokers.stream().map(BrokerSpec::id).sorted().toList(), rolled);
    }

    /**
     * Each wave (without the controller appended to the last) covers as many racks as it can: min(its size,
     * the racks that still had brokers when it was formed).
     */
    private static void assertWavesSpreadOverRacks(List<Wave> waves, OptionalInt controller) {
        List<BrokerSpec> remaining = new ArrayList<>();
        waves.forEach(w -> remaining.addAll(w.brokers()));
        remaining.removeIf(b -> controller.isPresent() && b.id() == controller.getAsInt() && remaining.size() > 1);
        for (Wave w : waves) {
            List<BrokerSpec> members = w.brokers().stream().filter(remaining::contains).toList();
            long racksLeft = remaining.stream().map(BrokerSpec::rack).distinct().count();
            long racksInWave = members.stream().map(BrokerSpec::rack).distinct().count();
            assertEquals(Math.min(members.size(), racksLeft), racksInWave, () -> "rack spread of " + w);
            remaining.removeAll(members);
        }
    }

    /** The sizes the issue specifies, computed independently of WavePlanner. */
    private static List<Integer> expectedSizes(List<WaveSpec> specs, int n, boolean controller) {
        List<Integer> sizes = new ArrayList<>();
        int remaining = n;
        for (int i = 0; remaining > 0; i++) {
            WaveSpec.WaveSize s = specs.get(Math.min(i, specs.size() - 1)).size();
            int want = s.percent() ? (n * s.value() + 99) / 100 : s.value();
            int take = Math.min(Math.max(1, want), remaining);
            if (i == 0 && controller && n > 1 && take == n) {
                take = n - 1;
            }
            sizes.add(take);
            remaining -= take;
        }
        return sizes;
    }

    /** Brokers with ids 101.., racks r0, r1, ... assigned in turn. */
    static List<BrokerSpec> brokers(int n, int racks) {
        return IntStream.range(0, n)
                .mapToObj(i -> new BrokerSpec(101 + i, "kafka-" + (101 + i), "r" + (i % racks), null))
                .collect(Collectors.toList());
    }

    private static List<Integer> ids(Wave w) {
        return w.brokers().stream().map(BrokerSpec::id).toList();
    }

    private static WaveSpec.WaveSize size(int n) {
        return new WaveSpec.WaveSize(n, false);
    }

    private static WaveSpec.WaveSize pct(int n) {
        return new WaveSpec.WaveSize(n, true);
    }

    private static List<WaveSpec> specs(WaveSpec.WaveSize... sizes) {
        List<WaveSpec> specs = new ArrayList<>();
        for (WaveSpec.WaveSize s : sizes) {
            specs.add(new WaveSpec(null, s, Duration.ZERO));
        }
        return specs;
    }
}
