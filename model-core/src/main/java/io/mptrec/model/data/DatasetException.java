package io.mptrec.model.data;

import java.nio.file.Path;

/** A schema or data file that cannot be used, with the place to fix it. Message: "file:line: reason". */
public class DatasetException extends RuntimeException {
    private final Path file;
    private final long line;
    private final String reason;

    /** @param line 1-based line in {@code file}, 0 when the problem concerns the whole file */
    public DatasetException(Path file, long line, String reason) {
        this(file, line, reason, null);
    }

    public DatasetException(Path file, long line, String reason, Throwable cause) {
        super(file + ":" + line + ": " + reason, cause);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public long line() {
        return line;
    }

    public String reason() {
        return reason;
    }

    /**
     * A numeric cell of a data file as a float: refused, naming the file and line, when it is no decimal or when no
     * float holds it ({@code 1e39} was read as Infinity and failed later as "score 0 is NaN", with no line).
     */
    static float numeric(String value, String column, Path file, long line) {
        if (!DecimalText.isDecimal(value)) {
            throw new DatasetException(file, line, "column '" + column + "' is numeric but has '" + value + "'");
        }
        float number = Float.parseFloat(value);
        if (Float.isInfinite(number)) {
            throw new DatasetException(file, line, "column '" + column + "' has " + value
                    + ", out of a float's range (at most 3.4e38 in magnitude)");
        }
        return number;
    }
}
