/**
 * Real Kafka clusters as local processes, for rehearsals ({@code kupgrade sandbox}) and integration tests.
 *
 * <p>Entry points: {@link io.kupgrade.sandbox.Sandbox#start} / {@link io.kupgrade.sandbox.Sandbox#startDetached} /
 * {@link io.kupgrade.sandbox.Sandbox#attach} with a {@link io.kupgrade.sandbox.SandboxSpec}, giving a
 * {@link io.kupgrade.sandbox.SandboxCluster}; {@link io.kupgrade.sandbox.KafkaDistribution} for the jars of a
 * version; {@link io.kupgrade.sandbox.junit.RealKafka} for JUnit 5 tests; {@link io.kupgrade.sandbox.load} for
 * load that proves nothing is lost. See the module's README.md for the layout of a sandbox.
 */
package io.kupgrade.sandbox;
