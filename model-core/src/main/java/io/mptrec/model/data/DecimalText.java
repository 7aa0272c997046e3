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
        int i = 0;
        int n = v.length();
        if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
            i++;
        }
        int integerDigits = digits(v, i);
        i += integerDigits;
        int fractionDigits = 0;
        if (i < n && v.charAt(i) == '.') {
            i++;
            fractionDigits = digits(v, i);
            i += fractionDigits;
        }
        if (integerDigits == 0 && fractionDigits == 0) {
            return false;
        }
        if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            i++;
            if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = digits(v, i);
            if (exponentDigits == 0) {
                return false;
            }
            i += exponentDigits;
        }
        return i == n;
    }

    private static int digits(String v, int from) {
        int i = from;
        while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }
}
