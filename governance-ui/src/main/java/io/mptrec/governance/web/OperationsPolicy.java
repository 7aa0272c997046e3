package io.mptrec.governance.web;

import io.mptrec.kernel.security.Permission;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who may read the operational endpoints under /q (health stays open for probes; see application.properties): the
 * metrics need {@link Permission#READ_OPERATIONS}, the API description and Swagger UI {@link Permission#READ_REGISTRY}
 * (any platform role). Roles come from the one table, never from properties. An anonymous caller is challenged
 * (401); {@code mptrec.operations.open=true} opens them to everyone, for a closed network that scrapes metrics
 * without credentials.
 */
@ApplicationScoped
public class OperationsPolicy implements HttpSecurityPolicy {

    private final boolean open;

    public OperationsPolicy(@ConfigProperty(name = "mptrec.operations.open", defaultValue = "false") boolean open) {
        this.open = open;
    }

    @Override
    public String name() {
        return "operations";
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext context) {
        if (open) {
            return Uni.createFrom().item(CheckResult.PERMIT);
        }
        Permission needed = permissionFor(request.normalizedPath());
        return identity.map(who -> !who.isAnonymous() && needed.grantedTo(who::hasRole)
                ? CheckResult.PERMIT : CheckResult.DENY);
    }

    static Permission permissionFor(String path) {
        return path.startsWith("/q/metrics") ? Permission.READ_OPERATIONS : Permission.READ_REGISTRY;
    }
}
