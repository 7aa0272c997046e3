package io.mptrec.governance.ui.page;

import io.mptrec.model.format.Figures;
import io.quarkus.qute.TemplateExtension;

import java.time.Instant;

/**
 * The formatting policy ({@link Figures}) in the page templates, as {@code {fig:estimate(x)}}, {@code
 * {fig:pValue(p)}}, {@code {fig:lift(lift, lower, upper)}}, {@code {fig:count(n)}}, {@code {fig:time(t)}} and
 * {@code {fig:hash(h)}}: so that no page prints a raw double or a timestamp with microseconds. Null reads as "–".
 */
@TemplateExtension(namespace = "fig")
public final class FigureFormats {

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
}
