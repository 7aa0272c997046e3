package io.mptrec.governance;

/**
 * The tests' artifacts ({@link io.mptrec.registry.testing.TestArtifacts}, from prompt-registry's test-jar, which
 * prompt-registry's own tests use as well), under the name this module's tests refer to.
 */
public final class TestArtifacts extends io.mptrec.registry.testing.TestArtifacts {

    private TestArtifacts() {
    }
}
