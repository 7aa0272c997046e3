package io.mptrec.governance.ui.page;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Numbers typed into a page's form. A page takes them as text and reads them here, so that "abc", "1.5" or
 * "99999999999" in a whole-number field is refused with the field's label and what was typed (an
 * {@link ApiException}, which the pages show in words), rather than by the framework's conversion of a typed
 * parameter, whose bare 400 the pages cannot tell from a form without its security token. Blank is absent (null).
 */
public final class FormNumbers {

    /** What a person types as a number; not "NaN", "Infinity", "0x1p3" or "1d", which Java would also read. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");

    private FormNumbers() {
    }

    /** A whole number that fits an int, or null when blank. */
    public static Integer whole(String text, String field, String label) {
        String value = typed(text, field, label);
        if (value == null) {
            return null;
        }
        try {
            if (!Names.isWholeNumber(value)) {
                throw new NumberFormatException(value);
            }
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid-input", label + ": a whole number, got '" + value + "'", field);
        }
    }

    /** A finite decimal number written as one ({@code 12}, {@code -0.5}, {@code 1e3}), or null when blank. */
    public static Double decimal(String text, String field, String label) {
        String value = typed(text, field, label);
        if (value == null) {
            return null;
        }
        double number = DECIMAL.matcher(value).matches() ? Double.parseDouble(value) : Double.NaN;
        if (Double.isFinite(number)) {
            return number;
        }
        throw ApiException.badRequest("invalid-input", label + ": a number, got '" + value + "'", field);
    }

    /**
     * A percentage typed as a decimal ({@link #decimal}) as the share it stands for, or null when blank: the decimal
     * typed moved two places (12.34 is 0.1234), not divided as a double (0.07 / 100 is 7.000000000000001E-4, which a
     * check in steps of 0.0001 refuses).
     */
    public static Double share(String text, String field, String label) {
        Double percent = decimal(text, field, label);
        return percent == null ? null : new BigDecimal(text.strip()).movePointLeft(2).doubleValue();
    }

    /** The text stripped, null when blank; refused (by its code, never echoed) when it holds a control character. */
    private static String typed(String text, String field, String label) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = Names.requireNoControl(text.strip(), field);
        if (value.length() > 40) {
            throw ApiException.badRequest("invalid-input", label + ": a number of at most 40 characters", field);
        }
        return value;
    }
}
