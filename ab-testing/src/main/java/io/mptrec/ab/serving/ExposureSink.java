package io.mptrec.ab.serving;

/**
 * Where a scored request's exposure goes: written behind the response (bounded loss on a crash, never blocking unless
 * the buffer in front of the store is full). The event pipeline ({@code io.mptrec.ab.events.EventLog}) implements it
 * for the database and for Kafka.
 */
public interface ExposureSink {

    void exposure(Exposure exposure);
}
