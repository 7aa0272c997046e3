package io.mptrec.registry.security;

import io.mptrec.registry.problem.ApiException;

import java.util.regex.Pattern;

/** Task and label names are identifiers: anything else (SQL, markup, paths) is refused at the edge. */
public final class Names {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    private Names() {
    }

    public static String requireName(String value, String field) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw ApiException.badRequest("invalid-name", field + " must match [a-z][a-z0-9_-]{0,63}", field);
        }
        return value;
    }

    /** Version numbers arrive as path segments; a non-number is a bad request, not an unknown version. */
    public static int requireVersionNumber(String value, String field) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.badRequest("invalid-version", field + " must be a positive integer", field);
    }
}
