package io.mptrec.governance.web;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The counting rules of the sign-in throttle, on a clock the test moves. */
class SignInThrottleTests {

    static final SignInThrottle.Limits LIMITS = new SignInThrottle.Limits() {
        public int maxFailures() {
            return 3;
        }

        public int maxFailuresPerAddress() {
            return 5;
        }

        public Duration lockout() {
            return Duration.ofMinutes(5);
        }
    };

    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    SignInThrottle throttle = new SignInThrottle(LIMITS, new Clock() {
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    });

    @Test
    void shouldLockAUserNameOutAfterTheLimitForTheLockoutThenLetItTryAgain() {
        throttle.failed("carol", "10.0.0.1");
        throttle.failed("carol", "10.0.0.2");
        assertThat(throttle.retryAfterSeconds("carol", "10.0.0.3")).isZero();
        throttle.failed("carol", "10.0.0.3");
        assertThat(throttle.retryAfterSeconds("carol", "10.0.0.4")).isEqualTo(301);
        assertThat(throttle.retryAfterSeconds("dave", "10.0.0.4")).isZero();
        now = now.plus(Duration.ofMinutes(5)).plusSeconds(1);
        assertThat(throttle.retryAfterSeconds("carol", "10.0.0.4")).isZero();
    }

    @Test
    void shouldResetAUserNamesCountOnSuccessButNotItsAddresss() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("carol", "10.0.0.1");
            throttle.succeeded("carol");
        }
        assertThat(throttle.retryAfterSeconds("carol", "10.0.0.9")).isZero();
        throttle.failed("carol", "10.0.0.1");
        assertThat(throttle.retryAfterSeconds("anyone", "10.0.0.1")).as("five failures from one address").isPositive();
    }

    @Test
    void shouldForgetFailuresOlderThanTheWindow() {
        throttle.failed("carol", "10.0.0.1");
        throttle.failed("carol", "10.0.0.1");
        now = now.plus(Duration.ofMinutes(6));
        throttle.failed("carol", "10.0.0.1");
        assertThat(throttle.retryAfterSeconds("carol", "10.0.0.2")).isZero();
    }
}
