package io.mptrec.ab.statistics;

/**
 * Fixed-horizon comparison of treatment against control for one metric. Valid when looked at once, at the
 * planned sample size; for peeking use {@link SequentialTest}.
 *
 * @param difference         treatment mean - control mean
 * @param differenceInterval normal interval for the difference (unpooled standard error)
 * @param relativeLift       treatment mean / control mean - 1
 * @param liftInterval       delta-method interval for the lift; null when the control mean is 0
 * @param zStatistic         test statistic of H0: no difference
 * @param pValue             two-sided p-value of the z test
 */
public record Comparison(double difference, ConfidenceInterval differenceInterval, double relativeLift,
                         ConfidenceInterval liftInterval, double zStatistic, double pValue) {

    /**
     * Compares two arms at the given confidence level.
     * <ul>
     *   <li>Difference: d = m_t - m_c, Var(d) = s_t^2/n_t + s_c^2/n_c.</li>
     *   <li>z test: for proportions the pooled two-proportion test (z^2 equals Pearson's chi-square of the
     *       2x2 table, as R's {@code prop.test(correct = FALSE)}); for means the unpooled (Welch) z.</li>
     *   <li>Lift: r = m_t / m_c; delta method (Casella and Berger 2002, 5.5.4; Deng et al. 2018,
     *       "Applying the Delta Method in Metric Analytics"):
     *       Var(r) = Var(m_t)/m_c^2 + m_t^2 Var(m_c)/m_c^4 (independent arms); lift interval (r - 1) +- z sqrt(Var(r)).</li>
     * </ul>
     */
    public static Comparison compare(MetricData control, MetricData treatment, double level) {
        if (control.getClass() != treatment.getClass()) {
            throw new IllegalArgumentException("treatment: must be the same kind of metric as control");
        }
        double z = Checks.zCritical(level);
        double mc = control.mean();
        double mt = treatment.mean();
        double vc = control.varianceOfMean();
        double vt = treatment.varianceOfMean();
        double difference = mt - mc;
        double se = Math.sqrt(vc + vt);
        ConfidenceInterval differenceInterval = new ConfidenceInterval(difference - z * se, difference + z * se, level);

        double testSe = se;
        if (control instanceof MetricData.Proportion c && treatment instanceof MetricData.Proportion t) {
            double pooled = (double) (c.successes() + t.successes()) / (c.count() + t.count());
            testSe = Math.sqrt(pooled * (1 - pooled) * (1.0 / c.count() + 1.0 / t.count()));
        }
        double zStatistic = testSe > 0 ? difference / testSe : (difference == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, difference));
        double pValue = Checks.twoSidedP(zStatistic);

        double lift = Double.NaN;
        ConfidenceInterval liftInterval = null;
        if (mc != 0) {
            double ratio = mt / mc;
            lift = ratio - 1;
            double varRatio = vt / (mc * mc) + mt * mt * vc / (mc * mc * mc * mc);
            double liftSe = Math.sqrt(varRatio);
            liftInterval = new ConfidenceInterval(lift - z * liftSe, lift + z * liftSe, level);
        }
        return new Comparison(difference, differenceInterval, lift, liftInterval, zStatistic, pValue);
    }
}
