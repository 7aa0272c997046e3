package io.mptrec.governance.ui.page;

import io.mptrec.kernel.security.Permission;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The permission a page or page action needs, from the one table ({@link Permission}): {@link RequiresCheck}
 * refuses the call before the method body runs ({@link Viewer#require}, the 403 page), and the role-parity test
 * reads it. A page method without it is open to every signed-in user.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Requires {

    @Nonbinding
    Permission value() default Permission.READ_REGISTRY;

    /** What the person tried, for the refusal: "... may not {action}: that needs the role ...". */
    @Nonbinding
    String action() default "";
}
