package io.mptrec.ab.events;

import io.mptrec.ab.kpi.KpiSink;
import io.mptrec.ab.serving.ExposureSink;

/**
 * Where the serving path sends exposures and KPI events: straight into the database (the embedded default) or to
 * Kafka, as {@code mptrec.ab.events.transport} says ({@link EventLogs} picks one). Both keep the same promises:
 * an exposure is written behind the response (bounded loss on a crash, never blocking unless the buffer is full);
 * a KPI batch is acknowledged only once it is durable (committed, or acknowledged by all in-sync brokers).
 */
public interface EventLog extends ExposureSink, KpiSink {

    /**
     * Returns once everything sent before this call can be read back by the results (the pilot's end, tests): the
     * exposures committed, or, through Kafka, every record applied to the aggregates.
     */
    void awaitReadable();
}
