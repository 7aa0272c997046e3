package io.mptrec.kernel.security;

import io.mptrec.kernel.problem.ApiException;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Task and label names are identifiers: anything else (SQL, markup, paths) is refused at the edge. Free text that is
 * stored (unit ids, event ids, ...) is checked by {@link #requireText}: the same refusal on H2 and PostgreSQL.
 */
public final class Names {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern WHOLE = Pattern.compile("-?[0-9]{1,19}");

    private Names() {
    }

    public static String requireName(String value, String field) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw ApiException.badRequest("invalid-name", field + " must match [a-z][a-z0-9_-]{0,63}", field);
        }
        return value;
    }

    /**
     * Free text checked at the edge, so that the database never refuses it and H2 and PostgreSQL accept the same:
     * 1 to {@code maxLength} characters (UTF-16 units, so never more code points than the column holds), no control
     * character (U+0000-U+001F, U+007F-U+009F: PostgreSQL cannot store NUL in text at all) and no unpaired surrogate.
     */
    public static String requireText(String value, int maxLength, String field) {
        if (value == null || value.isEmpty() || value.length() > maxLength) {
            throw ApiException.badRequest("invalid-input", field + " must have 1 to " + maxLength + " characters", field);
        }
        check(value, false, () -> field);
        return value;
    }

    /**
     * An optional text, such as a query filter: null passes (no filter); otherwise as {@link #requireText}, so that a
     * filter PostgreSQL cannot even compare (a NUL) is a 400 there as on H2.
     */
    public static String optionalText(String value, int maxLength, String field) {
        return value == null ? null : requireText(value, maxLength, field);
    }

    /**
     * Free text a person writes (a reason, a comment): as {@link #requireText}, except that line breaks and tabs
     * (U+0009, U+000A, U+000D) are allowed.
     */
    public static String requireProse(String value, int maxLength, String field) {
        if (value == null || value.isEmpty() || value.length() > maxLength) {
            throw ApiException.badRequest("invalid-input", field + " must have 1 to " + maxLength + " characters", field);
        }
        check(value, true, () -> field);
        return value;
    }

    /**
     * Refuses control characters (U+0000-U+001F, U+007F-U+009F) and unpaired surrogates in any text, stored or not;
     * the detail names the character's code, never echoes it.
     */
    public static String requireNoControl(String value, String field) {
        check(value, false, () -> field);
        return value;
    }

    /**
     * As {@link #requireNoControl(String, String)}, with the field's name made only when the text is refused: for hot
     * loops over many values (a scoring request's candidate cells), where building every name would cost more than
     * the check.
     */
    public static String requireNoControl(String value, Supplier<String> field) {
        check(value, false, field);
        return value;
    }

    /**
     * As {@link #requireNoControl(String, Supplier)}, for the characters {@code chars[from, to)}: a value held in a
     * longer array (a column of a scoring request's candidates), the index in the detail counted from {@code from}.
     */
    public static void requireNoControl(char[] chars, int from, int to, Supplier<String> field) {
        if (!isPrintableAscii(chars, from, to)) {
            // the value as a string, through the one check
            check(new String(chars, from, to - from), false, field);
        }
    }

    /**
     * Whether {@code chars[from, to)} are all printable ASCII (U+0020-U+007E), which every check here passes: a caller
     * holding many values in one array (a column of a scoring request's candidates) asks once for all of them, and
     * checks them value by value, to name the one refused, only when this says no.
     */
    public static boolean isPrintableAscii(char[] chars, int from, int to) {
        for (int i = from; i < to; i++) {
            if (chars[i] < 0x20 || chars[i] >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static void check(String value, boolean prose, Supplier<String> fieldName) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                continue; // printable ASCII, nearly every character: one test instead of four
            }
            String what;
            if (prose && (c == '\t' || c == '\n' || c == '\r')) {
                continue;
            } else if (Character.isISOControl(c)) {
                what = "the control character";
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++; // a pair: one code point outside the BMP
                continue;
            } else if (Character.isSurrogate(c)) {
                what = "an unpaired surrogate";
            } else {
                continue;
            }
            String field = fieldName.get();
            throw ApiException.badRequest("invalid-text", String.format(Locale.ROOT, "%s holds %s U+%04X at index %d", field,
                    what, (int) c, i), field);
        }
    }

    /**
     * A whole number as the API takes one: ASCII digits, a minus sign first at most. Java's parsers also take a plus
     * sign and the digits of every script ({@code +2}, Arabic-Indic {@code ٢}, fullwidth {@code ２}), which would
     * name a version or an experiment by a text no client writes.
     */
    public static boolean isWholeNumber(String value) {
        return value != null && WHOLE.matcher(value).matches();
    }

    /** Version numbers arrive as path segments; a non-number is a bad request, not an unknown version. */
    public static int requireVersionNumber(String value, String field) {
        try {
            if (!isWholeNumber(value)) {
                throw new NumberFormatException(value);
            }
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.badRequest("invalid-version", field + " must be a positive integer", field);
    }

    /** Entity ids arrive as path segments too: a positive long, else 400 {@code invalid-id} naming the field. */
    public static long requireId(String value, String field) {
        try {
            if (!isWholeNumber(value)) {
                throw new NumberFormatException(value);
            }
            long id = Long.parseLong(value);
            if (id >= 1) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.badRequest("invalid-id", field + " must be a positive integer", field);
    }
}
