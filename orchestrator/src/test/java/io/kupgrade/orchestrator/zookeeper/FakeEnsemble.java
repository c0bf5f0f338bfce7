package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A scripted ZooKeeper ensemble: commands {@code stop N}, {@code start N}, {@code running N}, {@code install N}
 * (binaries "new"), {@code uninstall N} (binaries "old" again); {@code zoo.cfg} files (and their backups) in memory; four-letter-word answers as a real quorum gives them. A stopped leader is
 * replaced by the lowest running follower; a started server follows, and is synced after {@link #syncAfterReads}
 * probe reads of the leader. {@link #dropsAfter} makes a command take effect and then lose its answer, as a
 * connection that drops does.
 */
final class FakeEnsemble implements HostExecutor, EnsembleProbe {
    final Set<Integer> running = new TreeSet<>();
    final Map<Integer, Integer> unsyncedReads = new HashMap<>();
    final Map<String, String> files = new HashMap<>();
    final Map<String, String> backups = new HashMap<>();
    final List<String> commands = new ArrayList<>();
    final Set<Integer> neverStarts = new HashSet<>();
    final Map<Integer, Integer> incarnation = new HashMap<>();
    final Map<Integer, String> binaries = new HashMap<>();
    /** A broken {@code uninstall}: exits 0 but leaves the new binaries in place. */
    boolean uninstallKeepsNew;
    /** Command -> how many more times it runs and then throws HostUnreachableException ("connection dropped"). */
    final Map<String, Integer> dropsAfter = new HashMap<>();
    int leader;
    int syncAfterReads = 2;
    boolean mntrWhitelisted = true;
    int elections;

    FakeEnsemble(int servers, int leader) {
        for (int id = 1; id <= servers; id++) {
            running.add(id);
            incarnation.put(id, 1);
            binaries.put(id, "old");
            files.put("/zk/" + id + "/zoo.cfg", "dataDir=/data\nclientPort=2181\nmaxClientCnxns=60\n");
        }
        this.leader = leader;
    }

    /** Commands other than isRunning polls, in order. */
    List<String> actions() {
        return commands.stream().filter(c -> !c.startsWith("running")).toList();
    }

    @Override
    public CommandResult run(String host, String command, Duration timeout) {
        CommandResult result = execute(command);
        int drops = dropsAfter.getOrDefault(command, 0);
        if (drops > 0) {
            // the command ran, but its answer never came back
            dropsAfter.put(command, drops - 1);
            throw new HostUnreachableException("connection to " + host + " dropped", null);
        }
        return result;
    }

    private CommandResult execute(String command) {
        commands.add(command);
        String[] w = command.split(" ");
        int id = Integer.parseInt(w[1]);
        CommandResult ok = new CommandResult(0, "", "", false);
        switch (w[0]) {
            case "stop" -> {
                running.remove(id);
                if (id == leader) {
                    leader = running.isEmpty() ? 0 : running.iterator().next();
                    elections++;
                }
            }
            case "running" -> {
                return running.contains(id) ? ok : new CommandResult(1, "", "", false);
            }
            case "start" -> {
                if (!neverStarts.contains(id) && running.add(id)) {
                    incarnation.merge(id, 1, Integer::sum);
                    unsyncedReads.put(id, syncAfterReads);
                }
            }
            case "install" -> binaries.put(id, "new");
            case "uninstall" -> binaries.put(id, uninstallKeepsNew ? "new" : "old");
            default -> throw new IllegalArgumentException(command);
        }
        return ok;
    }

    @Override
    public ServerState read(ZooKeeperServerSpec server) {
        int id = server.id();
        if (!running.contains(id)) {
            return ServerState.down(id, "java.net.ConnectException: Connection refused");
        }
        if (id != leader) {
            return ServerState.serving(id, "follower", -1, version(id));
        }
        long synced = 0;
        for (int f : running) {
            if (f == leader) {
                continue;
            }
            Integer left = unsyncedReads.get(f);
            if (left == null || left <= 0) {
                synced++;
            } else {
                unsyncedReads.put(f, left - 1);
            }
        }
        return ServerState.serving(id, "leader", mntrWhitelisted ? synced : -1, version(id));
    }

    /** What {@code srvr} reports: 3.8.4 with the "old" binaries, 3.9.2 with the "new". */
    String version(int id) {
        return "new".equals(binaries.get(id)) ? "3.9.2" : "3.8.4";
    }

    @Override
    public String readFile(String host, String path) {
        String content = files.get(path);
        if (content == null) {
            throw new IllegalStateException(path + " does not exist on " + host);
        }
        return content;
    }

    @Override
    public void writeFile(String host, String path, String content, String backupPath) {
        backups.put(backupPath, files.get(path));
        files.put(backupPath, files.get(path));
        files.put(path, content);
        commands.add("write " + path);
    }

    @Override
    public void close() {
    }
}
