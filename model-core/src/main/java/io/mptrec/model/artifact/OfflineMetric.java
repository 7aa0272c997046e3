package io.mptrec.model.artifact;

/** A metric measured offline, with the sample it was measured on (a number without its sample size is not reported). */
public record OfflineMetric(String task, String split, String metric, double value, int samples, int positives) {
}
