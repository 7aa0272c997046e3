package io.mptrec.ab.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.mptrec.ab.kpi.KpiRequests.KpiEventRequest;
import io.mptrec.ab.kpi.service.KpiEventService;
import io.mptrec.ab.serving.Exposure;
import io.mptrec.ab.serving.RequestIds;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;

import java.time.Instant;

/**
 * One record of the event topic (JSON, told apart by {@code type}), keyed by {@link #partitionKey()} so that a unit's
 * exposures and the KPI events joined to them land in one partition, in the order they were published.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = EventRecord.ExposureRecord.class, name = "exposure"),
        @JsonSubTypes.Type(value = EventRecord.KpiRecord.class, name = "kpi")})
public sealed interface EventRecord permits EventRecord.ExposureRecord, EventRecord.KpiRecord {

    String requestId();

    /**
     * The record's key on the topic: the unit's key, which the request id carries ({@link RequestIds}). An exposure
     * and its events always share it, since both derive it from the request id alone.
     */
    default String partitionKey() {
        return RequestIds.partitionKey(requestId());
    }

    /**
     * The rules the database's columns and the edge set, checked again on the way out of the topic (anything may
     * have written to it): throws {@link ApiException} naming the field.
     */
    void validate();

    /** A scored request; {@code experimentId} and {@code arm} are null outside a running experiment. */
    record ExposureRecord(String requestId, long taskId, Long experimentId, String arm, String unitId,
                          long promptVersionId, Instant scoredAt, int candidates, double scoreFirst, double scoreMean,
                          double scoreMax) implements EventRecord {

        public static ExposureRecord of(Exposure e) {
            return new ExposureRecord(e.requestId, e.taskId, e.experimentId, e.arm, e.unitId, e.promptVersionId,
                    e.scoredAt, e.candidates, e.scoreFirst, e.scoreMean, e.scoreMax);
        }

        @Override
        public void validate() {
            Names.requireText(requestId, 64, "requestId");
            Names.requireText(unitId, 200, "unitId");
            if ((experimentId == null) != (arm == null)) {
                throw ApiException.badRequest("invalid-input", "experimentId and arm go together", "arm");
            }
            if (arm != null) {
                Names.requireText(arm, 64, "arm");
            }
            if (scoredAt == null) {
                throw ApiException.badRequest("invalid-input", "scoredAt is required", "scoredAt");
            }
            if (candidates < 1) {
                throw ApiException.badRequest("invalid-input", "candidates must be at least 1", "candidates");
            }
            for (double score : new double[] {scoreFirst, scoreMean, scoreMax}) {
                if (!Double.isFinite(score)) {
                    throw ApiException.badRequest("invalid-input", "scores must be finite", "scoreFirst");
                }
            }
        }
    }

    /** A KPI event as accepted at the edge, with the time it was received. */
    record KpiRecord(String eventId, String requestId, String metric, double value, Instant receivedAt)
            implements EventRecord {

        public static KpiRecord of(KpiEventRequest e, Instant receivedAt) {
            return new KpiRecord(e.eventId(), e.requestId(), e.metric(), e.value(), receivedAt);
        }

        @Override
        public void validate() {
            KpiEventService.validate(new KpiEventRequest(eventId, requestId, metric, value), "");
            if (receivedAt == null) {
                throw ApiException.badRequest("invalid-input", "receivedAt is required", "receivedAt");
            }
        }
    }
}
