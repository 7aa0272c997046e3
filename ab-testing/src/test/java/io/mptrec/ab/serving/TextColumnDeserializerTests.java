package io.mptrec.ab.serving;

import io.mptrec.ab.serving.ScoreRequests.ScoreRequest;
import io.mptrec.ab.serving.TextRowDeserializerTests.PlainRequest;
import io.mptrec.model.data.TextColumn;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mptrec.ab.serving.TextRowDeserializerTests.JSON;
import static io.mptrec.ab.serving.TextRowDeserializerTests.allocatedReading;
import static io.mptrec.ab.serving.TextRowDeserializerTests.assertSameProblem;
import static io.mptrec.ab.serving.TextRowDeserializerTests.censusLikeValue;
import static org.assertj.core.api.Assertions.assertThat;

/** A score request's columns read as {@link TextColumn}s: the same lists, the same errors, as Jackson's own. */
class TextColumnDeserializerTests {

    static ScoreRequest read(String columns) throws Exception {
        return JSON.readValue("{\"task\":\"t\",\"unitId\":\"u\",\"columns\":" + columns + "}", ScoreRequest.class);
    }

    static PlainRequest readPlain(String columns) throws Exception {
        return JSON.readValue("{\"task\":\"t\",\"unitId\":\"u\",\"columns\":" + columns + "}", PlainRequest.class);
    }

    @Test
    void shouldReadEachColumnAsTheListJacksonWouldMake() throws Exception {
        String columns = "{\"age\":[\"35\",null,\"\",\" 7 \"],\"sex\":[\"F\",\"\\u00e9\\t\\\"x\\\"\",\"M\",\"\\ud83d\\ude00\"],"
                + "\"none\":[],\"gone\":null}";
        ScoreRequest request = read(columns);

        assertThat(request.columns().get("age")).isInstanceOf(TextColumn.class);
        assertThat(request.columns()).isEqualTo(readPlain(columns).columns());
        assertThat(request.columns().keySet()).containsExactly("age", "sex", "none", "gone");
        assertThat(request.columns().get("sex").get(1)).isEqualTo("\u00e9\t\"x\"");
        assertThat(request.columns().get("none")).isEmpty();
        assertThat(request.columns().get("gone")).isNull();
    }

    @Test
    void shouldReadLongColumnsAndManyColumnsOnOneThread() throws Exception {
        StringBuilder body = new StringBuilder("{");
        for (int c = 0; c < 50; c++) {
            body.append(c == 0 ? "" : ",").append("\"c").append(c).append("\":[");
            for (int r = 0; r < 1000; r++) {
                body.append(r == 0 ? "" : ",").append(r % 97 == 0 ? "null" : "\"v" + c + "-" + r + "\"");
            }
            body.append(']');
        }
        String columns = body.append('}').toString();

        assertThat(read(columns).columns()).isEqualTo(readPlain(columns).columns());
    }

    @Test
    void shouldRefuseWhatTheListDeserializerRefusesWithTheSameProblem() {
        // a number, an object, an array, a boolean where a value belongs; a column that is no array; a repeated column
        for (String columns : List.of("{\"age\":[\"1\",40]}", "{\"age\":[\"1\",{\"x\":1}]}", "{\"age\":[[1]]}",
                "{\"age\":[true]}", "{\"age\":\"1\"}", "{\"age\":{\"a\":\"1\"}}", "{\"age\":[\"1\"],\"age\":[\"2\"]}",
                "{\"age\":[\"1\",\"2\"],\"sex\":[\"F\",7.5]}")) {
            assertSameProblem(columns, () -> read(columns), () -> readPlain(columns), "columns");
        }
    }

    /**
     * What reading a score request's columns allocates, against Jackson's own lists of strings, on 100 candidates of 42
     * columns of Census-like text (a measure of bytes, not of time: the same on any machine).
     */
    @Test
    void shouldAllocateLessThanJacksonsListsForTheSameColumns() throws Exception {
        StringBuilder body = new StringBuilder("{");
        for (int c = 0; c < 42; c++) {
            body.append(c == 0 ? "" : ",").append("\"column_").append(c).append("\":[");
            for (int r = 0; r < 100; r++) {
                body.append(r == 0 ? "" : ",").append('"').append(censusLikeValue(r, c)).append('"');
            }
            body.append(']');
        }
        long[] bytes = allocatedReading("columns", body.append('}'), "100 candidates as 42 columns as TextColumns");
        long ours = bytes[0];
        long jacksons = bytes[1];
        assertThat(ours).isLessThan(jacksons / 2);
    }
}
