package io.mptrec.ab.experiment;

/** DRAFT -> RUNNING <-> PAUSED -> STOPPED (STOPPED is final; DRAFT may also be stopped). */
public enum ExperimentStatus { DRAFT, RUNNING, PAUSED, STOPPED }
