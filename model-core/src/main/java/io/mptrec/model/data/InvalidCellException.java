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
