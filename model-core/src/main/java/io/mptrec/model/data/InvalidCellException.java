package io.mptrec.model.data;

/**
 * One candidate's value that cannot be encoded: which row (0-based), which column, and why. Typed, so that a caller
 * (the serving API) can name the offending field without parsing the message.
 */
public class InvalidCellException extends IllegalArgumentException {

    private final int row;
    private final String column;
    private final String reason;

    public InvalidCellException(int row, String column, String reason) {
        super("row " + row + ", column '" + column + "': " + reason);
        this.row = row;
        this.column = column;
        this.reason = reason;
    }

    /** The longest value a reason quotes whole. */
    static final int QUOTED = 40;

    /**
     * A value as a reason quotes it: whole up to {@value #QUOTED} characters, else its start and its length (a
     * candidate value may be megabytes long, and the reason goes back to the client).
     */
    public static String quoted(CharSequence value) {
        return value.length() <= QUOTED ? "'" + value + "'"
                : "'" + value.subSequence(0, QUOTED) + "...' (" + value.length() + " characters)";
    }

    public int row() {
        return row;
    }

    public String column() {
        return column;
    }

    public String reason() {
        return reason;
    }
}
