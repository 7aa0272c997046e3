package io.mptrec.governance.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wrong passwords, counted per user name and per client address: after {@code max-failures} for one user name (or
 * {@code max-failures-per-address} from one address) within {@code lockout}, sign-ins for it are refused for
 * {@code lockout}, whatever the password, on the sign-in form and HTTP Basic alike. A right password resets its
 * user name's count, not its address's (one good account must not buy unlimited guesses at the others). In memory,
 * per instance: several instances each allow the limit.
 */
@ApplicationScoped
public class SignInThrottle {

    @ConfigMapping(prefix = "mptrec.sign-in")
    public interface Limits {
        @WithDefault("5")
        int maxFailures();

        @WithDefault("30")
        int maxFailuresPerAddress();

        @WithDefault("PT5M")
        Duration lockout();
    }

    /** Failures within the current window, and until when the key is locked out. */
    private record Count(int failures, Instant since, Instant lockedUntil) {
    }

    /** More keys than this and expired ones are dropped, so that random user names cannot fill the memory. */
    private static final int PRUNE_ABOVE = 10_000;

    private final Limits limits;
    private final Clock clock;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    @Inject
    public SignInThrottle(Limits limits) {
        this(limits, Clock.systemUTC());
    }

    SignInThrottle(Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** Seconds until this user name or address may try again; 0 when it may now. */
    public long retryAfterSeconds(String user, String address) {
        Instant now = clock.instant();
        return Math.max(remaining(key("user", user), now), remaining(key("address", address), now));
    }

    public void failed(String user, String address) {
        Instant now = clock.instant();
        count(key("user", user), limits.maxFailures(), now);
        count(key("address", address), limits.maxFailuresPerAddress(), now);
        if (counts.size() > PRUNE_ABOVE) {
            counts.values().removeIf(c -> c.lockedUntil().isBefore(now) && c.since().plus(limits.lockout()).isBefore(now));
        }
    }

    public void succeeded(String user) {
        counts.remove(key("user", user));
    }

    private long remaining(String key, Instant now) {
        Count c = key == null ? null : counts.get(key);
        if (c == null || !c.lockedUntil().isAfter(now)) {
            return 0;
        }
        return Math.max(1, Duration.between(now, c.lockedUntil()).toSeconds() + 1);
    }

    private void count(String key, int max, Instant now) {
        if (key == null) {
            return;
        }
        counts.compute(key, (k, c) -> {
            if (c == null || c.since().plus(limits.lockout()).isBefore(now)) {
                c = new Count(0, now, Instant.EPOCH);
            }
            int failures = c.failures() + 1;
            return failures >= max ? new Count(0, now, now.plus(limits.lockout())) : new Count(failures, c.since(),
                    c.lockedUntil());
        });
    }

    private static String key(String kind, String value) {
        return value == null || value.isEmpty() ? null : kind + ":" + value;
    }
}
