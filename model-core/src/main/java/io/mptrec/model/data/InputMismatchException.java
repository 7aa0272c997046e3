package io.mptrec.model.data;

/**
 * A dataset whose input columns are not the ones an encoder was fitted on: a different column in a position, a
 * column with another role, one too many or one missing. The encoder reads fields by position, so scoring such data
 * would give numbers for the wrong columns; {@link #field()} is the first column that differs.
 */
public final class InputMismatchException extends IllegalArgumentException {

    private final String field;

    InputMismatchException(String field, String reason) {
        super("the schema's input columns do not match the encoder's, first at column '" + field + "': " + reason);
        this.field = field;
    }

    /** The first column, in the encoder's order, where the schema differs. */
    public String field() {
        return field;
    }
}
