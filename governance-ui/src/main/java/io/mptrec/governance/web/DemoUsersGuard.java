package io.mptrec.governance.web;

import io.mptrec.governance.ui.page.UiConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses to start with the embedded demo users' default passwords (password = user name) when the application
 * listens beyond loopback: anyone on the network could then sign in as admin. The operator sets real passwords
 * ({@code MPTREC_PASSWORD_<USER>}) or opts in with {@code MPTREC_ALLOW_DEMO_USERS=true}. Nothing to check with
 * Keycloak (the embedded users are closed) or when embedded users are disabled.
 */
@ApplicationScoped
public class DemoUsersGuard {

    private static final Logger LOG = Logger.getLogger(DemoUsersGuard.class);

    static final String USERS = "quarkus.security.users.embedded.users.";

    void check(@Observes StartupEvent started, Config config, UiConfig ui) {
        boolean embedded = config.getOptionalValue("quarkus.security.users.embedded.enabled", Boolean.class)
                .orElse(false) && !ui.keycloak();
        String host = config.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
        boolean allowed = config.getOptionalValue("mptrec.allow-demo-users", Boolean.class).orElse(false);
        Set<String> defaults = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(USERS)) {
                String user = name.substring(USERS.length());
                if (user.equals(config.getOptionalValue(name, String.class).orElse(null))) {
                    defaults.add(user);
                }
            }
        }
        refusal(embedded, host, defaults, allowed).ifPresent(message -> {
            throw new IllegalStateException(message);
        });
        if (allowed) {
            refusal(embedded, host, defaults, false).ifPresent(ignored -> LOG.warnf("MPTREC_ALLOW_DEMO_USERS=true: "
                    + "listening on %s with the demo passwords of %s", host, String.join(", ", defaults)));
        }
    }

    /** Why the application must not start, if it must not. */
    static Optional<String> refusal(boolean embeddedUsers, String host, Set<String> usersWithDefaultPassword,
                                    boolean allowDemoUsers) {
        if (!embeddedUsers || allowDemoUsers || usersWithDefaultPassword.isEmpty() || isLoopback(host)) {
            return Optional.empty();
        }
        return Optional.of("Refusing to start: the application listens on " + host + " (beyond this machine) and the "
                + "embedded users " + String.join(", ", new TreeSet<>(usersWithDefaultPassword)) + " still have their demo password "
                + "(the user name). Set real passwords with MPTREC_PASSWORD_<USER> (e.g. MPTREC_PASSWORD_ADMIN), listen "
                + "on 127.0.0.1 only, or accept the demo users explicitly with MPTREC_ALLOW_DEMO_USERS=true.");
    }

    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
