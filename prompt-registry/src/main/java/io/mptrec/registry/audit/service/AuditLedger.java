package io.mptrec.registry.audit.service;

import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.audit.Ledger;
import io.mptrec.registry.events.service.EventService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** The registry's ledger: the audit entry and, where the action has one, its outbox event, in one transaction. */
@ApplicationScoped
public class AuditLedger implements Ledger {

    private final AuditService audit;
    private final EventService events;

    public AuditLedger(AuditService audit, EventService events) {
        this.audit = audit;
        this.events = events;
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(Change c) {
        audit.record(c.actor(), c.action().name(), c.task(), c.version(), c.before(), c.after(), c.reason(),
                c.adminBypass());
        if (c.action().event() != null) {
            events.publish(c.action().event(), c.actor(), c.task(), c.version(), c.before(), c.after(), c.reason(),
                    c.adminBypass());
        }
    }
}
