package io.mptrec.kernel.audit;

/**
 * The append-only record of changes: one call writes the audit entry and, for an action that has one, its outbox
 * event, in the caller's transaction (which must be active), so that a change and its record commit together.
 * Implemented by the registry, which owns the audit log and the outbox.
 */
public interface Ledger {

    void record(Change change);
}
