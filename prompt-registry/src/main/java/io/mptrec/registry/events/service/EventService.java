package io.mptrec.registry.events.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mptrec.registry.api.Paging;
import io.mptrec.registry.config.RegistryConfig;
import io.mptrec.registry.events.OutboxEvent;
import io.mptrec.registry.events.WebhookDelivery;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Publishes registry events to the outbox in the caller's transaction, with one delivery row per webhook URL. */
@ApplicationScoped
public class EventService {

    private final Clock clock;
    private final ObjectMapper mapper;
    private final RegistryConfig config;

    public EventService(Clock clock, ObjectMapper mapper, RegistryConfig config) {
        this.clock = clock;
        this.mapper = mapper;
        this.config = config;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEvent publish(String type, String actor, String task, Integer versionNumber,
                               String before, String after, String reason, boolean adminBypass) {
        Instant now = clock.instant();
        ObjectNode payload = mapper.createObjectNode();
        payload.put("type", type);
        payload.put("at", now.toString());
        payload.put("actor", actor);
        payload.put("task", task);
        if (versionNumber != null) {
            payload.put("version", versionNumber);
        }
        payload.put("before", before);
        payload.put("after", after);
        payload.put("reason", reason);
        // as the audit entry flags it: a compliance receiver must tell a four-eyes bypass from a reviewed change
        payload.put("adminBypass", adminBypass);
        OutboxEvent event = new OutboxEvent();
        event.createdAt = now;
        event.type = type;
        event.task = task;
        event.versionNumber = versionNumber;
        event.payload = payload.toString();
        event.persist();
        for (String url : config.webhooks().urls().orElse(List.of())) {
            WebhookDelivery delivery = new WebhookDelivery();
            delivery.event = event;
            delivery.url = url;
            delivery.status = WebhookDelivery.PENDING;
            delivery.attempts = 0;
            delivery.nextAttemptAt = now;
            delivery.persist();
        }
        return event;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<OutboxEvent> findPage(String task, Paging paging) {
        return (task == null ? OutboxEvent.findAll(Sort.descending("id"))
                : OutboxEvent.find("task", Sort.descending("id"), task))
                .page(Page.of(paging.page(), paging.size())).list();
    }
}
