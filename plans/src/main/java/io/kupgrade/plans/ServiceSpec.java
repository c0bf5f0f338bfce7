package io.kupgrade.plans;

import java.time.Duration;

/**
 * The commands and files that manage the Kafka service on a host. Every string may contain the
 * placeholders {@code {broker.id}} and {@code {host}}, replaced per broker (several brokers on one host,
 * or the sandbox, where each broker has its own directory).
 *
 * @param configFile path of server.properties on the host
 * @param stop command that asks the broker to stop (it may return before the process has exited)
 * @param start command that starts the broker
 * @param isRunning command that exits 0 while the broker process is running
 * @param stopTimeout how long to wait for the process to exit after {@code stop}; never SIGKILL before
 * @param startTimeout how long the start command itself may take
 */
public record ServiceSpec(
        String configFile,
        String stop,
        String start,
        String isRunning,
        Duration stopTimeout,
        Duration startTimeout) {
}
