package io.mptrec.kernel.rest;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.ProblemMappers;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A body limit tighter than the application's ({@code quarkus.http.limits.max-body-size}, which artifact uploads
 * need), held for the operations a subclass's name-binding annotation marks: a declared length beyond it is refused
 * before the body is read, an undeclared (chunked) one as soon as the reader passes it ({@link #limited}); both with a
 * 413 problem naming the body. A subclass is a {@code @Provider} with its binding, and says what the body is and where
 * its limit is set. Reading through {@link #limited} is the binding's reader interceptor ({@link Streamed}) or, for a
 * body its own reader reads from memory, that reader (a reader interceptor makes Quarkus REST copy every body into a
 * stream before a reader runs).
 */
public abstract class BodyLimit implements ContainerRequestFilter {

    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");

    /** Looked up on first use: the providers are made before the configuration mappings are. */
    private final LongSupplier configured;
    private final String body;
    private final String property;
    /**
     * The limit once looked up (-1 before): each lookup of a configuration mapping makes its bean anew, loading its
     * class by name, which took about 0.6 % of a 100-candidate score request's CPU when done twice a request.
     */
    private volatile long limit = -1;

    /**
     * @param configured the limit in bytes, read once, on first use
     * @param body       what the body is, for the refusal (e.g. {@code a score request's body})
     * @param property   where the limit is set, for the refusal
     */
    protected BodyLimit(LongSupplier configured, String body, String property) {
        this.configured = configured;
        this.body = body;
        this.property = property;
    }

    /** The limit in bytes. */
    public long limit() {
        long known = limit;
        if (known < 0) {
            known = configured.getAsLong();
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
    public static long declaredLength(String header) {
        return header != null && DECIMAL.matcher(header).matches() ? Long.parseLong(header) : -1;
    }

    /** {@code in}, refused with a 413 problem as soon as it has given more bytes than the limit. */
    public InputStream limited(InputStream in) {
        return new Counting(in, limit());
    }

    /** A body limit whose bodies the binding's reader interceptor counts, whatever reader reads them. */
    public abstract static class Streamed extends BodyLimit implements ReaderInterceptor {

        protected Streamed(LongSupplier configured, String body, String property) {
            super(configured, body, property);
        }

        @Override
        public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
            context.setInputStream(limited(context.getInputStream()));
            return context.proceed();
        }
    }

    private ApiException refusal() {
        return ApiException.tooLarge(body + " holds at most " + limit() + " bytes (" + property + ")", "body");
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
