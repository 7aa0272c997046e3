package io.mptrec.model.data;

import java.io.Closeable;
import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads delimited text as RFC 4180 says (Apache Commons CSV): a field in double quotes may hold the delimiter, line
 * breaks and doubled quotes ({@code "[100,1k)"}, {@code "say ""hi"""}); a quote inside an unquoted field is a plain
 * character. Empty lines are skipped. With {@code trim}, every field is stripped of surrounding whitespace after
 * unquoting, as the data files without quotes always were.
 */
public final class DelimitedReader implements Closeable {

    private final LineCounter counter;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final boolean trim;
    private long line;

    public DelimitedReader(Reader reader, String delimiter, boolean trim) {
        // Empty lines come back as one empty field, so that a record's character position is its own line's start.
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(false)
                .setIgnoreSurroundingSpaces(trim)
                .get();
        this.counter = new LineCounter(reader);
        try {
            this.parser = CSVParser.builder().setReader(counter).setFormat(format).get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.records = parser.iterator();
        this.trim = trim;
    }

    /**
     * The next record's fields, or null at the end. Empty lines are skipped.
     *
     * @throws MalformedException    for an unterminated quoted field or text after a closing quote, with its line
     * @throws UncheckedIOException when the text cannot be read
     */
    public String[] next() {
        while (true) {
            CSVRecord record;
            try {
                if (!records.hasNext()) {
                    return null;
                }
                record = records.next();
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof CSVException malformed) {
                    throw new MalformedException(line + 1, "invalid quoting: " + malformed.getMessage());
                }
                throw e; // the file itself could not be read
            }
            line = counter.lineAt(record.getCharacterPosition());
            if (record.size() == 1 && record.get(0).isEmpty()) {
                continue;
            }
            String[] fields = new String[record.size()];
            for (int i = 0; i < fields.length; i++) {
                String value = record.get(i);
                fields[i] = trim ? value.strip() : value;
            }
            return fields;
        }
    }

    /** The 1-based line on which the record last returned by {@link #next()} starts. */
    public long line() {
        return line;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /**
     * Notes where lines start (after LF, CRLF or a lone CR) as the parser reads ahead, and forgets them once
     * records are past them, so that it holds only the lines of the parser's read-ahead buffer.
     */
    private static final class LineCounter extends FilterReader {
        private final ArrayDeque<Long> lineStarts = new ArrayDeque<>();
        private long position;
        private long line = 1;
        private boolean afterCarriageReturn;

        LineCounter(Reader in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                see((char) c);
            }
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                see(buffer[offset + i]);
            }
            return n;
        }

        private void see(char c) {
            if (afterCarriageReturn && c != '\n') {
                lineStarts.add(position); // a lone CR ended the previous line
            }
            position++;
            if (c == '\n') {
                lineStarts.add(position);
            }
            afterCarriageReturn = c == '\r';
        }

        /** The line of a character position; positions must not decrease from call to call. */
        long lineAt(long characterPosition) {
            while (!lineStarts.isEmpty() && lineStarts.peekFirst() <= characterPosition) {
                lineStarts.removeFirst();
                line++;
            }
            return line;
        }
    }

    /** Text that RFC 4180 cannot read, at a 1-based line. */
    public static final class MalformedException extends RuntimeException {
        private final long line;

        MalformedException(long line, String reason) {
            super(reason);
            this.line = line;
        }

        public long line() {
            return line;
        }
    }
}
