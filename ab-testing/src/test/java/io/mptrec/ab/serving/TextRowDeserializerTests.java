package io.mptrec.ab.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.ab.serving.ScoreRequests.ScoreRequest;
import io.mptrec.kernel.json.StrictJson;
import io.mptrec.kernel.problem.Problem;
import io.mptrec.kernel.problem.ProblemMappers;
import io.mptrec.model.data.TextRow;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A score request's rows read as {@link TextRow}s: the same map, the same errors, as Jackson's own. */
class TextRowDeserializerTests {

    static final ObjectMapper JSON = StrictJson.apply(new ObjectMapper());

    static ScoreRequest read(String rows) throws Exception {
        return JSON.readValue("{\"task\":\"t\",\"unitId\":\"u\",\"rows\":" + rows + "}", ScoreRequest.class);
    }

    /** The same request with Jackson's own map for each row. */
    record PlainRequest(String task, String unitId, List<Map<String, String>> rows, Map<String, List<String>> columns) {
    }

    static PlainRequest readPlain(String rows) throws Exception {
        return JSON.readValue("{\"task\":\"t\",\"unitId\":\"u\",\"rows\":" + rows + "}", PlainRequest.class);
    }

    @Test
    void shouldReadEachRowAsTheMapJacksonWouldMake() throws Exception {
        String rows = "[{\"age\":\"35\",\"sex\":\"F\",\"gone\":null,\"empty\":\"\"},{},null]";
        ScoreRequest request = read(rows);

        assertThat(request.rows().get(0)).isInstanceOf(TextRow.class);
        assertThat(request.rows()).isEqualTo(readPlain(rows).rows());
        assertThat(request.rows().get(0).keySet()).containsExactly("age", "sex", "gone", "empty");
        assertThat(request.rows().get(0)).containsEntry("gone", null).containsEntry("empty", "");
        assertThat(request.rows().get(1)).isEmpty();
        assertThat(request.rows().get(2)).isNull();
    }

    @Test
    void shouldFindEveryColumnInAnyOrderOfLookups() throws Exception {
        Map<String, String> row = read("[{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\"}]").rows().get(0);
        // in order, backwards, repeated, a name built at run time (not interned), and one that is not there
        for (String name : List.of("a", "b", "c", "d", "d", "c", "b", "a", "c", "a")) {
            assertThat(row.get(name)).isEqualTo(Integer.toString(name.charAt(0) - 'a' + 1));
        }
        assertThat(row.get(new String(new char[] {'c'}))).isEqualTo("3");
        assertThat(row.get("e")).isNull();
        assertThat(row.containsKey("e")).isFalse();
        assertThat(row.containsKey("b")).isTrue();
        assertThat(row.get(42)).isNull();
        assertThat(row.size()).isEqualTo(4);
    }

    @Test
    void shouldHandOverTheCellsInTheBodysOrder() throws Exception {
        StringBuilder body = new StringBuilder("[{");
        for (int k = 0; k < 100; k++) {  // more than the row's first arrays hold
            body.append(k == 0 ? "" : ",").append("\"c").append(k).append("\":\"v").append(k).append('"');
        }
        Map<String, String> row = read(body.append("}]").toString()).rows().get(0);
        List<String> cells = new ArrayList<>();
        row.forEach((name, value) -> cells.add(name + "=" + value));
        assertThat(cells).hasSize(100).startsWith("c0=v0", "c1=v1").endsWith("c99=v99");
        assertThat(row.get("c57")).isEqualTo("v57");
        assertThat(new ArrayList<>(row.entrySet()).get(99).getValue()).isEqualTo("v99");
    }

    @Test
    void shouldRefuseWhatTheMapDeserializerRefusesWithTheSameProblem() {
        // a number, an object, an array where a value belongs, a row that is no object, a repeated column
        for (String rows : List.of("[{\"age\":\"1\"},{\"age\":40}]", "[{\"age\":\"1\"},{\"age\":{\"x\":1}}]",
                "[{\"age\":[1]}]", "[\"not a row\"]", "[{\"age\":true}]", "[{\"age\":\"1\",\"age\":\"2\"}]")) {
            assertSameProblem(rows, () -> read(rows), () -> readPlain(rows), "rows[");
        }
    }

    @Test
    void shouldRefuseARepeatedNameAnywhereInAnyRowAsTheParserDoes() {
        // third and later names (where the parser's check starts a set), a later row, a value of the wrong type after
        // the repeated name (the name is refused first), a null, and a row wider than the builder's first table
        StringBuilder wide = new StringBuilder("[{");
        for (int k = 0; k < 100; k++) {
            wide.append("\"c").append(k).append("\":\"v\",");
        }
        for (String rows : List.of("[{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"a\":\"4\"}]",
                "[{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"c\":null}]",
                "[{\"a\":\"1\"},{\"a\":\"1\",\"b\":\"2\"},{\"b\":\"1\",\"a\":\"2\",\"b\":\"3\"}]",
                "[{\"age\":\"1\",\"age\":40}]", wide.append("\"c77\":\"again\"}]").toString())) {
            assertSameProblem(rows, () -> read(rows), () -> readPlain(rows), "rows[");
        }
    }

    /** Rows of other shapes than the one before them, and names written with escapes, read as Jackson's maps. */
    @Test
    void shouldReadRowsOfChangingShapesAndEscapedNamesAsJacksonDoes() throws Exception {
        List<String> requests = List.of(
                "[{\"age\":\"35\",\"sex\":\"F\",\"race\":\"W\"},{\"age\":\"36\",\"sex\":\"M\",\"race\":\"B\"}]",
                "[{\"sex\":\"F\",\"age\":\"35\",\"race\":\"W\"},{\"age\":\"1\"},"
                        + "{\"age\":\"2\",\"sex\":\"M\",\"race\":\"B\",\"x\":null}]",
                "[{\"\\u0061ge\":\"35\",\"s\\u0065x\":\"F\",\"race\":\"W\"},{}]");
        for (String rows : requests) {
            List<Map<String, String>> ours = read(rows).rows();
            assertThat(ours).as(rows).isEqualTo(readPlain(rows).rows());
            for (int r = 0; r < ours.size(); r++) {
                assertThat(new ArrayList<>(ours.get(r).keySet())).as(rows)
                        .isEqualTo(new ArrayList<>(readPlain(rows).rows().get(r).keySet()));
            }
        }
    }

    @Test
    void shouldLeaveTheParsersCheckOnForTheObjectsAroundAndAfterTheRows() {
        // the request's own keys, and the columns' object read after the rows at the rows' depth
        for (String body : List.of("{\"task\":\"t\",\"rows\":[{\"a\":\"1\"},{\"b\":\"2\"}],\"task\":\"x\"}",
                "{\"task\":\"t\",\"rows\":[{\"a\":\"1\"}],\"columns\":{\"a\":[\"1\"],\"b\":[\"2\"],\"a\":[\"3\"]}}")) {
            assertSameProblem(body, () -> JSON.readValue(body, ScoreRequest.class),
                    () -> JSON.readValue(body, PlainRequest.class), "");
        }
    }

    /**
     * Our reading fails where Jackson's own does, and the API answers (problem+json) the same detail and field.
     */
    static void assertSameProblem(String input, Read ours, Read jacksons, String fieldPrefix) {
        Throwable refused = catchThrowable(ours::run);
        assertThat(refused).as(input).isInstanceOf(JsonProcessingException.class);
        Problem problem = ProblemMappers.jsonProblem((JsonProcessingException) refused);
        assertThat(problem).as(input)
                .isEqualTo(ProblemMappers.jsonProblem((JsonProcessingException) catchThrowable(jacksons::run)));
        assertThat(problem.field()).as(input).startsWith(fieldPrefix);
    }

    /** Census-like text for candidate {@code row}, column {@code column}: a number, a long category or a short one. */
    static String censusLikeValue(int row, int column) {
        return column % 3 == 0 ? Integer.toString(row * 7 + column) : column % 3 == 1 ? "Not in universe" : "Private";
    }

    /**
     * What reading a score request's rows allocates, against Jackson's own maps, on 100 candidates of 42 columns of
     * Census-like text (a measure of bytes, not of time: the same on any machine, once the JIT has compiled both).
     */
    @Test
    void shouldAllocateLessThanJacksonsMapsForTheSameRows() throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (int r = 0; r < 100; r++) {
            body.append(r == 0 ? "{" : ",{");
            for (int c = 0; c < 42; c++) {
                body.append(c == 0 ? "" : ",").append("\"column_").append(c).append("\":\"").append(censusLikeValue(r, c))
                        .append('"');
            }
            body.append('}');
        }
        long[] bytes = allocatedReading("rows", body.append(']'), "100 rows of 42 columns as TextRows");
        long ours = bytes[0];
        long jacksons = bytes[1];
        assertThat(ours).isLessThan(jacksons * 3 / 5);
    }

    /**
     * The bytes reading a request with these candidates allocates, as a {@link ScoreRequest} and as Jackson's own
     * types ({@link PlainRequest}), printed.
     */
    static long[] allocatedReading(String layout, CharSequence candidates, String what) throws Exception {
        // as bytes, as the server reads a body (a String would first be copied whole into a char array)
        byte[] request = ("{\"task\":\"t\",\"unitId\":\"u\",\"" + layout + "\":" + candidates + "}")
                .getBytes(StandardCharsets.UTF_8);
        long ours = allocatedPerRead(() -> JSON.readValue(request, ScoreRequest.class));
        long jacksons = allocatedPerRead(() -> JSON.readValue(request, PlainRequest.class));
        System.out.printf("reading %s allocates %,d bytes, with Jackson's own types %,d (%.0f %%)%n", what, ours,
                jacksons, 100.0 * ours / jacksons);
        return new long[] {ours, jacksons};
    }

    interface Read {
        Object run() throws Exception;
    }

    /** The bytes this thread allocates per read, the median of 20 rounds of 50 reads after 500 to warm up. */
    static long allocatedPerRead(Read read) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 500; i++) {
            read.run();
        }
        long[] rounds = new long[20];
        for (int round = 0; round < rounds.length; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50; i++) {
                read.run();
            }
            rounds[round] = (threads.getCurrentThreadAllocatedBytes() - before) / 50;
        }
        Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }
}
