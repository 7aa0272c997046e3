package io.mptrec.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** A manifest means what it says: a key given twice is refused, not read as its last value (and hashed so). */
class StrictManifestTests {

    @Test
    void shouldRefuseAManifestWithAKeyTwice() throws IOException {
        ArtifactBundle bundle = ArtifactBundle.of("task-prompt", Map.of("stage", 2, "task", "t"),
                Map.of("prompt", new FloatArray(new int[] {2}, new float[] {0.5f, -0.5f})));
        assertThat(ArtifactBundle.fromZip(bundle.toZip(), "fine").contentSha256()).isEqualTo(bundle.contentSha256());

        byte[] twice = rewriteManifest(bundle.toZip(), m -> m.replaceFirst("\"stage\"\\s*:\\s*2",
                "\"stage\" : 1, \"stage\" : 2"));
        assertThatThrownBy(() -> ArtifactBundle.fromZip(twice, "twice")).isInstanceOf(ArtifactException.class)
                .hasMessageContaining("manifest.json is not valid JSON").hasMessageContaining("stage");
    }

    private static byte[] rewriteManifest(byte[] zip, java.util.function.UnaryOperator<String> change)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
             ZipOutputStream rewritten = new ZipOutputStream(out)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().equals(ArtifactBundle.MANIFEST)) {
                    String manifest = new String(bytes, StandardCharsets.UTF_8);
                    String changed = change.apply(manifest);
                    assertThat(changed).isNotEqualTo(manifest);
                    bytes = changed.getBytes(StandardCharsets.UTF_8);
                }
                rewritten.putNextEntry(new ZipEntry(entry.getName()));
                rewritten.write(bytes);
                rewritten.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
