package io.mptrec.model.data;

/** The three parts of a dataset: train for fitting, validation for early stopping, test for reporting. */
public enum Split { TRAIN, VALIDATION, TEST }
