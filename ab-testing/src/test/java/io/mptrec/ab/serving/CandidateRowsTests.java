package io.mptrec.ab.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.mptrec.kernel.json.StrictJson;
import io.mptrec.kernel.problem.ProblemMappers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The score request's rows read into one table mean what Jackson's own maps mean, and fail where they fail. */
class CandidateRowsTests {

    private static final ObjectMapper MAPPER = StrictJson.apply(new ObjectMapper());

    /** Jackson's default reading of the same property. */
    record Maps(List<Map<String, String>> rows) {
    }

    record Table(@JsonDeserialize(using = CandidateRows.Deserializer.class) List<Map<String, String>> rows) {
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"rows\":[{\"a\":\"1\",\"b\":\"x\"},{\"b\":\"y\"},{},{\"c\":null,\"a\":\"2\"},{\"b\":\"z\",\"a\":\" 3 \"}]}",
        "{\"rows\":[null,{\"a\":\"1\"},null]}",
        "{\"rows\":[]}",
        "{\"rows\":null}",
        "{}",
        "{\"rows\":[{\"k0\":\"0\",\"k1\":\"1\",\"k2\":\"2\",\"k3\":\"3\",\"k4\":\"4\",\"k5\":\"5\",\"k6\":\"6\",\"k7\":\"7\","
                + "\"k8\":\"8\",\"k9\":\"9\",\"k10\":\"10\"},{\"k10\":\"a\",\"k11\":\"b\",\"k0\":null}]}",
        "{\"rows\":[{\"\":\"empty key\",\"a\\u0000\":\"control\",\"é\":\"\\u00e9\"}]}"})
    void shouldReadWhatJacksonsMapsRead(String json) throws Exception {
        List<Map<String, String>> expected = MAPPER.readValue(json, Maps.class).rows();
        List<Map<String, String>> actual = MAPPER.readValue(json, Table.class).rows();
        if (expected == null) {
            assertThat(actual).isNull();
            return;
        }
        assertThat(actual).isEqualTo(expected).hasSameHashCodeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Map<String, String> want = expected.get(i);
            Map<String, String> got = actual.get(i);
            if (want == null) {
                assertThat(got).isNull();
                continue;
            }
            assertThat(new ArrayList<>(got.entrySet())).as("row %d, keys in the body's order", i)
                    .containsExactlyElementsOf(new ArrayList<>(want.entrySet()));
            for (String key : List.of("a", "b", "c", "k0", "k10", "missing")) {
                assertThat(got.get(key)).isEqualTo(want.get(key));
                assertThat(got.containsKey(key)).as("row %d has %s", i, key).isEqualTo(want.containsKey(key));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"rows\":[{\"a\":1}]}",
        "{\"rows\":[{\"a\":\"1\"},{\"b\":1.5}]}",
        "{\"rows\":[{\"a\":true}]}",
        "{\"rows\":[{\"a\":{\"x\":\"1\"}}]}",
        "{\"rows\":[{\"a\":[\"1\"]}]}",
        "{\"rows\":[{\"a\":\"1\",\"a\":\"2\"}]}",
        "{\"rows\":[{\"a\":\"1\"},{\"b\":\"1\",\"b\":\"2\"}]}",
        "{\"rows\":[\"x\"]}",
        "{\"rows\":[{\"a\":\"1\"},5]}",
        "{\"rows\":[[]]}",
        "{\"rows\":{\"a\":\"1\"}}",
        "{\"rows\":\"abc\"}",
        "{\"rows\":[{\"a\":\"1\"}",
        "{\"rows\":[{\"a\":\"1\",}]}"})
    void shouldRefuseWhatJacksonsMapsRefuseWithTheSameFieldAndReason(String json) {
        Throwable expected = catchThrowable(() -> MAPPER.readValue(json, Maps.class));
        Throwable actual = catchThrowable(() -> MAPPER.readValue(json, Table.class));
        assertThat(expected).as("the default refuses it").isInstanceOf(JsonProcessingException.class);
        assertThat(actual).as("so does the table").isInstanceOf(JsonProcessingException.class);
        var want = ProblemMappers.jsonProblem((JsonProcessingException) expected);
        var got = ProblemMappers.jsonProblem((JsonProcessingException) actual);
        assertThat(got.field()).as("field").isEqualTo(want.field());
        assertThat(got.detail()).as("detail").isEqualTo(want.detail());
    }
}
