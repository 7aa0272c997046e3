package io.mptrec.ab.experiment;

/**
 * How a metric is summarised over the experiment's units (the randomised entity, {@code unitId}). A unit's total is
 * the sum of the values of its KPI events with that metric, over all its exposures (0 when none).
 * <ul>
 *   <li>PROPORTION: the share of units whose total is > 0 (converted users);</li>
 *   <li>MEAN: the mean of the units' totals (revenue per user);</li>
 *   <li>RATIO: the sum of the totals over the sum of the units' exposures (clicks per impression), with the
 *       delta-method variance over units.</li>
 * </ul>
 */
public enum MetricKind { PROPORTION, MEAN, RATIO }
