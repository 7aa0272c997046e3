package io.mptrec.ab.experiment;

/**
 * DRAFT -> RUNNING <-> PAUSED -> STOPPED (STOPPED is final; DRAFT may also be stopped). The one statement of which
 * change each status allows: the service enforces it, the pages offer only what it allows.
 */
public enum ExperimentStatus {
    DRAFT, RUNNING, PAUSED, STOPPED;

    /** Start a DRAFT, or resume a PAUSED experiment (its data kept). */
    public boolean canStart() {
        return this == DRAFT || this == PAUSED;
    }

    public boolean canPause() {
        return this == RUNNING;
    }

    public boolean canStop() {
        return this != STOPPED;
    }

    /** The ramp of anything but a STOPPED experiment may change. */
    public boolean canRamp() {
        return this != STOPPED;
    }

    /** A pilot replays traffic against a DRAFT (its versions, no live traffic) or a RUNNING experiment. */
    public boolean canPilot() {
        return this == DRAFT || this == RUNNING;
    }

    /** A winner is promoted while the experiment still serves its arms (or is paused). */
    public boolean canPromote() {
        return this == RUNNING || this == PAUSED;
    }
}
