package io.mptrec.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A malformed .npy is a {@link MalformedArrayException} that names the array, never another exception. */
class NpyTests {

    @Test
    void shouldReadWhatItWrites() {
        FloatArray array = new FloatArray(new int[]{2, 3}, new float[]{1, 2, 3, 4, 5, 6});
        FloatArray read = Npy.read(Npy.write(array), "a");
        assertThat(read.shape()).containsExactly(2, 3);
        assertThat(read.data()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void shouldRefuseMalformedHeadersNamingTheArray() {
        String[] shapes = {"65536, 65536, 65536", "4294967296, ", "99999999999999999999999, ", "2147483647, 2, ",
                "1, 1, 1, 1, 1, 1, 1, 1, 1, "};
        for (String shape : shapes) {
            byte[] npy = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }", 4);
            assertThatThrownBy(() -> Npy.read(npy, "x/prompt")).as(shape).isInstanceOf(MalformedArrayException.class)
                    .hasMessageStartingWith("x/prompt: ")
                    .satisfies(e -> assertThat(((MalformedArrayException) e).array()).isEqualTo("x/prompt"));
        }
        byte[] negative = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, ), }", 4);
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -16);
        assertThatThrownBy(() -> Npy.read(negative, "x/prompt")).isInstanceOf(MalformedArrayException.class)
                .hasMessageContaining("truncated .npy header");
        byte[] version = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, ), }", 4);
        version[6] = (byte) 0x80;
        assertThatThrownBy(() -> Npy.read(version, "x/prompt")).isInstanceOf(MalformedArrayException.class)
                .hasMessageContaining("format version -128");
        byte[] control = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1\u0000, ), }", 4);
        assertThatThrownBy(() -> Npy.read(control, "x/prompt")).isInstanceOf(MalformedArrayException.class)
                .hasMessageNotContaining("\u0000");
    }

    @Test
    void shouldRefuseValuesBeyondTheMagnitudeLimit() {
        for (float hostile : new float[]{3e38f, -1001f, Float.NaN, Float.POSITIVE_INFINITY}) {
            FloatArray array = new FloatArray(new int[]{2}, new float[]{0.5f, hostile});
            assertThatThrownBy(() -> ArtifactBundle.of("encoder", Map.of(), Map.of("w", array)))
                    .as("" + hostile).isInstanceOf(ArtifactException.class).hasMessageContaining("array w");
        }
        ArtifactBundle.of("encoder", Map.of(), Map.of("w", new FloatArray(new int[]{2}, new float[]{-1000f, 1000f})));
    }

    static byte[] npy(int version, String dict, int dataBytes) {
        byte[] header = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
        int lengthBytes = version == 1 ? 2 : 4;
        ByteBuffer out = ByteBuffer.allocate(8 + lengthBytes + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            out.putShort((short) header.length);
        } else {
            out.putInt(header.length);
        }
        out.put(header);
        return out.array();
    }
}
