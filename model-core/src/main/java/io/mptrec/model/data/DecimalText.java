package io.mptrec.model.data;

/** The one rule for a numeric value in a data file or a scoring request. */
final class DecimalText {

    private DecimalText() {
    }

    /**
     * Whether {@code v} is a plain decimal number: {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?} (no hexadecimal,
     * no NaN or Infinity, no trailing type letter, which {@link Float#parseFloat} would otherwise accept).
     */
    static boolean isDecimal(String v) {
        return isDecimal(v, 0, v.length());
    }

    /** As {@link #isDecimal(String)}, for {@code v[from, to)} (a string, or a {@link TextColumn}'s characters). */
    static boolean isDecimal(CharSequence v, int from, int to) {
        int i = from;
        if (i < to && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
            i++;
        }
        int integerDigits = digits(v, i, to);
        i += integerDigits;
        int fractionDigits = 0;
        if (i < to && v.charAt(i) == '.') {
            i++;
            fractionDigits = digits(v, i, to);
            i += fractionDigits;
        }
        if (integerDigits == 0 && fractionDigits == 0) {
            return false;
        }
        if (i < to && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            i++;
            if (i < to && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = digits(v, i, to);
            if (exponentDigits == 0) {
                return false;
            }
            i += exponentDigits;
        }
        return i == to;
    }

    /**
     * The value of the decimal {@code v[from, to)} (see {@link #isDecimal(String, int, int)}), exactly as
     * {@link Float#parseFloat} gives it. An integer of up to 9 digits, most of what tabular data holds, is read here
     * without a string (an int converts to the nearest float, as parseFloat rounds); anything else goes to parseFloat.
     */
    static float parse(CharSequence v, int from, int to) {
        boolean negative = v.charAt(from) == '-';
        int i = negative || v.charAt(from) == '+' ? from + 1 : from;
        if (to - i <= 9) {
            int value = 0;
            for (; i < to; i++) {
                char c = v.charAt(i);
                if (c < '0' || c > '9') {
                    return Float.parseFloat(v.subSequence(from, to).toString());
                }
                value = value * 10 + (c - '0');
            }
            return negative ? -(float) value : (float) value;
        }
        return Float.parseFloat(v.subSequence(from, to).toString());
    }

    private static int digits(CharSequence v, int from, int to) {
        int i = from;
        while (i < to && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }
}
