package io.mptrec.model.data;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Encoded rows in a file: fixed-width little-endian records (the numeric fields as float32, then the categorical
 * indices as int32), read back by position. Only the rows asked for are in memory, so a split larger than memory
 * trains a batch at a time. Positional reads are safe from many threads.
 */
public final class EncodedFile implements EncodedSource, Closeable {

    private final Path path;
    private final FileChannel channel;
    private final int rows;
    private final int numericFields;
    private final int categoricalFields;
    private final int recordBytes;

    private EncodedFile(Path path, int rows, int numericFields, int categoricalFields) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.rows = rows;
        this.numericFields = numericFields;
        this.categoricalFields = categoricalFields;
        this.recordBytes = 4 * (numericFields + categoricalFields);
    }

    /** Writes rows one at a time; {@link #finish()} opens the file for reading. */
    public static final class Writer {
        private final Path path;
        private final OutputStream out;
        private final ByteBuffer record;
        private final int numericFields;
        private final int categoricalFields;
        private int rows;

        public Writer(Path path, int numericFields, int categoricalFields) {
            this.path = path;
            this.numericFields = numericFields;
            this.categoricalFields = categoricalFields;
            this.record = ByteBuffer.allocate(4 * (numericFields + categoricalFields)).order(ByteOrder.LITTLE_ENDIAN);
            try {
                this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path, e);
            }
        }

        public void write(float[] numeric, int[] categories) {
            record.clear();
            for (int f = 0; f < numericFields; f++) {
                record.putFloat(numeric[f]);
            }
            for (int f = 0; f < categoricalFields; f++) {
                record.putInt(categories[f]);
            }
            try {
                out.write(record.array(), 0, record.capacity());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path, e);
            }
            rows++;
        }

        public EncodedFile finish() {
            try {
                out.close();
                return new EncodedFile(path, rows, numericFields, categoricalFields);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path, e);
            }
        }
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public EncodedRows select(int[] positions) {
        float[] x = new float[positions.length * numericFields];
        int[] c = new int[positions.length * categoricalFields];
        ByteBuffer record = ByteBuffer.allocate(recordBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < positions.length; i++) {
            read(record, positions[i], 1);
            decode(record, x, i, c);
        }
        return new EncodedRows(positions.length, numericFields, categoricalFields, x, c);
    }

    @Override
    public EncodedRows range(int start, int end) {
        int n = end - start;
        float[] x = new float[n * numericFields];
        int[] c = new int[n * categoricalFields];
        ByteBuffer records = ByteBuffer.allocate(n * recordBytes).order(ByteOrder.LITTLE_ENDIAN);
        read(records, start, n);
        for (int i = 0; i < n; i++) {
            decode(records, x, i, c);
        }
        return new EncodedRows(n, numericFields, categoricalFields, x, c);
    }

    private void read(ByteBuffer buffer, int row, int count) {
        if (row < 0 || row + count > rows) {
            throw new IndexOutOfBoundsException("rows " + row + ".." + (row + count) + " of " + rows);
        }
        buffer.clear();
        buffer.limit(count * recordBytes);
        long position = (long) row * recordBytes;
        try {
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position + buffer.position());
                if (read < 0) {
                    throw new IOException("unexpected end of " + path);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        buffer.flip();
    }

    private void decode(ByteBuffer record, float[] x, int i, int[] c) {
        for (int f = 0; f < numericFields; f++) {
            x[i * numericFields + f] = record.getFloat();
        }
        for (int f = 0; f < categoricalFields; f++) {
            c[i * categoricalFields + f] = record.getInt();
        }
    }

    /** Closes and deletes the file. */
    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
