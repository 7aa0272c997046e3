package io.mptrec.ab.experiment;

/**
 * How a metric is summarised per exposure (one scored request): PROPORTION counts requests with a positive KPI
 * value (sum of the request's events of that metric > 0); MEAN averages the per-request sum of values, 0 when none.
 */
public enum MetricKind { PROPORTION, MEAN }
