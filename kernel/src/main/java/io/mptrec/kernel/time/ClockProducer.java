package io.mptrec.kernel.time;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;

/** Time comes from an injected clock, so tests can pin it. */
public class ClockProducer {

    /**
     * Ticks in microseconds, the precision the database keeps (TIMESTAMP WITH TIME ZONE on H2 and PostgreSQL): what a
     * change returns (an upload's createdAt, a release's releasedAt) is then what every later read of it shows.
     */
    @Produces
    @Singleton
    @DefaultBean
    public Clock clock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
    }
}
