package io.mptrec.ab.experiment;

/** A success metric (the experiment wants it better) or a guardrail (it must not get worse beyond its margin). */
public enum MetricRole { SUCCESS, GUARDRAIL }
