package io.mptrec.governance.ui.page;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/** Enforces {@link Requires} around a page method, so that a refusal goes through {@link PageErrors} (403 page). */
@Requires
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class RequiresCheck {

    private final Viewer viewer;

    public RequiresCheck(Viewer viewer) {
        this.viewer = viewer;
    }

    @AroundInvoke
    Object check(InvocationContext call) throws Exception {
        Requires requires = call.getMethod().getAnnotation(Requires.class);
        if (requires != null) {
            viewer.require(requires.action(), requires.value());
        }
        return call.proceed();
    }
}
