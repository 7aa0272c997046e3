package io.mptrec.model.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The on-disk (and on-wire) container shared by every artifact kind: a {@code manifest.json} plus one
 * {@code .npy} file per array. Format version 1 is documented in model-core/README.md ("Artifact format").
 *
 * <p>The content hash is the SHA-256 of the canonical JSON of the manifest without its {@code contentSha256}
 * field; the manifest lists every array's SHA-256, so the hash covers metadata and values alike.
 */
public final class ArtifactBundle {

    public static final String FORMAT = "mptrec-artifact";
    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "manifest.json";
    /** Uploads larger than this (uncompressed) are refused: an encoder for Census is about 1 MB. */
    public static final long MAX_UNCOMPRESSED_BYTES = 256L << 20;
    /**
     * The largest magnitude of any value in an artifact. Trained weights stay within a few units (the Census artifacts
     * within 5); a weight of 3e38 is not a model but an overflow waiting to happen (every score would come out 0.0).
     */
    public static final float MAX_ABS_VALUE = 1000f;

    private final String kind;
    private final JsonNode metadata;
    private final SortedMap<String, FloatArray> arrays;
    private final String contentSha256;

    private ArtifactBundle(String kind, JsonNode metadata, SortedMap<String, FloatArray> arrays) {
        this.kind = kind;
        this.metadata = CanonicalJson.sort(metadata);
        this.arrays = Collections.unmodifiableSortedMap(arrays);
        this.contentSha256 = Sha256.hex(CanonicalJson.write(manifestWithoutHash()));
    }

    public static ArtifactBundle of(String kind, Object metadata, Map<String, FloatArray> arrays) {
        for (Map.Entry<String, FloatArray> e : arrays.entrySet()) {
            if (!e.getKey().matches("[a-z][a-z0-9_.]*")) {
                throw new ArtifactException("array name must be lower-case [a-z0-9_.]: " + e.getKey());
            }
            int bad = e.getValue().firstNonFinite();
            if (bad >= 0) {
                throw new ArtifactException("array " + e.getKey() + " holds a non-finite value at index " + bad);
            }
            float[] data = e.getValue().data();
            for (int i = 0; i < data.length; i++) {
                if (Math.abs(data[i]) > MAX_ABS_VALUE) {
                    throw new ArtifactException("array " + e.getKey() + " holds " + data[i] + " at index " + i
                            + ": every value of an artifact lies within +-" + (int) MAX_ABS_VALUE);
                }
            }
        }
        return new ArtifactBundle(kind, CanonicalJson.MAPPER.valueToTree(metadata), new TreeMap<>(arrays));
    }

    public String kind() {
        return kind;
    }

    public JsonNode metadata() {
        return metadata;
    }

    public <T> T metadata(Class<T> type) {
        try {
            return CanonicalJson.READER.treeToValue(metadata, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new ArtifactException(kind + " artifact: metadata does not match format version "
                    + FORMAT_VERSION + ": " + e.getMessage(), e);
        }
    }

    public SortedMap<String, FloatArray> arrays() {
        return arrays;
    }

    public FloatArray array(String name) {
        FloatArray array = arrays.get(name);
        if (array == null) {
            throw new ArtifactException(kind + " artifact " + shortHash() + " lacks the array " + name);
        }
        return array;
    }

    public String contentSha256() {
        return contentSha256;
    }

    public String shortHash() {
        return contentSha256.substring(0, 12);
    }

    public ObjectNode manifest() {
        ObjectNode manifest = manifestWithoutHash();
        manifest.put("contentSha256", contentSha256);
        return (ObjectNode) CanonicalJson.sort(manifest);
    }

    private ObjectNode manifestWithoutHash() {
        ObjectNode manifest = CanonicalJson.MAPPER.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("formatVersion", FORMAT_VERSION);
        manifest.put("kind", kind);
        manifest.set("metadata", metadata);
        ObjectNode index = manifest.putObject("arrays");
        arrays.forEach((name, array) -> {
            ObjectNode entry = index.putObject(name);
            entry.put("file", name + ".npy");
            entry.put("dtype", "<f4");
            ArrayNode shape = entry.putArray("shape");
            for (int d : array.shape()) {
                shape.add(d);
            }
            entry.put("sha256", Sha256.hex(Npy.write(array)));
        });
        return manifest;
    }

    private Map<String, byte[]> files() {
        Map<String, byte[]> files = new TreeMap<>();
        files.put(MANIFEST, CanonicalJson.writePretty(manifest()).getBytes(StandardCharsets.UTF_8));
        arrays.forEach((name, array) -> files.put(name + ".npy", Npy.write(array)));
        return files;
    }

    /** Writes into {@code dir} atomically: a reader sees the whole artifact or none of it. */
    public void write(Path dir) {
        try {
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, "." + dir.getFileName() + ".partial-");
            // a temporary folder is private (rwx------); an artifact is as readable as any file the user writes
            if (staging.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(staging, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            for (Map.Entry<String, byte[]> file : files().entrySet()) {
                Files.write(staging.resolve(file.getKey()), file.getValue());
            }
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    requireReplaceable(dir, kind, metadata.path("task").asText(null));
                } catch (ArtifactException e) {
                    deleteRecursively(staging);
                    throw e;
                }
                deleteRecursively(dir);
            }
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write artifact to " + dir, e);
        }
    }

    /** A deterministic zip (sorted entries, fixed times): equal content gives equal bytes. */
    public byte[] toZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files().entrySet()) {
                ZipEntry entry = new ZipEntry(file.getKey());
                entry.setTime(0L);
                zip.putNextEntry(entry);
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads an artifact folder, or a zip of one (as {@link #toZip()} writes it). */
    public static ArtifactBundle read(Path path) {
        try {
            if (Files.isRegularFile(path)) {
                return fromZip(Files.readAllBytes(path), path.toString());
            }
            if (!Files.isDirectory(path)) {
                throw new ArtifactException(path + ": no such artifact folder or zip");
            }
            Map<String, byte[]> files = new HashMap<>();
            try (Stream<Path> list = Files.list(path)) {
                for (Path file : (Iterable<Path>) list::iterator) {
                    if (Files.isRegularFile(file)) {
                        files.put(file.getFileName().toString(), Files.readAllBytes(file));
                    }
                }
            }
            return fromFiles(files, path.toString());
        } catch (IOException e) {
            throw new ArtifactException(path + ": cannot read artifact: " + e.getMessage(), e);
        }
    }

    public static ArtifactBundle fromZip(byte[] zipBytes, String source) {
        Map<String, byte[]> files = new HashMap<>();
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(zipBytes))) {
            byte[] buffer = new byte[1 << 16];
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                for (int n; (n = zip.read(buffer)) > 0; ) {
                    total += n;
                    if (total > MAX_UNCOMPRESSED_BYTES) {
                        throw new ArtifactException(source + ": artifact larger than " + MAX_UNCOMPRESSED_BYTES + " bytes");
                    }
                    content.write(buffer, 0, n);
                }
                files.put(name, content.toByteArray());
            }
        } catch (IOException e) {
            throw new ArtifactException(source + ": not a readable zip: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new ArtifactException(source + ": empty or not a zip");
        }
        return fromFiles(files, source);
    }

    private static ArtifactBundle fromFiles(Map<String, byte[]> files, String source) {
        byte[] manifestBytes = files.get(MANIFEST);
        if (manifestBytes == null) {
            throw new ArtifactException(source + ": no " + MANIFEST);
        }
        JsonNode manifest;
        try {
            manifest = CanonicalJson.READER.readTree(manifestBytes);
        } catch (IOException e) {
            throw new ArtifactException(source + ": " + MANIFEST + " is not valid JSON: " + e.getMessage(), e);
        }
        if (manifest == null || !FORMAT.equals(manifest.path("format").asText())) {
            throw new ArtifactException(source + ": not an MPT-Rec artifact (format field missing or wrong)");
        }
        int version = manifest.path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new ArtifactException(source + ": format version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
        SortedMap<String, FloatArray> arrays = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) manifest.path("arrays")::fields) {
            String name = entry.getKey();
            JsonNode index = entry.getValue();
            byte[] bytes = files.get(index.path("file").asText());
            if (bytes == null) {
                throw new ArtifactException(source + ": array file " + index.path("file").asText() + " is missing");
            }
            if (!Sha256.hex(bytes).equals(index.path("sha256").asText())) {
                throw new ArtifactException(source + ": array " + name + " is corrupted (SHA-256 differs from the manifest)");
            }
            FloatArray array = Npy.read(bytes, source + "/" + name);
            int[] declared;
            try {
                declared = CanonicalJson.MAPPER.convertValue(index.path("shape"), int[].class);
            } catch (IllegalArgumentException e) {
                declared = null;
            }
            if (declared == null || !array.hasShape(declared)) {
                throw new ArtifactException(source + ": array " + name + " has a shape that differs from the manifest");
            }
            arrays.put(name, array);
        }
        ArtifactBundle bundle;
        try {
            bundle = of(manifest.path("kind").asText(), manifest.path("metadata"), arrays);
        } catch (ArtifactException e) {
            throw new ArtifactException(source + ": " + e.getMessage(), e);
        }
        String declaredHash = manifest.path("contentSha256").asText();
        if (!bundle.contentSha256.equals(declaredHash)) {
            throw new ArtifactException(source + ": content hash mismatch: manifest says " + declaredHash
                    + ", content hashes to " + bundle.contentSha256 + " (the artifact was modified)");
        }
        return bundle;
    }

    /**
     * Refuses (before any work, or before {@link #write} replaces it) a {@code dir} that exists and is not an artifact
     * of {@code kind}, of the same {@code task} (null for none), or an empty folder: an {@code --out} that named a
     * user's folder, the artifacts folder itself or another task's prompt was deleted without a word.
     */
    public static void requireReplaceable(Path dir, String kind, String task) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String refusal = dir + " exists and is not " + (task != null ? "a " + kind + " of " + task
                : "an artifact of kind " + kind) + ": give a new folder, or remove it first";
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactException(refusal);
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries.sorted()::iterator) {
                String name = entry.getFileName().toString();
                if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                        || !(name.equals(MANIFEST) || name.endsWith(".npy"))) {
                    throw new ArtifactException(refusal + " (it holds " + name + ")");
                }
            }
        }
        Path manifestFile = dir.resolve(MANIFEST);
        if (Files.exists(manifestFile)) {
            JsonNode existing;
            try {
                existing = CanonicalJson.MAPPER.readTree(manifestFile.toFile());
            } catch (IOException e) {
                throw new ArtifactException(refusal + " (its manifest cannot be read)");
            }
            if (!kind.equals(existing.path("kind").asText())
                    || !String.valueOf(task).equals(existing.path("metadata").path("task").asText("null"))) {
                throw new ArtifactException(refusal + " (it holds " + existing.path("kind").asText()
                        + (existing.path("metadata").has("task") ? " for " + existing.path("metadata").path("task")
                        .asText() : "") + ")");
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
