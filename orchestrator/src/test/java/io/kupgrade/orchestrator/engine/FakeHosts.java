package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scripted set of broker hosts: commands {@code stop N}, {@code start N}, {@code running N},
 * {@code install N V}; files in memory. A stopped broker's process exits after {@link #exitAfterPolls}
 * isRunning polls (a controlled shutdown takes a while).
 */
final class FakeHosts implements HostExecutor {
    /** Simulates kupgrade being killed: not an Exception, so nothing in the runner catches it. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String where) {
            super("simulated crash at " + where);
        }
    }

    final Map<Integer, Boolean> running = new HashMap<>();
    final Map<Integer, Integer> pollsUntilExit = new HashMap<>();
    final Map<Integer, String> installed = new HashMap<>();
    final Map<Integer, String> runningVersion = new HashMap<>();
    final Map<Integer, Integer> incarnation = new HashMap<>();
    final Map<String, String> files = new HashMap<>();
    final Map<String, String> backups = new HashMap<>();
    final List<String> commands = new ArrayList<>();
    final Set<Integer> neverExits = new HashSet<>();
    final Set<String> failing = new HashSet<>();
    /** A broker whose server.properties contains one of these lines dies right after its start (bad config). */
    final Set<String> fatalConfig = new HashSet<>();
    /** Per broker: it dies right after its start when its server.properties contains this line. */
    final Map<Integer, String> fatalConfigOf = new HashMap<>();
    /**
     * Per command: how many of its next runs lose the connection after the command took effect (as an SSH session
     * dropped before the exit status came back): the effect happens, the caller gets a HostUnreachableException.
     */
    final Map<String, Integer> dropsAfter = new HashMap<>();
    /** Commands that time out (still running at their timeout); they take no effect. */
    final Set<String> timingOut = new HashSet<>();
    String crashBefore;
    String crashAfter;
    /** Called with each command as it runs (e.g. to move a clock while a broker is down). */
    java.util.function.Consumer<String> onCommand = c -> { };
    int exitAfterPolls = 2;

    FakeHosts(int brokers, String version) {
        for (int id = 1; id <= brokers; id++) {
            running.put(id, true);
            installed.put(id, version);
            runningVersion.put(id, version);
            incarnation.put(id, 1);
            files.put("/srv/" + id + "/server.properties", "# broker " + id + "\nbroker.id=" + id
                    + "\nlog.dirs=/data\n");
        }
    }

    /** Commands other than isRunning polls, in order. */
    List<String> actions() {
        return commands.stream().filter(c -> !c.startsWith("running")).toList();
    }

    /**
     * When set, each {@code start} waits (at most 5 s) until this many starts have been sent: with a batch's starts
     * sent one after the other, the first waits in vain and {@link #startsOverlapped} turns false.
     */
    volatile java.util.concurrent.CountDownLatch startsTogether;
    volatile boolean startsOverlapped = true;

    @Override
    public CommandResult run(String host, String command, Duration timeout) {
        java.util.concurrent.CountDownLatch together = startsTogether;
        if (together != null && command.startsWith("start ")) {
            together.countDown();
            try {
                if (!together.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    startsOverlapped = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                startsOverlapped = false;
            }
        }
        return runNow(host, command);
    }

    private synchronized CommandResult runNow(String host, String command) {
        if (command.equals(crashBefore)) {
            throw new Crash("before " + command);
        }
        commands.add(command);
        onCommand.accept(command);
        String[] w = command.split(" ");
        int id = Integer.parseInt(w[1]);
        if (failing.contains(command)) {
            return new CommandResult(1, "", "simulated failure of " + command, false);
        }
        if (timingOut.contains(command)) {
            return new CommandResult(-1, "", "", true);
        }
        CommandResult ok = new CommandResult(0, "", "", false);
        CommandResult result = ok;
        switch (w[0]) {
            case "stop" -> {
                if (running.get(id)) {
                    pollsUntilExit.put(id, neverExits.contains(id) ? Integer.MAX_VALUE : exitAfterPolls);
                }
            }
            case "running" -> {
                Integer left = pollsUntilExit.get(id);
                if (left != null) {
                    if (left <= 0) {
                        running.put(id, false);
                        pollsUntilExit.remove(id);
                    } else {
                        pollsUntilExit.put(id, left - 1);
                    }
                }
                result = running.get(id) ? ok : new CommandResult(1, "", "", false);
            }
            case "start" -> {
                String config = files.getOrDefault("/srv/" + id + "/server.properties", "");
                boolean dies = fatalConfig.stream().anyMatch(config::contains)
                        || (fatalConfigOf.containsKey(id) && config.contains(fatalConfigOf.get(id)));
                if (!running.get(id) && !dies) {
                    running.put(id, true);
                    runningVersion.put(id, installed.get(id));
                    incarnation.merge(id, 1, Integer::sum);
                }
            }
            case "install" -> installed.put(id, w[2]);
            default -> throw new IllegalArgumentException(command);
        }
        if (command.equals(crashAfter)) {
            throw new Crash("after " + command);
        }
        int drops = dropsAfter.getOrDefault(command, 0);
        if (drops > 0) {
            dropsAfter.put(command, drops - 1);
            throw new HostUnreachableException("connection to " + host + " dropped", null);
        }
        return result;
    }

    @Override
    public synchronized String readFile(String host, String path) {
        String content = files.containsKey(path) ? files.get(path) : backups.get(path);
        if (content == null) {
            throw new IllegalStateException(path + " does not exist on " + host);
        }
        return content;
    }

    @Override
    public synchronized void writeFile(String host, String path, String content, String backupPath) {
        backups.put(backupPath, files.get(path));
        files.put(path, content);
        commands.add("write " + path);
        int drops = dropsAfter.getOrDefault("write " + path, 0);
        if (drops > 0) {
            // the file was replaced, but the answer never came back
            dropsAfter.put("write " + path, drops - 1);
            throw new HostUnreachableException("connection to " + host + " dropped", null);
        }
    }

    @Override
    public void close() {
    }
}
