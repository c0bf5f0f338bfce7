/**
 * Cluster health: read the cluster once per poll, judge it with pure gates, wait until they hold.
 *
 * <ul>
 *   <li>{@link io.kupgrade.gates.ClusterReader} / {@link io.kupgrade.gates.AdminClusterReader#create}: one
 *       {@link io.kupgrade.gates.ClusterSnapshot} per poll (Admin API; broker epochs from ZooKeeper when the plan
 *       names it; {@link io.kupgrade.gates.JmxClusterReader} adds JMX readings).</li>
 *   <li>{@link io.kupgrade.gates.Gates} and {@link io.kupgrade.gates.JmxGates}: pure, thread-safe gates over a
 *       snapshot, each with a reason and evidence.</li>
 *   <li>{@link io.kupgrade.gates.GateWaiter}: polls until all gates pass on {@code stablePolls} consecutive
 *       polls or the timeout passes; time through an injected {@code Clock} and
 *       {@link io.kupgrade.gates.Sleeper}.</li>
 *   <li>{@link io.kupgrade.gates.Lint} and {@link io.kupgrade.gates.HealthCheck}: preflight findings and the
 *       service behind {@code kupgrade check}.</li>
 * </ul>
 *
 * <p>A broker restart, as the engine should gate it (reference §3; real-kafka-notes "Traps"):
 * <ol>
 *   <li>before stopping: {@code Gates.clusterHealthy(planBrokers)} and {@code Gates.canStop(id)};</li>
 *   <li>stop, then wait for the process to exit (never SIGKILL before), then read a snapshot
 *       {@code afterExit} (optionally wait for {@code Gates.brokerGone(id)});</li>
 *   <li>start, then wait for {@code Gates.brokerRejoined(id, afterExit)} plus {@code Gates.brokerCaughtUp(id)}
 *       (and, with JMX, {@code JmxGates.brokerRunning(id)} and {@code JmxGates.runningVersion(id, target)}).
 *       {@code brokerRegistered} alone is not enough: in KRaft, and after a crash in either mode, a broker's old
 *       registration can be listed while no process of it runs.</li>
 * </ol>
 * After a crash (or a kill), wait for {@code Gates.brokerGone(id)} before starting the broker again: in
 * ZooKeeper mode a broker started while its predecessor's session lives exits at startup with
 * {@code NodeExistsException} on {@code /brokers/ids/<id>} (observed with 3.8.1 in ZooKeeperModeGatesIT; the
 * session lasts {@code zookeeper.session.timeout.ms}, 18 s by default).
 */
package io.kupgrade.gates;
