package io.kupgrade.orchestrator.apply;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upgrade plans for a sandbox, made from the plan the sandbox writes ({@code SandboxCluster.writePlan}): its
 * cluster, brokers, access and service sections are kept; waves, gates and phases are replaced. Used by
 * {@code kupgrade demo} and the integration tests. Stateless.
 */
public final class DemoPlans {
    private static final Pattern STOP = Pattern.compile("(?m)^  stop: \"(.*)/bin/stop\"$");

    private DemoPlans() {
    }

    /**
     * ZooKeeper mode, two phases (reference §1a): {@code binaries} switches every broker to {@code toVersion}
     * with {@code inter.broker.protocol.version} pinned to {@code pinIbp}; {@code protocol} bumps it to
     * {@code bumpIbp}, a point of no return. Waves {@code [1, 3, "100%"]}.
     */
    public static String zookeeperUpgrade(String sandboxPlan, String toVersion, String pinIbp, String bumpIbp) {
        String phases = "phases:\n"
                + "  - name: binaries\n"
                + "    install: \"" + hostDir(sandboxPlan) + "/bin/switch-version " + toVersion + "\"\n"
                + "    version: \"" + toVersion + "\"\n"
                + "    set: {inter.broker.protocol.version: \"" + pinIbp + "\"}\n"
                + "  - name: protocol\n"
                + "    set: {inter.broker.protocol.version: \"" + bumpIbp + "\"}\n"
                + "    pointOfNoReturn: true\n";
        return replaceTail(sandboxPlan, "[1, 3, \"100%\"]", phases);
    }

    /**
     * KRaft (reference §1b): one phase {@code binaries} switching every node to {@code toVersion}, then
     * finalizing metadata.version to {@code release}. Waves {@code [1, "100%"]}.
     */
    public static String kraftUpgrade(String sandboxPlan, String toVersion, String release) {
        String phases = "phases:\n"
                + "  - name: binaries\n"
                + "    install: \"" + hostDir(sandboxPlan) + "/bin/switch-version " + toVersion + "\"\n"
                + "    version: \"" + toVersion + "\"\n"
                + "    pointOfNoReturn: true\n"
                + "    finalize: {metadataVersion: \"" + release + "\"}\n";
        return replaceTail(sandboxPlan, "[1, \"100%\"]", phases);
    }

    private static String hostDir(String sandboxPlan) {
        Matcher m = STOP.matcher(sandboxPlan);
        if (!m.find()) {
            throw new IllegalArgumentException("not a sandbox plan: no service.stop \".../bin/stop\" line");
        }
        return m.group(1);
    }

    private static String replaceTail(String sandboxPlan, String waves, String phases) {
        int at = sandboxPlan.indexOf("\nwaves:");
        if (at < 0) {
            throw new IllegalArgumentException("not a sandbox plan: no waves line");
        }
        return sandboxPlan.substring(0, at + 1)
                + "waves: " + waves + "\n"
                + "gates: {pollInterval: 500ms, timeout: 3m, stablePolls: 2}\n"
                + phases;
    }
}
