package io.mptrec.kernel.time;

import io.mptrec.kernel.problem.ApiException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Instants and dates taken from a request (filters, query parameters): parsed and held to one range, so that H2 and
 * PostgreSQL answer the same (PostgreSQL's timestamps end in the year 294276 and refuse what Java's Instant accepts
 * far beyond) and a far date is a 400 naming the parameter, never a database error. The range is 1970-01-01T00:00:00Z
 * to 9999-12-31T23:59:59Z: nothing the platform stores lies outside it.
 */
public final class Instants {

    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final String RANGE = "1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z";

    private Instants() {
    }

    /** An ISO-8601 instant such as {@code 2026-01-31T12:00:00Z} within the range; null stays null (no filter). */
    public static Instant requireInstant(String value, String field) {
        if (value == null) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeException e) {
            throw ApiException.badRequest("invalid-instant", field
                    + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, from " + RANGE, field);
        }
        return requireInRange(instant, field);
    }

    /**
     * The first instant of an ISO date such as {@code 2026-01-31} (UTC) plus {@code plusDays}, within the range;
     * null stays null.
     */
    public static Instant requireDay(String value, int plusDays, String field) {
        if (value == null) {
            return null;
        }
        try {
            return requireInRange(LocalDate.parse(value).plusDays(plusDays).atStartOfDay(ZoneOffset.UTC).toInstant(),
                    field);
        } catch (DateTimeException e) {
            throw ApiException.badRequest("invalid-date", field + " must be a date such as 2026-01-31, from 1970-01-01 "
                    + "to 9999-12-30", field);
        }
    }

    public static Instant requireInRange(Instant instant, String field) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw ApiException.badRequest("invalid-instant", field + " must lie from " + RANGE, field);
        }
        return instant;
    }
}
