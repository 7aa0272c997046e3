package io.mptrec.ab.serving.rest;

import io.mptrec.ab.config.AbConfig;
import io.mptrec.kernel.rest.BodyLimit;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.ext.Provider;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The body limit of scoring ({@code mptrec.ab.serving.max-body-bytes}): a declared length beyond it refused here, a
 * streamed body counted by {@link ScoreRequestReader} (a reader interceptor would make Quarkus REST copy every body, the
 * ones {@link ScoringBodyBuffer} read whole too, into a stream before the reader runs).
 */
@Provider
@ScoringBodyLimit.Limited
public class ScoringBodyLimit extends BodyLimit {

    /** Marks the operations whose body the scoring limit holds. */
    @NameBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Limited {
    }

    public ScoringBodyLimit(Instance<AbConfig> config) {
        super(() -> config.get().serving().maxBodyBytes(), "a score request's body", "mptrec.ab.serving.max-body-bytes");
    }
}
