package io.mptrec.ab.assignment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

/** Reads the spec vectors from the classpath once (class init is thread-safe), never from the working directory. */
final class AssignmentVectors {

    static final String VECTORS = "/spec/assignment-vectors.json";
    static final String CHECKSUM = "/spec/assignment-vectors.json.sha256";
    static final JsonNode ROOT = load();

    private AssignmentVectors() {
    }

    static byte[] bytes(String resource) {
        try (InputStream in = AssignmentVectors.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode load() {
        try {
            return new ObjectMapper().readTree(bytes(VECTORS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows of one suite as (index, name, row) so the display name is "[i] name". */
    static Stream<Arguments> suite(String name) {
        JsonNode rows = ROOT.get(name);
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            out.add(Arguments.of(i, rows.get(i).get("name").asText(), rows.get(i)));
        }
        return out.stream();
    }

    static Allocation allocation(JsonNode node) {
        List<Arm> arms = new ArrayList<>();
        for (JsonNode arm : node.get("arms")) {
            arms.add(new Arm(arm.get("name").asText(), number(arm.get("weight"))));
        }
        return new Allocation(node.get("salt").asText(), node.get("hashVersion").asInt(), arms,
                node.get("ramp").asDouble());
    }

    /** JSON has no NaN; the spec writes it as the string "NaN". */
    static double number(JsonNode node) {
        return node.isTextual() ? Double.parseDouble(node.asText()) : node.asDouble();
    }
}
