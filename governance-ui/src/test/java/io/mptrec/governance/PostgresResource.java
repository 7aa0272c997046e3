package io.mptrec.governance;

/**
 * The tests' PostgreSQL ({@link io.mptrec.registry.testing.PostgresResource}, from prompt-registry's test-jar, which
 * prompt-registry's own tests use as well), under the name this module's tests refer to.
 */
public class PostgresResource extends io.mptrec.registry.testing.PostgresResource {
}
