package io.mptrec.ab.kpi;

import io.mptrec.ab.kpi.KpiRequests.KpiAck;
import io.mptrec.ab.kpi.KpiRequests.KpiEventRequest;

import java.util.List;

/**
 * Where KPI batches go: validated (400 naming the field), acknowledged only once durable. The event pipeline
 * ({@code io.mptrec.ab.events.EventLog}) implements it for the database and for Kafka.
 */
public interface KpiSink {

    KpiAck kpiEvents(List<KpiEventRequest> events);
}
