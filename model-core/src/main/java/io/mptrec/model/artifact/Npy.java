package io.mptrec.model.artifact;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes float32 arrays in NumPy's .npy format (version 1.0, little-endian, C order), so that
 * numpy.load and other tools read our artifacts without any code of ours.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern HEADER = Pattern.compile(
            "\\{'descr': '([^']+)', 'fortran_order': (True|False), 'shape': \\(([0-9, ]*)\\), }");

    private Npy() {
    }

    public static byte[] write(FloatArray array) {
        String shape = array.shape().length == 1
                ? array.shape()[0] + ","
                : String.join(", ", Arrays.stream(array.shape()).mapToObj(Integer::toString).toList());
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
        // magic(6) + version(2) + header length(2) + header, padded with spaces to a multiple of 64, ending in \n
        int unpadded = MAGIC.length + 4 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + 4 * array.data().length)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : array.data()) {
            out.putFloat(v);
        }
        return out.array();
    }

    /** Parses a float32 little-endian C-order .npy; anything else is refused with the reason. */
    public static FloatArray read(byte[] bytes, String name) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new ArtifactException(name + ": not a .npy file (bad magic)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.position(6);
        int major = in.get();
        in.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort()) : in.getInt();
        if (in.position() + headerLength > bytes.length) {
            throw new ArtifactException(name + ": truncated .npy header");
        }
        String header = new String(bytes, in.position(), headerLength, StandardCharsets.US_ASCII).trim();
        Matcher m = HEADER.matcher(header);
        if (!m.matches()) {
            throw new ArtifactException(name + ": unsupported .npy header " + header);
        }
        if (!m.group(1).equals("<f4") || m.group(2).equals("True")) {
            throw new ArtifactException(name + ": expected little-endian float32 in C order, found " + header);
        }
        int[] shape = Arrays.stream(m.group(3).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        long count = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        in.position(in.position() + headerLength);
        if (in.remaining() != count * 4) {
            throw new ArtifactException(name + ": truncated or oversized data: expected " + count * 4
                    + " bytes for shape " + Arrays.toString(shape) + ", found " + in.remaining());
        }
        float[] data = new float[(int) count];
        in.asFloatBuffer().get(data);
        return new FloatArray(shape, data);
    }
}
