package io.mptrec.ab.serving.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.ab.serving.ScoreRequests.ScoreRequest;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyReader;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Reads a score request's body with the application's mapper ({@link io.mptrec.kernel.json.StrictJson}): one read whole
 * by {@link ScoringBodyBuffer} from the memory it was read into, a streamed one counted against the scoring limit
 * ({@link ScoringBodyLimit#limited}). Quarkus REST's own reader takes every body as a stream, and for a body read whole
 * that stream reads a copy of it: a 100-candidate request then allocated 650 KB as rows and 365 KB as columns, 117 and
 * 61 KB more than now (ab-testing/BENCHMARK.md, today's figures).
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public class ScoreRequestReader implements ServerMessageBodyReader<ScoreRequest> {

    private final ObjectMapper mapper;
    private final ScoringBodyLimit limit;

    public ScoreRequestReader(ObjectMapper mapper, ScoringBodyLimit limit) {
        this.mapper = mapper;
        this.limit = limit;
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo method, MediaType media) {
        return type == ScoreRequest.class;
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType media) {
        return type == ScoreRequest.class;
    }

    @Override
    public ScoreRequest readFrom(Class<ScoreRequest> type, Type genericType, MediaType media,
                                 ServerRequestContext context) throws IOException {
        Buffer whole = context instanceof ResteasyReactiveRequestContext request
                ? request.serverRequest().unwrap(RoutingContext.class).body().buffer() : null;
        ByteBuf bytes = whole == null ? null : whole.getByteBuf();
        if (bytes == null || !bytes.hasArray()) {
            return read(context.getInputStream());
        }
        return mapper.readValue(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes(),
                ScoreRequest.class);
    }

    @Override
    public ScoreRequest readFrom(Class<ScoreRequest> type, Type genericType, Annotation[] annotations, MediaType media,
                                 MultivaluedMap<String, String> headers, InputStream body) throws IOException {
        return read(body);
    }

    private ScoreRequest read(InputStream body) throws IOException {
        return mapper.readValue(limit.limited(body), ScoreRequest.class);
    }
}
