package io.mptrec.kernel.audit;

/**
 * Every action the audit log records, with the one outbox event (webhook type) it publishes, if any. One list for
 * all modules, so that an action has one name in the log, the API, the pages and the webhooks.
 */
public enum AuditAction {

    // the registry: encoders, versions, reports, labels
    REGISTER_ENCODER("ENCODER_REGISTERED"),
    UPLOAD("VERSION_UPLOADED"),
    REPORT_ATTACHED(null),
    SUBMIT("VERSION_SUBMIT"),
    APPROVE("VERSION_APPROVE"),
    REJECT("VERSION_REJECT"),
    RELEASE("VERSION_RELEASE"),
    RETIRE("VERSION_RETIRE"),
    REINSTATE("VERSION_REINSTATE"),
    ROLLBACK("VERSION_ROLLBACK"),
    SEED_RELEASE("VERSION_SEED_RELEASE"),
    MOVE_LABEL("LABEL_MOVED"),
    REMOVE_LABEL("LABEL_REMOVED"),

    // experiments (ab-testing): no webhook yet
    EXPERIMENT_CREATE(null),
    EXPERIMENT_START(null),
    EXPERIMENT_RESUME(null),
    EXPERIMENT_PAUSE(null),
    EXPERIMENT_STOP(null),
    EXPERIMENT_RAMP(null),
    EXPERIMENT_PROMOTE(null),
    GUARDRAIL_PAUSE(null),
    GUARDRAIL_ERROR(null),
    WITHDRAWN_PAUSE(null),
    PILOT_START(null),
    PILOT_CANCEL(null);

    private final String event;

    AuditAction(String event) {
        this.event = event;
    }

    /** The outbox event type this action publishes; null for an action that publishes none. */
    public String event() {
        return event;
    }
}
