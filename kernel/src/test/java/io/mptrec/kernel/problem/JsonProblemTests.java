package io.mptrec.kernel.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JsonProblemTests {

    /** Valid JSON past one of the reader's limits is named as such, without the library's class names. */
    @Test
    void shouldSayWhichLimitALongNamePassesWithoutInternals() {
        String body = "{\"columns\":{\"" + "a".repeat(60_000) + "\":[\"1\"]}}";
        JsonProcessingException e = catchThrowableOfType(() -> new ObjectMapper().readValue(body, Map.class),
                JsonProcessingException.class);

        Problem problem = ProblemMappers.jsonProblem(e);

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.detail()).isEqualTo("the body is past a limit of the JSON reader: "
                + "Name length (60000) exceeds the maximum allowed (50000)");
    }

    /** A value of the wrong type is named in words, never by the Java type's name. */
    @Test
    void shouldNameTheExpectedTypeInWords() {
        record Event(Double value, Integer version) {
        }
        ObjectMapper strict = new ObjectMapper().disable(
                com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);

        JsonProcessingException text = catchThrowableOfType(() -> strict.readValue("{\"value\":\"1\"}", Event.class),
                JsonProcessingException.class);
        JsonProcessingException fraction = catchThrowableOfType(
                () -> strict.readValue("{\"version\":\"x\"}", Event.class), JsonProcessingException.class);

        assertThat(ProblemMappers.jsonProblem(text).detail()).endsWith("value must be a number")
                .doesNotContain("Double");
        assertThat(ProblemMappers.jsonProblem(fraction).detail()).endsWith("version must be a whole number")
                .doesNotContain("Integer");
    }

    @Test
    void shouldStillCallBrokenJsonBrokenJson() {
        JsonProcessingException e = catchThrowableOfType(() -> new ObjectMapper().readValue("{\"a\":", Map.class),
                JsonProcessingException.class);

        assertThat(ProblemMappers.jsonProblem(e).detail()).isEqualTo("body is not valid JSON (line 1, column 6)");
        assertThat(ProblemMappers.jsonProblem(e).field()).isEqualTo("body");
    }
}
