package io.mptrec.governance.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.mptrec.governance.fuzz.OpenApiFuzzer.Answer;
import io.mptrec.governance.fuzz.OpenApiFuzzer.Case;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.fuzz.Mutations.JSON;

/**
 * One fuzz run against the running application: seeds a world, sends {@code requests} generated requests, checks
 * each answer, and reports the failures grouped by class (the check, the operation, what was mutated and how), each
 * class with one reproduction: the shortest request of the class.
 */
final class FuzzRun {

    /** Default 1,500 requests (the quick mode of the default build); {@code .ci/run} sets 10,000. */
    static final int REQUESTS = Integer.getInteger("mptrec.fuzz.requests", 1500);
    /** One seed per test JVM, printed; {@code -Dmptrec.fuzz.seed=...} replays a run. */
    static final long SEED = Long.getLong("mptrec.fuzz.seed", System.nanoTime() % 1_000_000_007L);
    /** Requests per seeded world: accepted mutations wear it out (labels removed, experiments stopped). */
    static final int PER_WORLD = 1000;

    /** The checks that fail the test, and one that is only reported. */
    enum Check {
        SERVER_ERROR("5xx: the server failed instead of refusing"),
        NO_ANSWER("the connection closed without an answer"),
        SESSION_LOST("a page request ended the signed-in session (redirect to the sign-in page)"),
        NOT_A_PROBLEM("4xx that is not application/problem+json"),
        PROBLEM_STATUS("problem+json whose status differs from the response's"),
        NO_FIELD("400 for a mutated field or parameter without a `field`"),
        CHANGED_WHEN_REFUSED("refused, but the tables changed"),
        ACCEPTED_HOSTILE("2xx for a value that must be refused (NUL, control character, wrong JSON type, "
                + "overflowing number, duplicate key, broken artifact)"),
        LEAK("the answer shows internals (exception, stack trace, SQL)"),
        PILOT_UNSETTLED("a pilot the request started could not be read back or did not end (its writes would be "
                + "taken for a later request's)"),
        FIELD_DIFFERS("(reported, not failed) 400 names another field than the mutated one");

        final String meaning;

        Check(String meaning) {
            this.meaning = meaning;
        }

        boolean fails() {
            return this != FIELD_DIFFERS;
        }
    }

    record Failure(Check check, Case request, Answer answer, String detail) {
        String classKey() {
            return check + " | " + request.operation().key() + " | " + request.target().replaceAll("\\[\\d+]", "[]")
                    + " | " + request.family();
        }
    }

    private final String database;
    private final OpenApiFuzzer fuzzer;
    private final Tables tables;
    private final Runnable settle;
    private final List<Failure> failures = new ArrayList<>();
    private final Map<String, Integer> statuses = new TreeMap<>();
    private final Map<String, long[]> timeByFamily = new TreeMap<>();
    private int sent;
    private int refusedChanges;
    private World currentWorld;
    /** The tables as the last refused request left them; null when an accepted one may have changed them since. */
    private Tables.Snapshot last;
    private final Map<String, Map<Integer, Integer>> validAnswers = new TreeMap<>();

    FuzzRun(String database, String base, DataSource dataSource, Runnable settle) throws Exception {
        this.database = database;
        JsonNode document = JSON.readTree(as("erin").get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());
        this.fuzzer = new OpenApiFuzzer(document, SEED, base);
        this.tables = new Tables(dataSource);
        this.settle = settle;
    }

    /** Runs and returns the report; {@link #failed()} says whether a failing check fired. */
    String run(int requests) throws Exception {
        long started = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t = System.nanoTime();
            if (i % PER_WORLD == 0) {
                Tables.Snapshot unseeded = tables.snapshot();
                currentWorld = World.seed("fuzz-" + database + "-" + (i / PER_WORLD),
                        SEED % 100_000 * 100 + i / PER_WORLD * 10L, i == 0);
                fuzzer.world(currentWorld);
                // the check that refusals change nothing must see a change when there is one: five new versions
                if (!tables.snapshot().changesTo(unseeded).contains("prompt_version")) {
                    throw new IllegalStateException("the table snapshot does not see the seeded versions");
                }
            }
            phase("seed", t);
            t = System.nanoTime();
            Case c = fuzzer.next();
            phase("generate", t);
            t = System.nanoTime();
            Tables.Snapshot before = !c.operation().mutating() ? null : last != null ? last : tables.snapshot();
            phase("snapshot", t);
            long t0 = System.nanoTime();
            Answer answer = fuzzer.send(c);
            long[] time = timeByFamily.computeIfAbsent(c.family(), k -> new long[2]);
            time[0]++;
            time[1] += System.nanoTime() - t0;
            sent++;
            statuses.merge(c.operation().key() + " " + answer.status(), 1, Integer::sum);
            if (c.family().equals("valid")) {
                validAnswers.computeIfAbsent(c.operation().key(), k -> new TreeMap<>()).merge(answer.status(), 1,
                        Integer::sum);
            }
            t = System.nanoTime();
            check(c, answer, before);
            phase("check", t);
            if (i % PER_WORLD == PER_WORLD - 1) {
                last = null; // the next world is seeded
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        return report(seconds);
    }

    private void phase(String name, long since) {
        long[] time = timeByFamily.computeIfAbsent("(phase " + name + ")", k -> new long[2]);
        time[0]++;
        time[1] += System.nanoTime() - since;
    }

    /** quarkus.http.limits.max-initial-line-length, Quarkus's default: "METHOD path?query HTTP/1.1". */
    static final int MAX_REQUEST_LINE = 4096;

    private static int requestLineLength(Case c) {
        java.net.URI uri = java.net.URI.create(c.url());
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return c.operation().method().length() + 1 + target.length() + " HTTP/1.1".length();
    }

    boolean failed() {
        return failures.stream().anyMatch(f -> f.check().fails());
    }

    private void check(Case c, Answer a, Tables.Snapshot before) throws Exception {
        int status = a.status();
        boolean problem = a.contentType().startsWith("application/problem+json");
        if (status >= 500) {
            fail(Check.SERVER_ERROR, c, a, "");
        } else if (status == 0) {
            fail(Check.NO_ANSWER, c, a, "");
        }
        JsonNode body = null;
        if (problem) {
            try {
                body = JSON.readTree(a.body());
            } catch (Exception e) {
                fail(Check.NOT_A_PROBLEM, c, a, "problem+json that does not parse");
            }
        }
        // the HTTP layer's documented limit: Vert.x refuses an overlong request line before any handler of ours runs
        // (Quarkus offers no hook to shape that answer), so a bare 414 is the expected refusal there
        boolean overlongLine = status == 414 && !problem && requestLineLength(c) > MAX_REQUEST_LINE;
        if (status >= 400 && status < 500 && status != 401 && status != 403 && !c.operation().page() && !overlongLine) {
            if (!problem) {
                fail(Check.NOT_A_PROBLEM, c, a, "Content-Type " + a.contentType());
            } else if (body != null) {
                if (body.path("status").asInt() != status) {
                    fail(Check.PROBLEM_STATUS, c, a, "status " + body.path("status"));
                }
                String field = body.path("field").asText("");
                if (status == 400 && c.expectedField() != null) {
                    if (field.isBlank()) {
                        fail(Check.NO_FIELD, c, a, "expected " + c.expectedField());
                    } else if (!names(field, c.expectedField()) && !c.operation().path().endsWith("/report")) {
                        fail(Check.FIELD_DIFFERS, c, a, "field " + field + ", mutated " + c.expectedField());
                    }
                }
            }
        }
        if (c.operation().page() && status == 302 && a.location().contains("/login")) {
            fuzzer.world(currentWorld); // the page session ended: sign in again
            fail(Check.SESSION_LOST, c, a, "redirected to " + a.location());
        }
        if (status >= 200 && status < 300 && c.hostile()) {
            fail(Check.ACCEPTED_HOSTILE, c, a, "");
        }
        String text = a.body();
        for (String internal : List.of("Exception", "\tat ", "org.hibernate", "org.postgresql", "org.h2.", "SQLState",
                "java.lang.", "io.mptrec.")) {
            // a 5xx is failed above; in test mode its page carries Quarkus' stack trace, which production leaves out
            if (status < 500 && text.contains(internal) && !c.operation().key().contains("/artifact")) {
                fail(Check.LEAK, c, a, "contains " + internal.strip());
                break;
            }
        }
        if (c.operation().mutating()) {
            if (status >= 200 && status < 400) {
                last = null;
                if (c.operation().key().equals("POST /api/v1/score")) {
                    settle.run(); // exposures are written behind the answer
                } else if (c.operation().method().equals("POST") && c.operation().path().endsWith("/{id}/pilot")) {
                    // API or page: the pilot replays rows behind the answer
                    awaitPilot(c, a);
                }
            } else {
                Tables.Snapshot after = tables.snapshot();
                last = after;
                refusedChanges++;
                String changes = before.changesTo(after);
                if (!changes.isEmpty()) {
                    fail(Check.CHANGED_WHEN_REFUSED, c, a, changes);
                }
            }
        }
    }

    /** A mutated name matches when equal, or when one is the other's last segment (a nested path vs. a leaf name). */
    private static boolean names(String field, String expected) {
        if (field.equals(expected)) {
            return true;
        }
        String leaf = expected.replaceAll("^.*[.\\]]", "").replaceAll("\\[\\d+]$", "");
        return field.equals(leaf) || expected.endsWith("." + field) || expected.startsWith(field + "[")
                || expected.startsWith(field + ".");
    }

    /**
     * Waits for the pilot the request started, so that its writes are not taken for a later refused request's. The id
     * is read back decoded ("%2B1", a plus sign, names experiment 1); a pilot that cannot be read or does not end is a
     * failure of its own rather than a silent return.
     */
    private void awaitPilot(Case c, Answer a) throws InterruptedException {
        String id = URLDecoder.decode(c.url().replaceAll(".*/experiments/([^/?]+)/pilot.*", "$1"),
                StandardCharsets.UTF_8);
        for (int i = 0; i < 600; i++) {
            var progress = as("erin").get("/api/v1/experiments/{id}/pilot", id);
            String state = progress.statusCode() == 200 ? progress.then().extract().path("state") : null;
            if (state == null) {
                fail(Check.PILOT_UNSETTLED, c, a, "GET pilot of " + id + " -> " + progress.statusCode());
                return;
            }
            if (!"RUNNING".equals(state)) {
                settle.run();
                return;
            }
            Thread.sleep(100);
        }
        fail(Check.PILOT_UNSETTLED, c, a, "pilot of " + id + " still RUNNING after 60 s");
    }

    private void fail(Check check, Case c, Answer a, String detail) {
        failures.add(new Failure(check, c, a, detail));
    }

    /** The grouped report: per check, one line per class with its count and the shortest reproduction. */
    String report(long seconds) {
        StringBuilder out = new StringBuilder();
        out.append("OpenAPI fuzz on ").append(database).append(": ").append(sent).append(" requests in ")
                .append(seconds).append(" s, seed ").append(SEED).append(" (replay: -Dmptrec.fuzz.seed=").append(SEED)
                .append(" -Dmptrec.fuzz.requests=").append(sent).append(")\n");
        out.append(fuzzer.operations().size()).append(" operations; answers by status: ")
                .append(byStatus()).append("; ").append(refusedChanges)
                .append(" refused changes, tables compared before and after each\n");
        // a class: the check, what kind of mutation, the answer's status; it lists every operation and field it hit
        Map<Check, Map<String, List<Failure>>> classes = new TreeMap<>();
        failures.forEach(f -> classes.computeIfAbsent(f.check(), k -> new TreeMap<>())
                .computeIfAbsent(f.request().family() + " -> " + (f.answer().status() == 0 ? "no answer"
                        : String.valueOf(f.answer().status())), k -> new ArrayList<>()).add(f));
        if (classes.isEmpty()) {
            out.append("no failure\n");
        }
        classes.forEach((check, byClass) -> {
            out.append("\n== ").append(check).append(": ").append(check.meaning).append(" (").append(byClass.size())
                    .append(" classes)\n");
            byClass.forEach((name, list) -> {
                Failure shortest = list.stream().min((x, y) -> Integer.compare(length(x), length(y))).orElseThrow();
                TreeMap<String, Integer> where = new TreeMap<>();
                list.forEach(f -> where.merge(f.request().operation().key().replace("/api/v1", "") + " "
                        + f.request().target().replaceAll("\\[\\d+]", "[]"), 1, Integer::sum));
                out.append("- ").append(name).append(": ").append(list.size()).append(" requests, ")
                        .append(where.size()).append(" operation/field pairs: ")
                        .append(OpenApiFuzzer.abbreviate(String.join("; ", where.keySet()), 1500)).append('\n');
                out.append(repro(shortest, save(shortest)));
            });
        });
        return out.toString();
    }

    private String byStatus() {
        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach((k, v) -> counts.merge(Integer.parseInt(k.substring(k.lastIndexOf(' ') + 1)), v,
                Integer::sum));
        return counts.toString();
    }

    private static int length(Failure f) {
        return (f.request().body() == null ? 0 : f.request().body().length) + f.request().url().length();
    }

    /** A binary (artifact) body is saved beside the report, to be replayed with curl --data-binary @file. */
    private String save(Failure f) {
        Case c = f.request();
        if (c.body() == null || c.contentType() == null || !c.contentType().contains("zip")
                && !c.operation().media().contains("zip")) {
            return null;
        }
        try {
            Path dir = Path.of("target", "fuzz");
            Files.createDirectories(dir);
            Path file = dir.resolve(database + "-" + Integer.toHexString(f.classKey().hashCode()) + ".zip");
            Files.write(file, c.body());
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String repro(Failure f, String savedAs) {
        Case c = f.request();
        Answer a = f.answer();
        return "    e.g. as " + c.user() + ": " + c.operation().method() + " " + OpenApiFuzzer.abbreviate(c.url(), 200)
                + (c.contentType() == null ? "" : " [" + c.contentType() + "]") + " "
                + (savedAs == null ? c.bodyPreview() : "(" + c.body().length + " bytes: " + savedAs + ")")
                + " (" + c.target() + ": " + c.family() + (f.detail().isEmpty() ? "" : "; " + f.detail()) + ")\n"
                + "    -> " + a.status() + " " + a.contentType() + " " + OpenApiFuzzer.abbreviate(a.body(), 240) + "\n";
    }

    void write(String report) {
        try {
            Path dir = Path.of("target", "fuzz");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(database + ".txt"), report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
