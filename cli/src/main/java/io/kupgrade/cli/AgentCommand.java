package io.kupgrade.cli;

import io.kupgrade.agent.AgentConfig;
import io.kupgrade.agent.AgentServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kupgrade agent --config FILE}: the small authenticated daemon for hosts where SSH is not allowed. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the kupgrade agent on a broker host: read/patch server.properties (compare-and-set,",
            "with backup) and run only the configured stop/start/is-running/install commands, for callers with",
            "the bearer token. Runs until SIGTERM / Ctrl-C. The config file is the operator's, on this host."})
final class AgentCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's configuration.")
    Path config;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        AgentServer server = AgentServer.start(AgentConfig.load(config));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "kupgrade-agent-stop"));
        spec.commandLine().getErr().printf("kupgrade agent %s listening on port %d (config %s)%n",
                AgentServer.version(), server.port(), config);
        spec.commandLine().getErr().flush();
        stopped.await();
        return ExitCode.OK.code();
    }
}
