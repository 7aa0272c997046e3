package io.mptrec.ab.config;

import io.mptrec.kernel.rest.BodyLimit;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.ext.Provider;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The body limit of the batch endpoints, KPI events and covariates ({@code mptrec.ab.batches.max-body-bytes}). */
@Provider
@BatchBodyLimit.Limited
public class BatchBodyLimit extends BodyLimit.Streamed {

    /** Marks the operations whose body the batch limit holds. */
    @NameBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Limited {
    }

    public BatchBodyLimit(Instance<AbConfig> config) {
        super(() -> config.get().batches().maxBodyBytes(), "a batch's body", "mptrec.ab.batches.max-body-bytes");
    }
}
