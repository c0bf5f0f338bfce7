package io.kupgrade.gates;

import java.time.Duration;

/**
 * How a wait passes time. Production uses {@link #SYSTEM}; tests inject a fake that advances their clock,
 * so no test really sleeps.
 */
@FunctionalInterface
public interface Sleeper {
    /** Real sleep via {@link Thread#sleep(long)}. */
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    /** Sleeps for {@code duration} (never negative); throws when the waiting thread is interrupted. */
    void sleep(Duration duration) throws InterruptedException;
}
