package io.mptrec.governance.ui.session;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * The key that encrypts the sign-in cookie of the embedded users: {@code MPTREC_SESSION_KEY} when set (sessions then
 * survive restarts and work across replicas), otherwise a random key per start. Without it Quarkus would make its own
 * temporary key and print it to the log; a key does not belong in a log. Lowest priority: any
 * {@code quarkus.http.auth.session.encryption-key} given in the usual ways wins.
 */
public class SessionKeyConfigSource implements ConfigSource {

    static final String KEY = "quarkus.http.auth.session.encryption-key";

    private final String value;

    public SessionKeyConfigSource() {
        String configured = System.getenv("MPTREC_SESSION_KEY");
        if (configured != null && !configured.isBlank()) {
            value = configured;
        } else {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            value = Base64.getEncoder().encodeToString(random);
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, value);
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) ? value : null;
    }

    @Override
    public String getName() {
        return "mptrec-session-key";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
