package io.mptrec.governance.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.mptrec.governance.TestArtifacts;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.mptrec.governance.fuzz.Mutations.JSON;
import static io.mptrec.governance.fuzz.Mutations.quote;

/**
 * Generates hostile requests from the application's own OpenAPI document and sends them as a user holding the
 * operation's role: per request one operation, one thing mutated (a path or query parameter, a JSON body field, the
 * whole body, or a part of an uploaded artifact), everything else valid against seeded state. Every answer goes to a
 * {@link FuzzChecks}; the random choices come from one seeded {@link Random}, so a seed replays a run.
 */
final class OpenApiFuzzer {

    /** The embedded user that holds each role (application.properties). */
    static final Map<String, String> USER_OF_ROLE = Map.of("prompt-author", "alice", "prompt-approver", "bob",
            "release-manager", "carol", "experimenter", "erin", "auditor", "dave", "admin", "admin");

    record Operation(String method, String path, List<String> pathParams, List<String> queryParams, String media,
                     JsonNode schema, List<String> roles, boolean page) {
        String key() {
            return method + " " + path;
        }

        boolean mutating() {
            return !method.equals("GET");
        }
    }

    /** One request: what was sent, as whom, and what was mutated. */
    record Case(Operation operation, String user, String url, String contentType, byte[] body, String target,
                String family, String expectedField, boolean hostile, String cookie) {
        String bodyPreview() {
            if (body == null) {
                return "(no body)";
            }
            if (contentType != null && contentType.contains("zip")) {
                return "(zip, " + body.length + " bytes)";
            }
            String text = new String(body, StandardCharsets.UTF_8);
            return abbreviate(text, 300);
        }
    }

    record Answer(int status, String contentType, String body, String location) {
    }

    private final JsonNode document;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final List<Operation> operations;
    private final String report;
    private World world;
    private int counter;
    /** What the last manifest mutation did (path and family), for the request's target. */
    private String lastManifestTarget = "";

    OpenApiFuzzer(JsonNode document, long seed, String base) throws Exception {
        this.document = document;
        this.random = new Random(seed);
        this.base = base;
        this.operations = operations(document);
        this.report = Files.readString(Path.of("..", "data", "census-income-kdd", "artifacts",
                "prompt-education.report.json"));
    }

    List<Operation> operations() {
        return operations;
    }

    void world(World world) {
        this.world = world;
        this.session = null; // signed in again with the next page request
    }

    // ---------------------------------------------------------------- pages

    private PageForms.Session session;

    /** A page request: path and query parameters as for the API, url-encoded or multipart forms with the CSRF token. */
    private Case nextPage(Operation op) throws Exception {
        if (session == null) {
            session = PageForms.Session.signIn(base, "admin");
        }
        Map<String, String> path = new LinkedHashMap<>();
        op.pathParams().forEach(p -> path.put(p, p.equals("action")
                ? pick(List.of("start", "pause", "resume", "stop")) : validPathValue(p)));
        Map<String, String> query = new LinkedHashMap<>();
        op.queryParams().forEach(q -> query.put(q, encode(validPageQueryValue(q))));
        // a page action without fields (submit, remove a label) is still a form post: the CSRF token is its field
        boolean form = op.media() != null && op.media().contains("urlencoded")
                || op.media() == null && op.method().equals("POST");
        boolean multipart = op.media() != null && op.media().contains("multipart");
        List<String> kinds = new ArrayList<>(List.of("valid"));
        if (!op.pathParams().isEmpty()) {
            kinds.addAll(List.of("path", "path"));
        }
        if (!op.queryParams().isEmpty()) {
            kinds.addAll(List.of("query", "query"));
        }
        if (form || multipart) {
            kinds.addAll(List.of("field", "field", "field", "field", "whole"));
        }
        if (multipart) {
            kinds.addAll(List.of("file", "file", "file"));
        }
        String kind = pick(kinds);
        String target = "";
        String family = "valid";
        Map<String, String> fields = new LinkedHashMap<>();
        if (op.schema() != null) {
            op.schema().path("properties").fieldNames().forEachRemaining(name -> {
                if (!op.schema().path("properties").path(name).path("format").asText().equals("binary")) {
                    fields.put(name, validFormValue(name, op));
                }
            });
        }
        String duplicate = null;
        byte[] file = multipart ? (op.path().contains("covariates")
                ? "unitId,metric,value\nunit-1,click,1\n".getBytes(StandardCharsets.UTF_8) : baseZip(op)) : null;
        String fileName = multipart ? (op.path().contains("covariates") ? "covariates.csv" : "artifact.zip") : null;
        String contentType = form ? "application/x-www-form-urlencoded" : multipart ? "multipart/form-data" : null;
        byte[] bytes = null;
        String whole = null;
        switch (kind) {
            case "path" -> {
                String name = pick(op.pathParams());
                Mutations.Param value = pick(Mutations.forParam(name, false));
                path.put(name, value.encoded());
                target = "path " + name;
                family = value.family();
            }
            case "query" -> {
                String name = pick(op.queryParams());
                Mutations.Param value = pick(Mutations.forParam(name, true));
                query.put(name, value.encoded());
                target = "query " + name;
                family = value.family();
            }
            case "field" -> {
                if (fields.isEmpty() || random.nextInt(8) == 0) {
                    fields.put("fuzzExtra", "1");
                    target = "form fuzzExtra";
                    family = "extra-field";
                } else {
                    String name = pick(new ArrayList<>(fields.keySet()));
                    target = "form " + name;
                    int choice = random.nextInt(8);
                    if (choice == 0) {
                        fields.remove(name);
                        family = "missing-field";
                    } else if (choice == 1) {
                        duplicate = name;
                        family = "duplicate-field";
                    } else {
                        PageForms.Value value = pick(PageForms.values());
                        fields.put(name, value.raw());
                        family = value.family();
                    }
                }
            }
            case "whole" -> {
                whole = pick(List.of("no-body", "no-body-no-content-type", "json-body", "wrong-form-kind",
                        "huge-body"));
                target = "body";
                family = whole;
            }
            case "file" -> {
                target = "file " + fileName;
                if (op.path().contains("covariates")) {
                    PageForms.Value value = pick(PageForms.covariateFiles());
                    file = value.raw().getBytes(StandardCharsets.UTF_8);
                    family = value.family();
                } else {
                    ZipMutations.Mutated z = ZipMutations.mutate(random, file, this::mutateManifest);
                    file = z.bytes();
                    family = z.family();
                    target += " " + z.target();
                }
                int part = random.nextInt(6);
                if (part == 0) {
                    fileName = "../../" + fileName;
                    family += "+traversal-filename";
                } else if (part == 1) {
                    file = null;
                    family = "missing-file-part";
                }
            }
            default -> {
            }
        }
        String boundary = "fuzz" + Long.toHexString(random.nextLong());
        if (form) {
            bytes = PageForms.urlEncoded(fields, session.token(), duplicate).getBytes(StandardCharsets.UTF_8);
        } else if (multipart) {
            contentType = "multipart/form-data; boundary=" + boundary;
            List<PageForms.Part> parts = new ArrayList<>();
            parts.add(PageForms.Part.text("csrf-token", session.token()));
            fields.forEach((k, v) -> parts.add(PageForms.Part.text(k, v)));
            if (duplicate != null) {
                parts.add(PageForms.Part.text(duplicate, "other"));
            }
            if (file != null) {
                parts.add(new PageForms.Part(op.path().contains("covariates") ? "file" : "artifact", fileName,
                        "application/octet-stream", file));
            }
            bytes = PageForms.multipart(boundary, parts);
        }
        if (whole != null) {
            switch (whole) {
                case "no-body" -> bytes = null;
                case "no-body-no-content-type" -> {
                    bytes = null;
                    contentType = null;
                }
                case "json-body" -> {
                    bytes = "{\"reason\":\"x\"}".getBytes(StandardCharsets.UTF_8);
                    contentType = "application/json";
                }
                case "wrong-form-kind" -> contentType = form ? "multipart/form-data; boundary=" + boundary
                        : "application/x-www-form-urlencoded";
                default -> {
                    byte[] padded = new byte[2_000_000 + (bytes == null ? 0 : bytes.length)];
                    java.util.Arrays.fill(padded, (byte) 'x');
                    byte[] prefix = ("fuzzPadding=").getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(prefix, 0, padded, 0, prefix.length);
                    if (bytes != null && form) {
                        padded[2_000_000 - 1] = '&';
                        System.arraycopy(bytes, 0, padded, 2_000_000, bytes.length);
                    }
                    bytes = form ? padded : bytes;
                    family = form ? "huge-body" : "huge-body-skipped";
                }
            }
        }
        String template = op.path();
        for (Map.Entry<String, String> p : path.entrySet()) {
            template = template.replace("{" + p.getKey() + "}", p.getValue());
        }
        StringBuilder url = new StringBuilder(template);
        if (!query.isEmpty()) {
            url.append('?');
            query.forEach((k, v) -> url.append(url.charAt(url.length() - 1) == '?' ? "" : "&").append(k).append('=')
                    .append(v));
        }
        return new Case(op, "admin", url.toString(), contentType, bytes, target, family, null, false,
                session.cookies());
    }

    private String validPageQueryValue(String name) {
        return switch (name) {
            case "with", "version" -> String.valueOf(world.approved());
            case "target" -> String.valueOf(world.released());
            case "arm" -> "treatment";
            case "task" -> world.task();
            case "error", "expired", "signedOut" -> "true";
            case "page" -> "0";
            case "from" -> "2020-01-01T00:00:00Z";
            case "to" -> "2100-01-01T00:00:00Z";
            case "format" -> "csv";
            case "action" -> "RELEASED";
            case "actor" -> "alice";
            default -> "x";
        };
    }

    private String validFormValue(String name, Operation op) {
        return switch (name) {
            case "name" -> op.path().contains("labels") ? "fz-label" : "fz-page-" + world.task() + "-" + counter;
            case "task" -> world.task();
            case "control", "target" -> String.valueOf(world.released());
            case "treatment", "version" -> String.valueOf(world.approved());
            case "treatmentShare" -> "0.5";
            case "ramp" -> "50";
            case "successMetric" -> "click";
            case "successKind" -> "PROPORTION";
            case "guardrailMetric" -> "latency";
            case "guardrailMargin" -> "0.1";
            case "rows" -> "1";
            case "rate" -> "0";
            case "label" -> "income";
            case "arm" -> "treatment";
            default -> "fuzz " + name;
        };
    }

    /**
     * Every operation of the document: the API under /api, and the pages (under /ui, the sign-in page), which answer
     * pages rather than problems. Sign-out is left out: it would end the fuzzer's page session.
     */
    static List<Operation> operations(JsonNode document) {
        List<Operation> result = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> {
            if (path.getKey().startsWith("/q/") || path.getKey().equals("/ui/logout")) {
                return;
            }
            path.getValue().fields().forEachRemaining(entry -> {
                JsonNode op = entry.getValue();
                List<String> pathParams = new ArrayList<>();
                List<String> queryParams = new ArrayList<>();
                for (JsonNode p : op.path("parameters")) {
                    (p.path("in").asText().equals("path") ? pathParams : queryParams).add(p.path("name").asText());
                }
                String media = null;
                JsonNode schema = null;
                Iterator<Map.Entry<String, JsonNode>> content = op.path("requestBody").path("content").fields();
                if (content.hasNext()) {
                    Map.Entry<String, JsonNode> first = content.next();
                    media = first.getKey();
                    schema = first.getValue().path("schema");
                }
                List<String> roles = new ArrayList<>();
                for (JsonNode requirement : op.path("security")) {
                    requirement.fields().forEachRemaining(s -> s.getValue().forEach(r -> roles.add(r.asText())));
                }
                result.add(new Operation(entry.getKey().toUpperCase(), path.getKey(), pathParams, queryParams, media,
                        schema, roles, !path.getKey().startsWith("/api/")));
            });
        });
        return result;
    }

    // ---------------------------------------------------------------- case generation

    Case next() throws Exception {
        Operation op = pickOperation();
        counter++;
        if (op.page()) {
            return nextPage(op);
        }
        String user = op.roles().isEmpty() ? "admin"
                : USER_OF_ROLE.getOrDefault(op.roles().get(random.nextInt(op.roles().size())), "admin");
        Map<String, String> path = new LinkedHashMap<>();
        op.pathParams().forEach(p -> path.put(p, validPathValue(p)));
        Map<String, String> query = new LinkedHashMap<>();
        op.queryParams().forEach(q -> query.put(q, validQueryValue(q, op)));
        boolean json = op.media() != null && op.media().contains("json");
        boolean zip = op.media() != null && op.media().contains("zip");
        JsonNode body = json ? baseBody(op) : null;

        List<String> kinds = new ArrayList<>();
        kinds.add("valid");
        if (!op.pathParams().isEmpty()) {
            kinds.add("path");
            kinds.add("path");
        }
        if (!op.queryParams().isEmpty()) {
            kinds.add("query");
            kinds.add("query");
            kinds.add("query-repeat");
        }
        if (json) {
            for (int i = 0; i < 6; i++) {
                kinds.add("field");
            }
            kinds.add("whole");
            kinds.add("whole");
        } else if (zip) {
            for (int i = 0; i < 5; i++) {
                kinds.add("zip");
            }
        } else if (op.mutating()) {
            kinds.add("whole-bodyless");
        }
        String kind = kinds.get(random.nextInt(kinds.size()));
        String target = "";
        String family = "valid";
        String expectedField = null;
        boolean hostile = false;
        String contentType = json ? "application/json" : op.media();
        byte[] bytes = json ? text(body, Map.of()) : zip ? baseZip(op) : null;
        String extraQuery = "";

        switch (kind) {
            case "path", "query" -> {
                boolean inQuery = kind.equals("query");
                String name = pick(inQuery ? op.queryParams() : op.pathParams());
                Mutations.Param value = pick(Mutations.forParam(name, inQuery));
                (inQuery ? query : path).put(name, value.encoded());
                target = kind + " " + name;
                family = value.family();
                expectedField = name;
                hostile = value.hostile();
            }
            case "query-repeat" -> {
                String name = pick(op.queryParams());
                extraQuery = "&" + name + "=" + encode(validQueryValue(name, op));
                target = "query " + name;
                family = "repeated-param";
            }
            case "field" -> {
                FieldMutation m = mutateField(body, op.schema());
                bytes = m.bytes();
                target = "body " + m.path();
                family = m.family();
                expectedField = m.expectField() ? m.path() : null;
                hostile = m.hostile();
            }
            case "whole" -> {
                WholeBody w = pick(wholeBodies(new String(bytes, StandardCharsets.UTF_8)));
                bytes = w.body() == null ? null : w.body().getBytes(StandardCharsets.UTF_8);
                contentType = w.contentType();
                target = "body";
                family = w.family();
                hostile = w.hostile();
            }
            case "whole-bodyless" -> {
                WholeBody w = pick(List.of(
                        new WholeBody("json-body-on-bodyless", "application/json", "{\"a\":1}", false),
                        new WholeBody("form-content-type", "application/x-www-form-urlencoded", null, false),
                        new WholeBody("invalid-json", "application/json", "{\"a\":", false),
                        new WholeBody("null-body", "application/json", "null", false)));
                bytes = w.body() == null ? null : w.body().getBytes(StandardCharsets.UTF_8);
                contentType = w.contentType();
                target = "body";
                family = w.family();
            }
            case "zip" -> {
                ZipMutations.Mutated z = ZipMutations.mutate(random, bytes, this::mutateManifest);
                bytes = z.bytes();
                contentType = z.contentType() == null ? contentType : z.contentType();
                target = "artifact " + z.target()
                        + (z.family().equals("manifest-field") ? " " + lastManifestTarget : "");
                family = z.family();
                hostile = z.hostile();
            }
            default -> {
            }
        }
        StringBuilder url = new StringBuilder();
        String template = op.path();
        for (Map.Entry<String, String> p : path.entrySet()) {
            template = template.replace("{" + p.getKey() + "}", p.getValue());
        }
        url.append(template);
        if (!query.isEmpty()) {
            url.append('?');
            query.forEach((k, v) -> url.append(url.charAt(url.length() - 1) == '?' ? "" : "&").append(k).append('=')
                    .append(v));
            url.append(extraQuery);
        }
        return new Case(op, user, url.toString(), contentType, bytes, target, family, expectedField, hostile, null);
    }

    /** An operation with nothing to mutate (no parameter, no body) is sent a quarter as often as the others. */
    private Operation pickOperation() {
        Operation op = operations.get(random.nextInt(operations.size()));
        while (op.pathParams().isEmpty() && op.queryParams().isEmpty() && op.media() == null && random.nextInt(4) > 0) {
            op = operations.get(random.nextInt(operations.size()));
        }
        return op;
    }

    /** Sends the request; status 0 when the server closed the connection without an answer (twice). */
    Answer send(Case c) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + c.url()))
                .timeout(Duration.ofSeconds(60));
        if (c.cookie() != null) {
            request.header("Cookie", c.cookie());
        } else {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((c.user() + ":" + c.user()).getBytes(StandardCharsets.UTF_8)));
        }
        if (c.contentType() != null && c.body() != null) {
            request.header("Content-Type", c.contentType());
        } else if (c.contentType() != null && c.family().equals("form-content-type")) {
            request.header("Content-Type", c.contentType());
        }
        HttpRequest.BodyPublisher publisher = c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(c.body());
        request.method(c.operation().method(), publisher);
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException first) {
            // once more on a fresh connection: the server may have closed a kept-alive one after an earlier refusal
            try {
                response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (java.io.IOException second) {
                return new Answer(0, "", "no answer: " + second, "");
            }
        }
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                new String(response.body(), StandardCharsets.UTF_8),
                response.headers().firstValue("Location").orElse(""));
    }

    // ---------------------------------------------------------------- valid values

    private String validPathValue(String name) {
        return switch (name) {
            case "task" -> world.task();
            case "version", "a", "b" -> String.valueOf(pick(world.versions()));
            case "id" -> String.valueOf(pick(world.experiments()));
            case "name" -> world.label();
            case "sha256" -> world.encoderSha256();
            default -> "1";
        };
    }

    private String validQueryValue(String name, Operation op) {
        return switch (name) {
            case "page" -> "0";
            case "size" -> "20";
            case "task" -> world.task();
            case "action" -> "RELEASED";
            case "actor" -> "alice";
            case "from" -> "2020-01-01T00:00:00Z";
            case "to" -> "2100-01-01T00:00:00Z";
            case "format" -> random.nextBoolean() ? "csv" : "json";
            case "buckets" -> "10";
            default -> "x";
        };
    }

    private JsonNode baseBody(Operation op) {
        String key = op.key();
        if (key.equals("PUT /api/v1/tasks/{task}/versions/{version}/report")) {
            try {
                return JSON.readTree(report);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        ObjectNode body = (ObjectNode) example(op.schema(), "", 0);
        if (key.equals("POST /api/v1/score")) {
            body.remove("columns");
            ArrayNode rows = body.putArray("rows");
            rows.addObject().put("age", "40").put("sex", "f");
        } else if (key.equals("POST /api/v1/experiments")) {
            ArrayNode arms = body.putArray("arms");
            arms.addObject().put("name", "control").put("version", world.released()).put("weight", 0.5);
            arms.addObject().put("name", "treatment").put("version", world.approved()).put("weight", 0.5);
            body.putArray("successMetrics").addObject().put("name", "click").put("kind", "PROPORTION")
                    .put("direction", "HIGHER_IS_BETTER");
            body.putArray("guardrails").addObject().put("name", "latency").put("kind", "MEAN")
                    .put("direction", "LOWER_IS_BETTER").put("margin", 0.1).put("marginType", "RELATIVE");
        } else if (key.equals("POST /api/v1/tasks/{task}/rollback")) {
            body.put("targetVersion", world.released());
        }
        return body;
    }

    /** An example value for a schema, valid against the seeded world where the field's name says what it is. */
    private JsonNode example(JsonNode schema, String name, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        schema = resolve(schema);
        if (schema == null || depth > 6) {
            return f.textNode("fuzz");
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        String type = schema.path("type").asText("object");
        switch (type) {
            case "object" -> {
                ObjectNode object = f.objectNode();
                schema.path("properties").fields().forEachRemaining(p ->
                        object.set(p.getKey(), example(p.getValue(), p.getKey(), depth + 1)));
                if (schema.has("additionalProperties") && !schema.has("properties")) {
                    object.set("age", example(schema.get("additionalProperties"), "age", depth + 1));
                }
                return object;
            }
            case "array" -> {
                ArrayNode array = f.arrayNode();
                array.add(example(schema.path("items"), singular(name), depth + 1));
                return array;
            }
            case "integer" -> {
                return f.numberNode(switch (name) {
                    case "version" -> world.approved();
                    case "targetVersion" -> world.released();
                    case "rows" -> 1; // a pilot of one row ends at once, whatever pace a mutation asks for
                    case "plannedPerArm" -> 1000;
                    default -> 1;
                });
            }
            case "number" -> {
                return f.numberNode(switch (name) {
                    case "alpha" -> 0.05;
                    case "ratePerSecond" -> 0.0;
                    case "value" -> 1.0;
                    case "margin" -> 0.1;
                    default -> 0.5;
                });
            }
            case "boolean" -> {
                return f.booleanNode(true);
            }
            default -> {
                return f.textNode(switch (name) {
                    case "task" -> world.task();
                    case "unitId" -> "unit-" + counter;
                    case "eventId" -> "fz-event-" + world.task() + "-" + counter;
                    case "requestId" -> "fz-request";
                    case "metric" -> "click";
                    case "name" -> "fz-" + world.task() + "-" + counter;
                    case "arm" -> "treatment";
                    case "salt" -> "salt-" + counter;
                    case "label" -> "income"; // a label of the pilot's dataset
                    case "age" -> "40";
                    default -> "fuzz " + name;
                });
            }
        }
    }

    private static String singular(String name) {
        return switch (name) {
            case "events" -> "event";
            case "covariates" -> "covariate";
            default -> name;
        };
    }

    private JsonNode resolve(JsonNode schema) {
        for (int i = 0; schema != null && schema.has("$ref") && i < 10; i++) {
            String ref = schema.get("$ref").asText();
            schema = document.at(ref.substring(1));
            if (schema.isMissingNode()) {
                return null;
            }
        }
        return schema;
    }

    // ---------------------------------------------------------------- body mutations

    record FieldMutation(byte[] bytes, String path, String family, boolean expectField, boolean hostile) {
    }

    private record Slot(List<Object> path, JsonNode schema, boolean present) {
        String display() {
            StringBuilder out = new StringBuilder();
            for (Object p : path) {
                if (p instanceof Integer i) {
                    out.append('[').append(i).append(']');
                } else {
                    out.append(out.isEmpty() ? "" : ".").append(p);
                }
            }
            return out.toString();
        }
    }

    /** Every field of the body (present ones, and optional ones the schema declares but the body leaves out). */
    private void slots(JsonNode node, JsonNode schema, List<Object> path, List<Slot> out) {
        schema = resolve(schema);
        if (node.isObject()) {
            JsonNode properties = schema == null ? null : schema.get("properties");
            node.fields().forEachRemaining(e -> {
                List<Object> p = append(path, e.getKey());
                JsonNode s = properties == null ? null : properties.get(e.getKey());
                out.add(new Slot(p, s, true));
                slots(e.getValue(), s, p, out);
            });
            if (properties != null) {
                properties.fields().forEachRemaining(e -> {
                    if (!node.has(e.getKey())) {
                        out.add(new Slot(append(path, e.getKey()), e.getValue(), false));
                    }
                });
            }
        } else if (node.isArray() && node.size() > 0) {
            JsonNode items = schema == null ? null : schema.get("items");
            int last = node.size() - 1;
            List<Object> p = append(path, last);
            out.add(new Slot(p, items, true));
            slots(node.get(last), items, p, out);
        }
    }

    private static List<Object> append(List<Object> path, Object next) {
        List<Object> p = new ArrayList<>(path);
        p.add(next);
        return p;
    }

    private String typeOf(JsonNode schema, JsonNode value) {
        JsonNode s = resolve(schema);
        if (s != null && s.has("enum")) {
            return "string";
        }
        if (s != null && s.has("type")) {
            return s.get("type").asText();
        }
        if (value == null) {
            return null;
        }
        return value.isTextual() ? "string" : value.isIntegralNumber() ? "integer" : value.isNumber() ? "number"
                : value.isBoolean() ? "boolean" : value.isArray() ? "array" : value.isObject() ? "object" : null;
    }

    FieldMutation mutateField(JsonNode body, JsonNode schema) {
        List<Slot> slots = new ArrayList<>();
        slots(body, schema, List.of(), slots);
        Slot slot = pick(slots);
        JsonNode copy = body.deepCopy();
        JsonNode parent = at(copy, slot.path().subList(0, slot.path().size() - 1));
        Object last = slot.path().get(slot.path().size() - 1);
        JsonNode current = slot.present() ? child(parent, last) : null;
        String display = slot.display();
        int choice = random.nextInt(10);
        if (slot.present() && choice == 0) {
            remove(parent, last);
            return new FieldMutation(text(copy, Map.of()), display, "missing-field", true, false);
        }
        if (choice == 1 && parent.isObject()) {
            String key = (String) last;
            String original = current == null ? "\"x\"" : current.toString();
            String other = current == null || current.isTextual() ? quote("other") : current.isNumber() ? "2"
                    : current.toString();
            ((ObjectNode) parent).set(key, marker(0));
            return new FieldMutation(text(copy, Map.of(0, original + "," + quote(key) + ":" + other)), display,
                    "duplicate-key", true, true);
        }
        if (choice == 2) {
            JsonNode holder = current != null && current.isObject() ? current : parent;
            if (holder.isObject()) {
                ((ObjectNode) holder).put("fuzzExtra", 1);
                String owner = holder == current ? display
                        : new Slot(slot.path().subList(0, slot.path().size() - 1), null, true).display();
                String where = owner.isEmpty() ? "fuzzExtra" : owner + ".fuzzExtra";
                return new FieldMutation(text(copy, Map.of()), where, "extra-field", true, false);
            }
        }
        JsonNode fieldSchema = resolve(slot.schema());
        boolean int64 = fieldSchema != null && "int64".equals(fieldSchema.path("format").asText());
        Mutations.Value value = pick(Mutations.forField(typeOf(slot.schema(), current), current,
                last instanceof String s ? s : "item", int64));
        set(parent, last, marker(0));
        return new FieldMutation(text(copy, Map.of(0, value.raw())), display, value.family(), value.parsable(),
                value.hostile());
    }

    private byte[] mutateManifest(byte[] manifest) {
        try {
            JsonNode tree = JSON.readTree(manifest);
            FieldMutation m = mutateField(tree, null);
            lastManifestTarget = m.path() + " " + m.family();
            return m.bytes();
        } catch (Exception e) {
            return manifest;
        }
    }

    private static TextNode marker(int i) {
        return TextNode.valueOf("@@FUZZ_RAW_" + i + "@@");
    }

    private static byte[] text(JsonNode body, Map<Integer, String> raw) {
        String text = body.toString();
        for (Map.Entry<Integer, String> r : raw.entrySet()) {
            text = text.replace("\"@@FUZZ_RAW_" + r.getKey() + "@@\"", r.getValue());
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode at(JsonNode node, List<Object> path) {
        for (Object p : path) {
            node = child(node, p);
        }
        return node;
    }

    private static JsonNode child(JsonNode node, Object key) {
        return key instanceof Integer i ? node.get(i) : node.get((String) key);
    }

    private static void remove(JsonNode parent, Object key) {
        if (key instanceof Integer i) {
            ((ArrayNode) parent).remove(i);
        } else {
            ((ObjectNode) parent).remove((String) key);
        }
    }

    private static void set(JsonNode parent, Object key, JsonNode value) {
        if (key instanceof Integer i) {
            ((ArrayNode) parent).set(i, value);
        } else {
            ((ObjectNode) parent).set((String) key, value);
        }
    }

    record WholeBody(String family, String contentType, String body, boolean hostile) {
    }

    private static List<WholeBody> wholeBodies(String valid) {
        return List.of(
                new WholeBody("no-body", "application/json", null, false),
                new WholeBody("no-body-no-content-type", null, null, false),
                new WholeBody("null-body", "application/json", "null", false),
                new WholeBody("empty-body", "application/json", "", false),
                new WholeBody("array-body", "application/json", "[]", true),
                new WholeBody("string-body", "application/json", "\"x\"", true),
                new WholeBody("number-body", "application/json", "1", true),
                new WholeBody("empty-object", "application/json", "{}", false),
                new WholeBody("invalid-json", "application/json", valid.substring(0, valid.length() / 2), true),
                new WholeBody("invalid-json", "application/json", "{'a':1}", true),
                new WholeBody("trailing-garbage", "application/json", valid + " {}", false),
                new WholeBody("byte-order-mark", "application/json", "\uFEFF" + valid, false),
                new WholeBody("wrong-content-type", "text/plain", valid, false),
                new WholeBody("wrong-content-type", "application/x-www-form-urlencoded", valid, true),
                new WholeBody("wrong-content-type", "application/xml", "<a/>", true),
                new WholeBody("deep-nesting", "application/json", Mutations.deepArray(20_000), true),
                new WholeBody("deep-nesting", "application/json", Mutations.deepObject(20_000), true),
                new WholeBody("huge-body", "application/json", " ".repeat(2_000_000) + valid, false));
    }

    private byte[] baseZip(Operation op) {
        if (op.path().contains("/encoders")) {
            return TestArtifacts.encoder(1_000_000 + random.nextInt(1000)).toZip();
        }
        return TestArtifacts.prompt(World.ENCODER, world.task(), 2_000_000 + random.nextInt(1000)).toZip();
    }

    // ---------------------------------------------------------------- helpers

    <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String abbreviate(String text, int max) {
        StringBuilder escaped = new StringBuilder(Math.min(text.length(), max + 16));
        for (int i = 0; i < text.length() && escaped.length() <= max; i++) {
            char ch = text.charAt(i);
            // control characters shown as escapes, so that a reproduction can be read and copied
            escaped.append(Character.isISOControl(ch) ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
        }
        String flat = escaped.toString();
        if (flat.length() <= max) {
            return flat;
        }
        return flat.substring(0, max) + "...(" + text.length() + " chars)";
    }
}
