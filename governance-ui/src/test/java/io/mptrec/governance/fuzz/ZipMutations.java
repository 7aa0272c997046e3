package io.mptrec.governance.fuzz;

import io.mptrec.governance.TestArtifacts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Mutations of an uploaded artifact (a zip of manifest.json and NumPy .npy arrays): broken zips, a manifest with one
 * field mutated as a JSON body would be, and .npy headers that lie about the shape, the dtype or their own length.
 */
final class ZipMutations {

    private ZipMutations() {
    }

    record Mutated(byte[] bytes, String contentType, String target, String family, boolean hostile) {
    }

    /** Header dictionaries that no reader may trust: shapes that overflow an int, negative or huge dimensions. */
    static final List<String> HEADERS = List.of(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-2147483648, 2), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
            "{'descr': '|O', 'fortran_order': False, 'shape': (4,), }",
            "{'descr': '>f4', 'fortran_order': True, 'shape': (4,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1e309,), }",
            "{'descr': '<f4', 'shape': (4,)",
            "not a dict at all \u0000",
            "");

    static Mutated mutate(Random random, byte[] zip, UnaryOperator<byte[]> manifestMutator) {
        Map<String, byte[]> files = TestArtifacts.unzip(zip);
        int choice = random.nextInt(12);
        switch (choice) {
            case 0 -> {
                return new Mutated(new byte[0], null, "", "empty-artifact", true);
            }
            case 1 -> {
                byte[] noise = new byte[1024];
                random.nextBytes(noise);
                return new Mutated(noise, null, "", "random-bytes", true);
            }
            case 2 -> {
                return new Mutated(Arrays.copyOf(zip, zip.length / 2), null, "", "truncated-zip", true);
            }
            case 3 -> {
                return new Mutated(zip, "application/json", "", "wrong-content-type", true);
            }
            case 4 -> {
                files.remove("manifest.json");
                return new Mutated(TestArtifacts.zip(files), null, "manifest.json", "missing-manifest", true);
            }
            case 5, 6, 7 -> {
                byte[] manifest = files.get("manifest.json");
                files.put("manifest.json", manifestMutator.apply(manifest));
                return new Mutated(TestArtifacts.zip(files), null, "manifest.json", "manifest-field", false);
            }
            default -> {
                List<String> arrays = new ArrayList<>(files.keySet().stream().filter(n -> n.endsWith(".npy")).toList());
                String name = arrays.get(random.nextInt(arrays.size()));
                byte[] original = files.get(name);
                int kind = random.nextInt(HEADERS.size() + 3);
                byte[] mutated;
                String family;
                if (kind < HEADERS.size()) {
                    mutated = npy(HEADERS.get(kind), payload(original));
                    family = "npy-header";
                } else if (kind == HEADERS.size()) {
                    mutated = original.clone();
                    mutated[8] = (byte) 0xFF; // header length 65535 or more than the file holds
                    mutated[9] = (byte) 0xFF;
                    family = "npy-header-length";
                } else if (kind == HEADERS.size() + 1) {
                    mutated = original.clone();
                    mutated[6] = 3; // format version 3.0 (4-byte length follows; here garbage)
                    family = "npy-version";
                } else {
                    mutated = Arrays.copyOf(original, Math.min(original.length, 12));
                    family = "npy-truncated";
                }
                files.put(name, mutated);
                files.put("manifest.json", withSha256(files.get("manifest.json"), name, mutated));
                String header = kind < HEADERS.size() ? " " + HEADERS.get(kind).replace("\u0000", "\\u0000") : "";
                return new Mutated(TestArtifacts.zip(files), null, name + header, family, true);
            }
        }
    }

    /**
     * The manifest with the array's SHA-256 updated to the mutated file, so that the reader gets past the hash and
     * parses the header (the artifact's content hash still differs: it is checked after the arrays are read).
     */
    private static byte[] withSha256(byte[] manifest, String file, byte[] bytes) {
        try {
            com.fasterxml.jackson.databind.JsonNode tree = Mutations.JSON.readTree(manifest);
            for (com.fasterxml.jackson.databind.JsonNode entry : tree.path("arrays")) {
                if (entry.path("file").asText().equals(file)) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) entry).put("sha256", java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
                }
            }
            return Mutations.JSON.writeValueAsBytes(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] payload(byte[] npy) {
        int headerLength = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8;
        return Arrays.copyOfRange(npy, 10 + headerLength, npy.length);
    }

    static byte[] npy(String header, byte[] payload) {
        StringBuilder h = new StringBuilder(header);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] headerBytes = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(10 + headerBytes.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) headerBytes.length).put(headerBytes).put(payload);
        return out.array();
    }
}
