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
}
