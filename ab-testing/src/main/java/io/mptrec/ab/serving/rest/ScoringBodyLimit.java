package io.mptrec.ab.serving.rest;

import io.mptrec.ab.config.AbConfig;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.ProblemMappers;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.regex.Pattern;

/**
 * The body limit of scoring ({@code mptrec.ab.serving.max-body-bytes}), tighter than the application's (which artifact
 * uploads need): a declared length beyond it is refused before the body is read, an undeclared (chunked) one as soon
 * as the reader passes it; both with a 413 problem naming the body.
 */
@Provider
@ScoringBodyLimit.Limited
public class ScoringBodyLimit implements ContainerRequestFilter, ReaderInterceptor {

    /** Marks the operations whose body the scoring limit holds. */
    @NameBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Limited {
    }

    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");

    /** Looked up on first use: the providers are made before the configuration mappings are. */
    private final Instance<AbConfig> config;
    /**
     * The limit once looked up (-1 before): each lookup makes the mapping's bean anew, loading its class by name, which
     * took about 0.6 % of a 100-candidate request's CPU when done twice a request.
     */
    private volatile long limit = -1;

    public ScoringBodyLimit(Instance<AbConfig> config) {
        this.config = config;
    }

    private long limit() {
        long known = limit;
        if (known < 0) {
            known = config.get().serving().maxBodyBytes();
            limit = known;
        }
        return known;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (declaredLength(request.getHeaderString("Content-Length")) > limit()) {
            request.abortWith(ProblemMappers.respond(refusal().problem()).toResponse());
        }
    }

    /** The length a {@code Content-Length} header declares; -1 without one (chunked) or for one that is no length. */
    static long declaredLength(String header) {
        return header != null && DECIMAL.matcher(header).matches() ? Long.parseLong(header) : -1;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        context.setInputStream(new Counting(context.getInputStream(), limit()));
        return context.proceed();
    }

    private ApiException refusal() {
        return ApiException.tooLarge("a score request's body holds at most " + limit()
                + " bytes (mptrec.ab.serving.max-body-bytes)", "body");
    }

    /** Refuses to read past the limit. */
    private final class Counting extends FilterInputStream {
        private final long limit;
        private long read;

        Counting(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw refusal();
            }
        }
    }
}
