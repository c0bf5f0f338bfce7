package io.kupgrade.sandbox.junit;

import io.kupgrade.sandbox.SandboxSpec;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class a real Kafka cluster ({@link io.kupgrade.sandbox.SandboxCluster}), injected into
 * fields of that type (static or instance) and into test, lifecycle and constructor parameters of that type.
 *
 * <pre>
 * &#64;RealKafka(version = "3.8.1", brokers = 3, mode = SandboxSpec.Mode.ZOOKEEPER)
 * class MyGateIT {
 *     static SandboxCluster cluster;          // set before &#64;BeforeAll methods run
 *     &#64;Test void works(SandboxCluster same) { ... }
 * }
 * </pre>
 *
 * <p>Lifetime: with {@code shared = false} (default) one cluster per test class, started before its first test
 * and closed after its last (nested classes see their outer class's cluster). With {@code shared = true} the
 * cluster is shared by every class of the test run that asks for an identical spec, and closed when the run
 * ends: use it when several classes only read. Either way the cluster is also stopped when the JVM exits or is
 * killed (see {@link io.kupgrade.sandbox.Sandbox#start}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealKafkaExtension.class)
public @interface RealKafka {

    /** Kafka version of every broker at start. */
    String version() default "3.8.1";

    /** Number of brokers (ids 1..n). */
    int brokers() default 3;

    /** Number of racks, assigned round-robin ({@code r1}, {@code r2}, ...); 0 for none. */
    int racks() default 3;

    SandboxSpec.Mode mode() default SandboxSpec.Mode.ZOOKEEPER;

    /** Further versions installed on every host, for {@code bin/switch-version}. */
    String[] extraVersions() default {};

    /** Heap of each broker in MB. */
    int heapMb() default 256;

    /** Extra {@code server.properties} entries, each {@code key=value}. */
    String[] brokerProperties() default {};

    /** Share one cluster per identical spec across the whole test run instead of one per class. */
    boolean shared() default false;
}
