package io.mptrec.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.mptrec.model.artifact.OfflineMetric;

import java.time.Instant;
import java.util.List;

/** The API's records for tasks and versions (never entities). */
public final class Views {

    private Views() {
    }

    public record TaskView(String name, String encoderSha256, Integer production, List<LabelView> labels,
                           int versions) {
    }

    public record LabelView(String name, int version, String movedBy, Instant movedAt) {
    }

    public record VersionSummary(String task, int number, String contentSha256, String status, String author,
                                 Instant createdAt, Instant releasedAt, List<String> labels) {
    }

    public record ApprovalView(String decision, String reviewer, String comment, String contentSha256,
                               String encoderSha256, boolean adminBypass, Instant decidedAt, boolean valid) {
    }

    public record VersionDetail(String task, int number, String contentSha256, String encoderSha256, String status,
                                String author, Instant createdAt, Instant releasedAt, List<String> labels,
                                int stage, JsonNode lineage, List<OfflineMetric> metrics,
                                JsonNode nonInterference, List<ApprovalView> approvals) {
    }

    public record MetricDiff(String task, String split, String metric, Double a, Double b, Double delta,
                             Integer samplesA, Integer samplesB) {
    }

    public record FieldDiff(String field, JsonNode a, JsonNode b, boolean same) {
    }

    /** @param reports what moved between the versions' contribution reports (null when neither has one) */
    public record VersionDiff(VersionSummary a, VersionSummary b, List<MetricDiff> metrics, List<FieldDiff> lineage,
                              ReportDiff reports) {
    }
}
