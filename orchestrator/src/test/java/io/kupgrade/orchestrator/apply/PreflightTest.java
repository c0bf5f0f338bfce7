package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.Snapshots;
import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollEngine;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.engine.StepFailedException;
import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.Wave;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Before a run touches anything: each broker is the one its host runs; the plan names every registered broker. */
class PreflightTest {
    private static final String PLAN = """
            apiVersion: kupgrade/v1
            cluster: {name: c1, bootstrapServers: "k1:9092"}
            brokers:
              - {id: 1, host: k1}
              - {id: 2, host: k2}
              - {id: 3, host: k3}
            access: {executor: local}
            service: {configFile: "/etc/kafka/server.properties", stop: stop, start: start, isRunning: running}
            waves: [1, "100%"]
            phases:
            """;
    private static final String BINARIES = "  - name: pin\n    set: {inter.broker.protocol.version: \"3.8\"}\n"
            + "  - {name: binaries, install: \"install 3.9.2\", version: 3.9.2}\n";
    private static final String IBP = "  - name: ibp\n    set: {inter.broker.protocol.version: \"3.9\"}\n";

    private static Plan plan(String phases) {
        return new PlanParser(Map.<String, String>of()::get).read(PLAN + phases, "plan.yaml");
    }

    /** Each host's server.properties, by host; a host missing from the map has no such file. */
    private static class Hosts implements HostExecutor {
        final Map<String, String> files = new HashMap<>();
        String unreachable;

        Hosts with(String host, String text) {
            files.put(host, text);
            return this;
        }

        /** isRunning's exit code by host (0 when absent); -1 for a command that times out. */
        final Map<String, Integer> isRunningExit = new HashMap<>();
        final List<String> commands = new java.util.ArrayList<>();

        @Override
        public CommandResult run(String host, String command, Duration timeout) {
            if (host.equals(unreachable)) {
                throw new HostUnreachableException("cannot reach " + host, null);
            }
            commands.add(host + ": " + command);
            int exit = isRunningExit.getOrDefault(host, 0);
            return new CommandResult(exit < 0 ? -1 : exit, "", "", exit < 0);
        }

        final List<String> reads = new java.util.ArrayList<>();

        @Override
        public String readFile(String host, String path) {
            reads.add(host);
            if (host.equals(unreachable)) {
                throw new HostUnreachableException("cannot reach " + host, null);
            }
            String text = files.get(host);
            if (text == null) {
                throw new IllegalStateException("no file " + path + " on " + host);
            }
            return text;
        }

        @Override
        public void writeFile(String host, String path, String content, String backupPath) {
            throw new AssertionError("a preflight writes nothing");
        }

        @Override
        public void close() {
        }
    }

    private static Hosts hostsAsPlanned() {
        return new Hosts().with("k1", "broker.id=1\n").with("k2", "# two\nbroker.id = 2\n").with("k3", "node.id=3\n");
    }

    @Test
    void shouldReadTheIdFromNodeIdElseBrokerId() {
        assertEquals(Optional.of(new Preflight.StatedId("node.id", 7)),
                Preflight.statedId("process.roles=broker\nnode.id=7\nbroker.id=7\n"));
        assertEquals(Optional.of(new Preflight.StatedId("broker.id", 4)), Preflight.statedId("broker.id=4\n"));
        assertEquals(Optional.empty(), Preflight.statedId("broker.id=-1\n"), "a ZooKeeper-mode generated id");
        assertEquals(Optional.empty(), Preflight.statedId("broker.id=${env:ID}\n"), "a config provider");
        assertEquals(Optional.empty(), Preflight.statedId("log.dirs=/data\n"));
    }

    @Test
    void shouldPassWhenEveryHostRunsTheBrokerThePlanSays() {
        Preflight.Identities found = Preflight.identities(plan(BINARIES), plan(BINARIES).brokers(), hostsAsPlanned());
        assertEquals(Optional.empty(), found.refusal());
        assertEquals(List.of(), found.notes());
    }

    @Test
    void shouldRefuseAHostThatRunsAnotherBroker() {
        Hosts swapped = hostsAsPlanned().with("k2", "broker.id=3\n").with("k3", "node.id=2\n");
        Preflight.Identities found = Preflight.identities(plan(BINARIES), plan(BINARIES).brokers(), swapped);
        assertEquals(Optional.of("the plan's broker 2 is on k2, but /etc/kafka/server.properties there says"
                + " broker.id=3; the plan's broker 3 is on k3, but /etc/kafka/server.properties there says node.id=2:"
                + " the stop and start commands would act on another broker than the gates check. Fix the plan's"
                + " brokers (id and host) or service.configFile"), found.refusal());
    }

    @Test
    void shouldRefuseAConfigThatCannotBeReadAndNoteOneWithoutAnId() {
        Hosts hosts = hostsAsPlanned().with("k1", "log.dirs=/data\n");
        hosts.files.remove("k3");
        Preflight.Identities found = Preflight.identities(plan(BINARIES), plan(BINARIES).brokers(), hosts);
        assertEquals(List.of("/etc/kafka/server.properties on k1 states no node.id or broker.id: not checked that it"
                + " is broker 1"), found.notes());
        assertEquals(Optional.of("cannot read broker 3's config (no file /etc/kafka/server.properties on k3):"
                + " service.configFile must be each broker's server.properties (its id is checked there before a"
                + " stop, and set/unset edit it)"), found.refusal());
    }

    @Test
    void shouldCallAConfigThatIsNoPropertiesFileUnreadableNotCrash() {
        Hosts hosts = hostsAsPlanned().with("k2", "broker.id=2\nlistener.name=\\u12\n");
        Preflight.Identities found = Preflight.identities(plan(BINARIES), plan(BINARIES).brokers(), hosts);
        assertEquals(List.of("cannot read broker 2's config (line 2: malformed \\uxxxx escape)"), found.unreadable());
    }

    @Test
    void shouldReadEachFileOnceForPlanAndDryRun() {
        Hosts hosts = hostsAsPlanned();
        hosts.files.remove("k3");
        Map<String, String> files = new HashMap<>();
        Preflight.ConfigReader cached = Preflight.caching(hosts, files);
        assertEquals(Optional.of("cannot read broker 3's config (no file /etc/kafka/server.properties on k3):"
                + " service.configFile must be each broker's server.properties (its id is checked there before a"
                + " stop, and set/unset edit it)"),
                Preflight.identities(plan(BINARIES), plan(BINARIES).brokers(), cached).refusal());
        assertEquals("broker.id=1\n", files.get("k1:/etc/kafka/server.properties"), "kept for the config diffs");
        assertTrue(files.containsKey("k3:/etc/kafka/server.properties") && files.get("k3:/etc/kafka/server.properties")
                == null, "an unreadable file is remembered as such");
        Preflight.identities(plan(BINARIES), plan(BINARIES).brokers(), cached);
        assertEquals(List.of("k1", "k2", "k3"), hosts.reads, "the second pass reads nothing");
    }

    @Test
    void shouldLeaveAHostThatRefusesKupgradeToTheCaller() {
        HostExecutor refusing = new Hosts() {
            @Override
            public String readFile(String host, String path) {
                throw new io.kupgrade.orchestrator.executor.HostAccessException("host key of " + host + " changed", null);
            }
        };
        assertThrows(io.kupgrade.orchestrator.executor.HostAccessException.class,
                () -> Preflight.identities(plan(BINARIES), plan(BINARIES).brokers(), refusing));
        assertEquals(List.of("brokers' identities not checked (host key of k1 changed)"),
                Preflight.identityNotes(plan(BINARIES), plan(BINARIES).brokers(), refusing::readFile));
    }

    @Test
    void shouldCountOnlyTheBrokersTheRunWillStillStop() {
        Plan plan = new PlanParser(Map.<String, String>of()::get).read(PLAN + "  - name: restart\n"
                + "  - name: finalize\n    finalize: {metadataVersion: \"4.1\"}\n", "plan.yaml");
        RollEngine engine = new RollEngine(plan, plan.brokers(), Layouts.proposed(plan, plan.brokers(),
                java.util.OptionalInt.of(3)));
        JournalView empty = JournalView.of(List.of(), plan.sha256());
        assertEquals(List.of(1, 2, 3), ids(engine.remaining(List.of(), engine.resolve(empty, Selection.all()),
                s -> true)));
        assertEquals(List.of(1), ids(engine.remaining(List.of(), engine.resolve(empty,
                new Selection("restart", "canary")), s -> true)), "the canary alone");
        Plan finalizeOnly = new PlanParser(Map.<String, String>of()::get).read(PLAN
                + "  - name: finalize\n    finalize: {metadataVersion: \"4.1\"}\n", "plan.yaml");
        RollEngine finalizing = new RollEngine(finalizeOnly, finalizeOnly.brokers(), Layouts.proposed(finalizeOnly,
                finalizeOnly.brokers(), java.util.OptionalInt.of(3)));
        assertEquals(List.of(), ids(finalizing.remaining(List.of(), finalizing.resolve(JournalView.of(List.of(),
                finalizeOnly.sha256()), Selection.all()), s -> true)), "a finalize-only phase stops no broker");
    }

    private static List<Integer> ids(List<io.kupgrade.orchestrator.engine.Step> steps) {
        return Preflight.stopping(steps).stream().map(b -> b.id()).toList();
    }

    @Test
    void shouldLeaveAnUnreachableHostToTheCaller() {
        Hosts hosts = hostsAsPlanned();
        hosts.unreachable = "k2";
        assertThrows(HostUnreachableException.class,
                () -> Preflight.identities(plan(BINARIES), plan(BINARIES).brokers(), hosts));
        assertEquals(List.of("brokers' identities not checked (cannot reach k2)"),
                Preflight.identityNotes(plan(BINARIES), plan(BINARIES).brokers(), hosts::readFile));
    }

    @Test
    void shouldRefuseAPointOfNoReturnWhileARegisteredBrokerIsNotInThePlan() {
        Plan plan = plan(BINARIES + IBP);
        var cluster = Snapshots.cluster().brokers(1, 2, 3, 4).build();
        Optional<String> refusal = Preflight.unlistedRefusal(plan, cluster, p -> true);
        assertTrue(refusal.isPresent());
        assertEquals("broker 4 is registered in the cluster but not in the plan's brokers, and phase ibp is a point of"
                + " no return (" + String.join("; ", plan.phases().get(2).pointOfNoReturnReasons()) + "): a broker"
                + " left behind on the old binaries or protocol cannot follow the others after it (reference §5, \"IBP"
                + " or version mismatch\"). List it in brokers (a broker whose config is already as the phase wants it"
                + " is only restarted)", refusal.get());
        // a run of the pin and binaries phases alone is only warned: nothing they do cannot be undone
        assertEquals(Optional.empty(), Preflight.unlistedRefusal(plan, cluster, p -> !p.name().equals("ibp")));
        assertEquals(Optional.of("WARNING: broker 4 is registered in the cluster but not in the plan's brokers: this"
                + " run leaves it as it is"), Preflight.unlistedWarning(plan, cluster));
        assertEquals(Optional.of(refusal.get() + ": apply refuses to start"),
                Preflight.unlistedNote(plan, cluster, p -> true));
    }

    @Test
    void shouldHaltAPointOfNoReturnPhaseAtItsStartWhenABrokerRegisteredMeanwhile() throws StepFailedException {
        Plan plan = plan(BINARIES + IBP);
        var joined = Snapshots.cluster().brokers(1, 2, 3, 4).controller(2).build();
        StepFailedException e = assertThrows(StepFailedException.class,
                () -> ApplyService.layout(plan, plan.brokers(), plan.phases().get(2), joined));
        assertEquals(OutcomeKind.HALTED, e.kind());
        assertTrue(e.getMessage().startsWith("broker 4 is registered in the cluster but not in the plan's brokers, and"
                + " phase ibp is a point of no return"), e.getMessage());
        // the binaries phase is laid out as usual, the active controller last
        List<Wave> waves = ApplyService.layout(plan, plan.brokers(), plan.phases().get(1), joined);
        assertEquals(List.of(1, 3, 2), waves.stream().flatMap(w -> w.brokers().stream()).map(b -> b.id()).toList());
        assertEquals(3, ApplyService.layout(plan, plan.brokers(), plan.phases().get(2),
                Snapshots.cluster().brokers(1, 2, 3).controller(2).build()).stream()
                .mapToInt(w -> w.brokers().size()).sum());
    }

    @Test
    void shouldRefuseBrokersThatCanNeverStopWithoutTakingAPartitionUnderMinIsr() {
        Plan plan = plan(BINARIES);
        var cluster = Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 6)
                .partition("scratch", new int[] {2}, new int[] {2}).minIsr("scratch", 1)
                .topic("ledger", 3, 3, 1);
        assertEquals(Optional.of("brokers [1, 2, 3] can never pass canStop: they hold replicas of topics that go"
                + " offline or under min ISR whenever one replica stops: ledger (RF 3, min.insync.replicas 3),"
                + " scratch (RF 1) (kupgrade check: RF1_TOPICS, MIN_ISR_AT_RF). Raise their replication factor or"
                + " lower their min.insync.replicas first"), Preflight.neverStoppable(cluster.build(), plan.brokers()));
        assertEquals(Optional.of("broker 2 can never pass canStop: it holds replicas of topics that go offline or"
                        + " under min ISR whenever one replica stops: scratch (RF 1) (kupgrade check: RF1_TOPICS,"
                        + " MIN_ISR_AT_RF). Raise their replication factor or lower their min.insync.replicas first"),
                Preflight.neverStoppable(Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 6)
                        .partition("scratch", new int[] {2}, new int[] {2}).build(), plan.brokers()));
        assertEquals(Optional.empty(), Preflight.neverStoppable(Snapshots.cluster().brokers(1, 2, 3)
                .topic("orders", 3, 2, 6).build(), plan.brokers()), "RF 3, min ISR 2: each broker may stop");
        assertEquals(Optional.empty(), Preflight.neverStoppable(Snapshots.cluster().brokers(1, 2, 3, 4)
                .partition("scratch", new int[] {4}, new int[] {4}).build(), plan.brokers()),
                "on a broker the plan does not roll");
        assertEquals(Optional.empty(), Preflight.neverStoppable(null, plan.brokers()), "the cluster not read");
        assertEquals(Optional.empty(), Preflight.neverStoppable(Snapshots.cluster().brokers(1, 2, 3)
                .partition("scratch", new int[] {2}, new int[] {}).unregistered(2).build(), plan.brokers()),
                "broker 2 is down (a run interrupted after its stop): resuming starts it, nothing to refuse");
    }

    @Test
    void shouldRefuseAnIsRunningThatDoesNotSeeARegisteredBroker() {
        Plan plan = plan(BINARIES);
        Hosts hosts = hostsAsPlanned();
        var cluster = Snapshots.cluster().brokers(1, 2, 3).build();
        assertEquals(Optional.empty(), Preflight.processes(plan, plan.brokers(), cluster, hosts, Duration.ofSeconds(60)));
        assertEquals(List.of("k1: running", "k2: running", "k3: running"), hosts.commands, "asked once each");

        hosts.isRunningExit.put("k2", 127);
        hosts.isRunningExit.put("k3", -1);
        assertEquals(Optional.of("service.isRunning does not say running for registered broker 2: it exited 127"
                + " (command not found); broker 3: it timed out after 60 s: the roll judges each stop and start by it,"
                + " so it must exit 0 while the broker's process runs (a wrong path, or a check of another process? A"
                + " broker that stopped a moment ago: run apply again)"),
                Preflight.processes(plan, plan.brokers(), cluster, hosts, Duration.ofSeconds(60)));

        hosts.commands.clear();
        assertEquals(Optional.empty(), Preflight.processes(plan, plan.brokers(),
                Snapshots.cluster().brokers(1, 2, 3).unregistered(2).unregistered(3).build(), hosts,
                Duration.ofSeconds(60)), "brokers that are down are not asked: a resumed run starts them");
        assertEquals(List.of("k1: running"), hosts.commands);
    }

    @Test
    void shouldSayNothingWhenThePlanListsEveryBrokerOrNone() {
        Plan plan = plan(BINARIES + IBP);
        assertEquals(Optional.empty(), Preflight.unlistedNote(plan, Snapshots.cluster().brokers(1, 2, 3).build(),
                p -> true));
        assertEquals(Optional.empty(), Preflight.unlistedNote(plan, null, p -> true), "the cluster not read");
        Plan none = new PlanParser(Map.<String, String>of()::get).read(PLAN.replaceAll("(?s)brokers:.*?access",
                "access") + IBP, "plan.yaml");
        assertEquals(Optional.empty(), Preflight.unlistedNote(none, Snapshots.cluster().brokers(1, 2, 3, 4).build(),
                p -> true), "a plan without brokers rolls the registered ones");
        assertEquals(Optional.of("WARNING: brokers [4, 5] are registered in the cluster but not in the plan's"
                + " brokers: this run leaves them as they are"), Preflight.unlistedWarning(plan,
                Snapshots.cluster().brokers(1, 2, 3, 4, 5).build()));
    }
}
