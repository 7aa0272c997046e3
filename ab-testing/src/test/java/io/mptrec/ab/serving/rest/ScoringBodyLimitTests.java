package io.mptrec.ab.serving.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.ab.serving.ScoreRequests.ScoreRequest;
import io.mptrec.kernel.json.StrictJson;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.Problem;
import io.mptrec.kernel.problem.ProblemMappers;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A streamed score body that passes its limit is refused with the limit's 413 wherever the reading stops, whether the
 * parser was between the request's fields (the refusal reaches the API as thrown) or inside a value (Jackson wraps it
 * with the value's path). Found by a clean-clone run, where a chunked body past the limit was once answered 400.
 */
class ScoringBodyLimitTests {

    static final ObjectMapper JSON = StrictJson.apply(new ObjectMapper());

    @Test
    void shouldAnswerTheLimitsRefusalWhereverTheReadingStops() {
        byte[] body = ("{\"task\":\"t\",\"unitId\":\"u\",   \"rows\":[{\"age\":\"40\", \"sex\":\"f\"},  {\"age\":\"23\"}],"
                + "\"columns\":null}").getBytes(StandardCharsets.UTF_8);
        for (int limit = 0; limit < body.length; limit++) {
            InputStream in = limited(body, limit);
            Throwable refused = catchThrowable(() -> JSON.readValue(in, ScoreRequest.class));
            Problem answered = refused instanceof ApiException api ? api.problem()
                    : ProblemMappers.jsonProblem((JsonProcessingException) refused);
            assertThat(answered.status()).as("refused after %d bytes: %s", limit, refused).isEqualTo(413);
            assertThat(answered.field()).isEqualTo("body");
        }
    }

    /** The body, refused as the scoring limit refuses it once more than {@code limit} bytes were read. */
    private static InputStream limited(byte[] body, int limit) {
        return new FilterInputStream(new ByteArrayInputStream(body)) {
            private int read;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                // a byte at a time, so the limit is passed where the parser is at that byte
                int n = super.read(buffer, offset, Math.min(length, 1));
                read += Math.max(n, 0);
                if (read > limit) {
                    throw ApiException.tooLarge("past the limit", "body");
                }
                return n;
            }
        };
    }
}
