package io.mptrec.registry.api;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;

import java.util.Locale;

/**
 * One page of a list the registry reads (the audit log, the events): {@code page} counts from 0, {@code size} rows a
 * page, 1 to {@link #MAX_SIZE}. The first row of the page, {@code page * size}, must be a row index a query can
 * address (at most {@link Integer#MAX_VALUE}); a page past the last row is empty. Anything else is 400
 * {@code invalid-paging} naming {@code page} or {@code size}: the one place of that rule, for the API and the pages.
 */
public record Paging(int page, int size) {

    public static final int MAX_SIZE = 500;
    public static final int DEFAULT_SIZE = 50;

    public Paging {
        if (size < 1 || size > MAX_SIZE) {
            throw refused("size", "size must be an integer from 1 to " + MAX_SIZE);
        }
        if (page < 0 || page > lastPage(size)) {
            throw refused("page", pageRule(size));
        }
    }

    /**
     * The paging of query parameters as they arrive (null: the first page, {@link #DEFAULT_SIZE} rows): a value that
     * is not an integer, or one too large for any type, is the same 400 as one out of range, naming its parameter.
     */
    public static Paging of(String page, String size) {
        int s = size == null ? DEFAULT_SIZE : parse(size, "size", "size must be an integer from 1 to " + MAX_SIZE);
        if (s < 1 || s > MAX_SIZE) {
            return new Paging(0, s); // refused by the constructor, naming size
        }
        return new Paging(page == null ? 0 : parse(page, "page", pageRule(s)), s);
    }

    private static int lastPage(int size) {
        return Integer.MAX_VALUE / size;
    }

    private static String pageRule(int size) {
        return String.format(Locale.ROOT, "page must be an integer from 0 to %d at size %d (its first row, page x size,"
                + " must be at most %d)", lastPage(size), size, Integer.MAX_VALUE);
    }

    private static int parse(String value, String field, String rule) {
        if (!Names.isWholeNumber(value)) {
            throw refused(field, rule);
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw refused(field, rule);
        }
    }

    private static ApiException refused(String field, String detail) {
        return ApiException.badRequest("invalid-paging", detail, field);
    }
}
