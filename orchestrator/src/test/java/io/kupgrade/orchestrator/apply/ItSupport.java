package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.journal.FileJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxZooKeeper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** Helpers shared by the apply integration tests. */
final class ItSupport {
    private ItSupport() {
    }

    /** Prints progress as the CLI would, so a failing IT's output shows what happened. */
    static ProgressEvent.Listener printer(String prefix) {
        return e -> {
            if (e.type() != ProgressEvent.Type.WAITING || e.stepElapsed().toSeconds() % 10 < 5) {
                System.out.printf(Locale.ROOT, "%s %6.1fs %-17s %-9s %-6s %-16s %s%n", prefix,
                        e.runElapsed().toMillis() / 1000.0, e.type(), e.phase(), e.brokerId() == null ? ""
                                : "b" + e.brokerId(), e.step(), e.message());
            }
        };
    }

    /**
     * A {@code zookeeperEnsemble} section for a sandbox's ensemble: its servers, their {@code bin/} scripts and
     * {@code config/zoo.cfg}, 2 min stop and start timeouts, then {@code rest} (set, install, ...: YAML indented by
     * two spaces).
     */
    static String ensembleSection(SandboxCluster cluster, String rest) {
        String dir = cluster.baseDir().resolve("zookeeper-{server.id}").toString();
        StringBuilder y = new StringBuilder("zookeeperEnsemble:\n  servers:\n");
        for (SandboxZooKeeper z : cluster.zookeepers()) {
            y.append("    - {id: ").append(z.id()).append(", host: \"").append(z.host()).append("\", clientPort: ")
                    .append(z.clientPort()).append("}\n");
        }
        y.append("  service:\n");
        y.append("    configFile: \"").append(dir).append("/config/zoo.cfg\"\n");
        y.append("    stop: \"").append(dir).append("/bin/stop\"\n");
        y.append("    start: \"").append(dir).append("/bin/start\"\n");
        y.append("    isRunning: \"").append(dir).append("/bin/is-running\"\n");
        y.append("    stopTimeout: 2m\n    startTimeout: 2m\n");
        return y + rest.replace("{dir}", dir);
    }

    static List<JournalEntry> journal(Path stateDir, String cluster) {
        for (int attempt = 0; ; attempt++) {
            try {
                return FileJournal.forCluster(stateDir, cluster).entries();
            } catch (RuntimeException e) {
                // a line being appended by another process: read again
                if (attempt > 20) {
                    throw e;
                }
                sleep(Duration.ofMillis(50));
            }
        }
    }

    static List<JournalEntry> succeeded(List<JournalEntry> entries, String step) {
        List<JournalEntry> out = new ArrayList<>();
        for (JournalEntry e : entries) {
            if (step.equals(e.step()) && "succeeded".equals(e.event())) {
                out.add(e);
            }
        }
        return out;
    }

    static JournalEntry awaitEntry(Path stateDir, String cluster, Predicate<JournalEntry> p, Duration timeout,
                                   Process process) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new AssertionError("the apply process ended (exit " + process.exitValue() + ") before the"
                        + " awaited journal entry");
            }
            for (JournalEntry e : journal(stateDir, cluster)) {
                if (p.test(e)) {
                    return e;
                }
            }
            sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("no such journal entry within " + timeout);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
