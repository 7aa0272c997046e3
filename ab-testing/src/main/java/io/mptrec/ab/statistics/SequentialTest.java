package io.mptrec.ab.statistics;

/**
 * Always-valid inference for the difference of two arm means (proportions or continuous metrics) with the
 * mixture sequential probability ratio test (mSPRT) and a normal mixing distribution.
 *
 * <p>References: Johari, Koomen, Pekelis, Walsh (2017), "Peeking at A/B Tests", KDD, section 4 (mSPRT with
 * H(theta) = N(0, tau^2)); Howard, Ramdas, McAuliffe, Sekhon (2021), "Time-uniform, nonparametric,
 * nonasymptotic confidence sequences", Ann. Statist., the two-sided normal-mixture boundary
 * sqrt((v + rho) ln((v + rho) / (rho alpha^2))) in intrinsic time v = 1/V, with rho = 1/tau^2.
 *
 * <p>With the estimate d = m_t - m_c and its variance V = s_t^2/n_t + s_c^2/n_c (plug-in), the mixture
 * likelihood ratio against H0: delta = delta0 is
 * <pre>
 *   Lambda(delta0) = sqrt(V / (V + tau^2)) * exp( (d - delta0)^2 tau^2 / (2 V (V + tau^2)) )
 * </pre>
 * By Ville's inequality P(sup_n Lambda_n >= 1/alpha) <= alpha under H0, so
 * <ul>
 *   <li>the always-valid p-value is p_n = min(1, 1/Lambda_n(0)) (the running minimum over looks stays valid),</li>
 *   <li>the confidence sequence is {delta0 : Lambda_n(delta0) < 1/alpha}, i.e. d +- r with
 *       r^2 = V (V + tau^2) / tau^2 * (2 ln(1/alpha) + ln((V + tau^2) / V)).</li>
 * </ul>
 * The guarantee holds however often one looks and whenever one stops. It is asymptotic in that V is
 * estimated; start looking only once each arm has a few hundred units (see {@link #MIN_COUNT_PER_ARM}).
 *
 * <p>The tuning parameter tau^2 (mixing variance, in squared units of the difference) sets where the
 * interval is tightest: roughly at the sample size where V is about tau^2 / (some small factor). A good
 * default is the square of the smallest effect worth detecting; see {@link #mixingVarianceFor}.
 */
public final class SequentialTest {

    /** Below this many units per arm the plug-in variance is too noisy for the asymptotic guarantee. */
    public static final long MIN_COUNT_PER_ARM = 100;

    private SequentialTest() {
    }

    /**
     * Result of one look.
     *
     * @param difference      treatment mean - control mean
     * @param interval        always-valid confidence interval for the difference at level 1 - alpha
     * @param pValue          always-valid p-value for H0: difference = 0 at this look
     * @param mixingVariance  tau^2 used
     * @param controlMean     control mean (lets guardrails convert a relative margin)
     * @param enoughData      false while an arm has fewer than {@link #MIN_COUNT_PER_ARM} units
     */
    public record Result(double difference, ConfidenceInterval interval, double pValue, double mixingVariance,
                         double controlMean, boolean enoughData) {

        /**
         * Combines this look with the running result of earlier looks: the intersection of the intervals and
         * the minimum p-value, both of which remain valid (Johari et al. 2017, section 4; Howard et al. 2021).
         * If plug-in noise makes the intervals disjoint, the current one is kept rather than an empty set.
         */
        public Result runningWith(Result earlier) {
            if (earlier == null || !earlier.enoughData()) {
                return this;
            }
            if (!enoughData) {
                return earlier;
            }
            double lower = Math.max(interval.lower(), earlier.interval().lower());
            double upper = Math.min(interval.upper(), earlier.interval().upper());
            ConfidenceInterval running = lower <= upper
                    ? new ConfidenceInterval(lower, upper, interval.level()) : interval;
            return new Result(difference, running, Math.min(pValue, earlier.pValue()), mixingVariance, controlMean, true);
        }
    }

    /**
     * One look at the data.
     *
     * @param alpha          error rate; the interval has coverage 1 - alpha uniformly over all looks
     * @param mixingVariance tau^2 > 0
     */
    public static Result mSprt(MetricData control, MetricData treatment, double alpha, double mixingVariance) {
        Checks.alpha(alpha);
        if (!(mixingVariance > 0) || Double.isInfinite(mixingVariance)) {
            throw new IllegalArgumentException("mixingVariance: must be finite and > 0, got " + mixingVariance);
        }
        if (control.getClass() != treatment.getClass()) {
            throw new IllegalArgumentException("treatment: must be the same kind of metric as control");
        }
        double difference = treatment.mean() - control.mean();
        double v = varianceOfMean(control, treatment) + varianceOfMean(treatment, control);
        boolean enoughData = control.count() >= MIN_COUNT_PER_ARM && treatment.count() >= MIN_COUNT_PER_ARM;
        double level = 1 - alpha;
        if (!(v > 0) || !enoughData) {
            // No information yet (or a continuous metric with one constant value in both arms): nothing can be
            // excluded.
            return new Result(difference, new ConfidenceInterval(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, level),
                    1.0, mixingVariance, control.mean(), enoughData && v > 0);
        }
        double tau2 = mixingVariance;
        double radius = Math.sqrt(v * (v + tau2) / tau2 * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
        double logLambda = 0.5 * Math.log(v / (v + tau2)) + difference * difference * tau2 / (2 * v * (v + tau2));
        double pValue = Math.min(1.0, Math.exp(-logLambda));
        return new Result(difference, new ConfidenceInterval(difference - radius, difference + radius, level), pValue,
                mixingVariance, control.mean(), true);
    }

    /**
     * The variance of an arm's mean. A proportion's uses Jeffreys' smoothed rate (x + 1/2) / (n + 1): with the
     * plug-in p (1 - p), an arm at 0 % or 100 % would have no variance, so 0 errors of 300 units against 300 of 300
     * read as "no information" and a guardrail could never fail; smoothed, such an arm keeps the uncertainty of its
     * count, and elsewhere the two differ by O(1/n). A mean or a ratio has no such prior, and the same happened when
     * every unit of an arm had one value (no crash in control, a crash for every treatment unit): an arm without
     * spread borrows the per-unit spread of both arms' units together, which under the null hypothesis (one
     * distribution) estimates its own; only one value in both arms together still reads as no information.
     */
    static double varianceOfMean(MetricData arm, MetricData other) {
        if (arm instanceof MetricData.Proportion p) {
            double smoothed = (p.successes() + 0.5) / (p.count() + 1.0);
            return smoothed * (1 - smoothed) / p.count();
        }
        if (arm.variance() > 0) {
            return arm.varianceOfMean();
        }
        return pooledVariance(arm, other) / arm.count();
    }

    /**
     * The per-unit variance of both arms' units as one sample, from each arm's own centred sums (Chan, Golub and
     * LeVeque's pairwise update): each arm's sums are less a shift near its own mean, and moving one arm's to the
     * other's shift would cancel as raw sums do when the arms lie far apart (1e9 against 0).
     */
    static double pooledVariance(MetricData a, MetricData b) {
        long n = a.count() + b.count();
        if (a instanceof MetricData.Mean x && b instanceof MetricData.Mean y) {
            double delta = y.mean() - x.mean();
            double centred = x.variance() * (x.count() - 1) + y.variance() * (y.count() - 1)
                    + delta * delta * x.count() * (double) y.count() / n;
            return centred / (n - 1);
        }
        MetricData.Ratio x = (MetricData.Ratio) a;
        MetricData.Ratio y = (MetricData.Ratio) b;
        double sumN = x.sumN() + y.sumN();
        double ratio = (x.mean() * x.sumN() + y.mean() * y.sumN()) / sumN;
        double meanN = sumN / n;
        return (residualsAround(x, ratio) + residualsAround(y, ratio)) / ((n - 1) * meanN * meanN);
    }

    /**
     * The sum over an arm's units of (Y - r N)^2, from its residuals around its own ratio R:
     * Y - r N = (Y - R N) + (R - r) N.
     */
    private static double residualsAround(MetricData.Ratio arm, double r) {
        double own = arm.sumY() / arm.sumN(); // of Y less the shift times N
        double residuals = Math.max(0, arm.sumYSquares() - 2 * own * arm.sumYN() + own * own * arm.sumNSquares());
        double cross = arm.sumYN() - own * arm.sumNSquares();
        double d = arm.mean() - r;
        return residuals + 2 * d * cross + d * d * arm.sumNSquares();
    }

    /**
     * A mixing variance tuned so the interval is tightest near a planned sample size: Howard et al. (2021)
     * approximately minimise the normal-mixture boundary at intrinsic time V_opt with rho = V_opt / (2 ln(1/alpha) + ln(1 + 2 ln(1/alpha))) for the intrinsic time V_opt;
     * translated to our scale, tau^2 = V_planned * (2 ln(1/alpha) + ln(1 + 2 ln(1/alpha))) where
     * V_planned = sigma^2 (1/n_t + 1/n_c) is the variance of the difference at the planned counts.
     *
     * @param unitVariance      per-unit variance of the metric (p(1-p) for a rate)
     * @param plannedPerArm     planned units per arm (two equal arms)
     */
    public static double mixingVarianceFor(double unitVariance, long plannedPerArm, double alpha) {
        Checks.alpha(alpha);
        if (!(unitVariance > 0) || plannedPerArm < 1) {
            throw new IllegalArgumentException("unitVariance: must be > 0 and plannedPerArm >= 1");
        }
        double vPlanned = unitVariance * 2.0 / plannedPerArm;
        double l = 2 * Math.log(1 / alpha);
        return vPlanned * (l + Math.log(1 + l));
    }
}
