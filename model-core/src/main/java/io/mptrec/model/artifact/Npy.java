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

    /** Parses a float32 little-endian C-order .npy; anything else is refused with the reason, naming the array. */
    public static FloatArray read(byte[] bytes, String name) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new MalformedArrayException(name, "not a .npy file (bad magic)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.position(6);
        int major = in.get();
        in.get();
        if (major < 1 || major > 3) {
            throw new MalformedArrayException(name, ".npy format version " + major + " is not supported");
        }
        long headerLength = major == 1 ? Short.toUnsignedInt(in.getShort()) : Integer.toUnsignedLong(in.getInt());
        if (in.position() + headerLength > bytes.length) {
            throw new MalformedArrayException(name, "truncated .npy header (" + headerLength + " bytes declared)");
        }
        String header = new String(bytes, in.position(), (int) headerLength, StandardCharsets.US_ASCII).trim();
        Matcher m = HEADER.matcher(header);
        if (!m.matches()) {
            throw new MalformedArrayException(name, "unsupported .npy header " + shortened(header));
        }
        if (!m.group(1).equals("<f4") || m.group(2).equals("True")) {
            throw new MalformedArrayException(name, "expected little-endian float32 in C order, found "
                    + shortened(header));
        }
        int[] shape = shape(m.group(3), name);
        long count = 1;
        for (int dimension : shape) {
            count *= dimension; // no overflow: each dimension and the running product stay below MAX_VALUES
            if (count > MAX_VALUES) {
                throw new MalformedArrayException(name, "shape " + Arrays.toString(shape) + " holds more than "
                        + MAX_VALUES + " values");
            }
        }
        in.position(in.position() + (int) headerLength);
        if (in.remaining() != count * 4) {
            throw new MalformedArrayException(name, "truncated or oversized data: expected " + count * 4
                    + " bytes for shape " + Arrays.toString(shape) + ", found " + in.remaining());
        }
        float[] data = new float[(int) count];
        in.asFloatBuffer().get(data);
        return new FloatArray(shape, data);
    }

    /** At most this many values in one array (the largest artifact a zip may hold, in float32). */
    public static final long MAX_VALUES = ArtifactBundle.MAX_UNCOMPRESSED_BYTES / 4;

    private static int[] shape(String dimensions, String name) {
        String[] parts = Arrays.stream(dimensions.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
        if (parts.length > 8) {
            throw new MalformedArrayException(name, "a shape of " + parts.length + " dimensions (at most 8)");
        }
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            // digits only (the header pattern); more than 10 of them cannot be a dimension we read
            long dimension = parts[i].length() > 10 ? Long.MAX_VALUE : Long.parseLong(parts[i]);
            if (dimension > MAX_VALUES) {
                throw new MalformedArrayException(name, "dimension " + i + " of the shape is " + shortened(parts[i])
                        + ", more than " + MAX_VALUES);
            }
            shape[i] = (int) dimension;
        }
        return shape;
    }

    private static String shortened(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 120 ? printable.substring(0, 120) + "..." : printable;
    }
}
