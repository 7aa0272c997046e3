package io.mptrec.governance.ui.page;

import com.fasterxml.jackson.databind.JsonNode;
import io.mptrec.model.format.Figures;
import io.quarkus.qute.TemplateExtension;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The formatting policy ({@link Figures}) in the page templates, as {@code {fig:estimate(x)}}, {@code
 * {fig:pValue(p)}}, {@code {fig:lift(lift, lower, upper)}}, {@code {fig:count(n)}}, {@code {fig:time(t)}} and
 * {@code {fig:hash(h)}}, and a stored record's values by {@code {fig:value(v)}}: so that no page prints a raw double, a
 * timestamp with microseconds or a whole 64-character hash. A null figure reads as "–".
 */
@TemplateExtension(namespace = "fig")
public final class FigureFormats {

    /** A hex digest (SHA-1 and longer), as the artifacts' lineage and the audit log record them, alone or in text. */
    private static final Pattern HASH = Pattern.compile("(?<![0-9a-fA-F])[0-9a-f]{40,}(?![0-9a-fA-F])");

    private FigureFormats() {
    }

    static String estimate(Number value) {
        return value == null ? Figures.NONE : Figures.estimate(value.doubleValue());
    }

    static String pValue(Number p) {
        return p == null ? Figures.NONE : Figures.pValue(p.doubleValue());
    }

    /** {@code p = 0.79} or {@code p < 0.001}. */
    static String p(Number p) {
        return p == null ? Figures.NONE : Figures.p(p.doubleValue());
    }

    static String percent(Number fraction) {
        return fraction == null ? Figures.NONE : Figures.percent(fraction.doubleValue());
    }

    /** A relative lift with its interval; the interval left out when unknown. */
    static String lift(Number lift, Number lower, Number upper) {
        if (lift == null) {
            return Figures.NONE;
        }
        return lower == null || upper == null ? Figures.percent(lift.doubleValue())
                : Figures.lift(lift.doubleValue(), lower.doubleValue(), upper.doubleValue());
    }

    /** An estimate's interval: {@code [0.1234, 0.5678]}. */
    static String interval(Number lower, Number upper) {
        return lower == null || upper == null ? Figures.NONE
                : "[" + Figures.estimate(lower.doubleValue()) + ", " + Figures.estimate(upper.doubleValue()) + "]";
    }

    static String count(Number n) {
        return n == null ? Figures.NONE : Figures.count(n.longValue());
    }

    static String time(Instant instant) {
        return Figures.time(instant);
    }

    static String hash(String hash) {
        return Figures.shortHash(hash);
    }

    /**
     * A value of a stored record (an artifact's lineage) as people read it: a hash shortened (its full value by
     * {@link #fullHash}, for the title), a decimal to 4 significant digits, other text and integers as they are, a
     * null as "none"; an absent value (a field the other version lacks) as nothing.
     */
    static String value(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "";
        }
        if (value.isNull()) {
            return "none";
        }
        if (isHash(value)) {
            return Figures.shortHash(value.asText());
        }
        if (value.isFloatingPointNumber()) {
            return Figures.estimate(value.asDouble());
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** The full hash that {@link #value} shortened, for hover and copy; null when the value is not a hash. */
    static String fullHash(JsonNode value) {
        return isHash(value) ? value.asText() : null;
    }

    /** Free text (an audit entry's before and after) with every hash in it shortened; null reads as nothing. */
    static String text(String text) {
        return text == null ? "" : HASH.matcher(text).replaceAll(m -> Figures.shortHash(m.group()));
    }

    /** The whole text that {@link #text} shortened, for its title; null when it had no hash to shorten. */
    static String fullText(String text) {
        return text != null && HASH.matcher(text).find() ? text : null;
    }

    private static boolean isHash(JsonNode value) {
        return value != null && value.isTextual() && HASH.matcher(value.asText()).matches();
    }
}
