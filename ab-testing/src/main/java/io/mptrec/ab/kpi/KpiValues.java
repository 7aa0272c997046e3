package io.mptrec.ab.kpi;

import io.mptrec.kernel.problem.ApiException;

/**
 * The one bound on the numbers experiments add up: KPI event values and CUPED covariates (the API and the experiment
 * page's CSV file all check it here). A value must be finite and at most {@link #MAX_ABS} in absolute value.
 *
 * <p>Why 1e9: it leaves every sum the analysis takes far from overflow (a unit's total over a full batch of
 * 10,000 events is at most 1e13, its square 1e26, and a billion such squares 1e35, against a double's 1.8e308), while
 * no KPI or pre-period value a recommender logs comes near it (10 million in cents). A value beyond it is a bug or an
 * attack, refused with a 400 that names the field, and nothing of its batch is stored.
 */
public final class KpiValues {

    /** Largest absolute KPI event or covariate value accepted. */
    public static final double MAX_ABS = 1e9;

    private KpiValues() {
    }

    /**
     * The bound as an SQL condition on a column, for the queries that sum stored values: a value beyond it (only rows
     * written behind the API's back can hold one) never enters a statistic, so that no square can overflow.
     */
    public static String withinBoundSql(String column) {
        return "ABS(" + column + ") <= " + MAX_ABS;
    }

    /** The value, if finite and within [-{@link #MAX_ABS}, {@link #MAX_ABS}]; else a 400 naming {@code field}. */
    public static double requireValue(double value, String field) {
        if (!(Math.abs(value) <= MAX_ABS)) {
            throw ApiException.badRequest("invalid-input", "value must be a finite number within +-1e9, got "
                    + value, field);
        }
        return value;
    }
}
