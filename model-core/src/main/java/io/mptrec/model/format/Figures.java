package io.mptrec.model.format;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The one way numbers, hashes and times are shown to people, on every page and in the command line's summaries:
 * four significant digits for estimates, lifts as percentages with their interval, p-values to two significant
 * digits, counts with thousands separators, short hashes, times to the minute in UTC. Raw values stay in the JSON
 * API; this is for reading.
 */
public final class Figures {

    /** What a missing or undefined figure (no data, NaN) reads as. */
    public static final String NONE = "–";

    /** Characters of a content hash that identify it to a person; the full value goes on hover or copy. */
    public static final int SHORT_HASH = 12;

    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Figures() {
    }

    /** An estimate to 4 significant digits: 0.8558, -0.02064, 12,350; below 1e-4 in scientific notation. */
    public static String estimate(double value) {
        return significant(value, 4);
    }

    /**
     * A relative change and its interval, as percentages to one decimal with explicit signs:
     * {@code -2.1 % [-17.2 %, +13.1 %]}. Arguments are fractions (0.131 is +13.1 %).
     */
    public static String lift(double estimate, double lower, double upper) {
        if (!Double.isFinite(estimate)) {
            return NONE;
        }
        String interval = Double.isFinite(lower) && Double.isFinite(upper)
                ? " [" + percent(lower) + ", " + percent(upper) + "]" : "";
        return percent(estimate) + interval;
    }

    /** A fraction as a signed percentage to one decimal: {@code +13.1 %}, {@code -2.1 %}, {@code 0.0 %}. */
    public static String percent(double fraction) {
        if (!Double.isFinite(fraction)) {
            return NONE;
        }
        double rounded = Math.round(fraction * 1000.0) / 10.0;
        String sign = rounded > 0 ? "+" : "";
        return sign + String.format(Locale.ROOT, "%.1f", rounded == 0 ? 0.0 : rounded) + " %";
    }

    /** A p-value to 2 significant digits, or {@code < 0.001}: 0.79, 0.012, 1.0. */
    public static String pValue(double p) {
        if (Double.isNaN(p)) {
            return NONE;
        }
        if (p < 0.001) {
            return "< 0.001";
        }
        return significant(Math.min(p, 1.0), 2);
    }

    /** A p-value as a person writes it: {@code p = 0.79}, {@code p < 0.001}. */
    public static String p(double p) {
        String shown = pValue(p);
        return shown.startsWith("<") ? "p " + shown : "p = " + shown;
    }

    /** A count with thousands separators: 6,000. */
    public static String count(long n) {
        return grouping().format(n);
    }

    /** The first {@link #SHORT_HASH} characters of a hash (all of a shorter one; {@link #NONE} for null). */
    public static String shortHash(String hash) {
        if (hash == null || hash.isEmpty()) {
            return NONE;
        }
        return hash.length() <= SHORT_HASH ? hash : hash.substring(0, SHORT_HASH);
    }

    /** An instant to the minute, in UTC: {@code 2026-12-01 11:27 UTC}. */
    public static String time(Instant instant) {
        return instant == null ? NONE : MINUTE.format(instant);
    }

    private static String significant(double value, int digits) {
        if (Double.isNaN(value)) {
            return NONE;
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(digits, RoundingMode.HALF_EVEN));
        if (Math.abs(value) < 1e-4) {
            return String.format(Locale.ROOT, "%." + (digits - 1) + "e", rounded.doubleValue());
        }
        // decimals that show exactly `digits` significant digits, trailing zeros included (1.500, not 1.5)
        int decimals = Math.max(0, digits - (rounded.precision() - rounded.scale()));
        DecimalFormat format = grouping(); // 12,350 rather than 1.235E+4
        format.setMinimumFractionDigits(decimals);
        format.setMaximumFractionDigits(decimals);
        return format.format(rounded);
    }

    /** A new format each call: DecimalFormat is not thread-safe, and pages are rendered concurrently. */
    private static DecimalFormat grouping() {
        DecimalFormat format = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
        format.setRoundingMode(RoundingMode.HALF_EVEN);
        return format;
    }
}
