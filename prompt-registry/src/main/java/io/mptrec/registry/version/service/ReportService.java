package io.mptrec.registry.version.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mptrec.registry.api.ReportDiff;
import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.audit.Ledger;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.model.artifact.CanonicalJson;
import io.mptrec.model.artifact.Sha256;
import io.mptrec.model.report.ContributionReport;
import io.mptrec.registry.encoder.service.StoredJson;
import io.mptrec.registry.version.AttachedReport;
import io.mptrec.registry.version.PromptVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Optional;

/** Attaches contribution reports to versions and reads them back. */
@ApplicationScoped
@Transactional
public class ReportService {


    /** The outcome of an attach: {@code created} is false when the identical report was already there. */
    public record Attach(AttachedReport report, boolean created) {
    }

    private final VersionService versions;
    private final Ledger ledger;
    private final Clock clock;

    public ReportService(VersionService versions, Ledger ledger, Clock clock) {
        this.versions = versions;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Checks the report (its schema and that it describes exactly this version) and stores it with an audit
     * entry. A version keeps its first report: a different one is refused, the same one is a no-op.
     */
    public Attach attachReport(String task, int number, String json, String actor) {
        PromptVersion version = versions.findVersion(task, number);
        ContributionReport report = parse(json);
        if (report.task() == null || report.task().isBlank()) {
            // reports are never replaced: one stored without its task could not be mended
            throw ApiException.badRequest("invalid-report", "the report names no task", "task");
        }
        if (!version.contentSha256.equals(report.promptSha256())) {
            throw ApiException.badRequest("report-mismatch", "the report describes task prompt " + report.promptSha256()
                    + ", not version " + number + " (" + version.contentSha256 + ")", "promptSha256");
        }
        if (!version.encoderSha256.equals(report.encoderSha256())) {
            throw ApiException.badRequest("report-mismatch", "the report was computed with encoder "
                    + report.encoderSha256() + ", not " + version.encoderSha256, "encoderSha256");
        }
        String canonical = report.toJson();
        String hash = Sha256.hex(canonical);
        Optional<AttachedReport> existing = AttachedReport.findByVersion(version);
        if (existing.isPresent()) {
            if (existing.get().reportSha256.equals(hash)) {
                return new Attach(existing.get(), false);
            }
            throw ApiException.conflict("report-exists", "version " + number + " of task '" + task
                    + "' already has a different report (" + existing.get().reportSha256 + "); reports are immutable");
        }
        AttachedReport attached = new AttachedReport();
        attached.version = version;
        attached.report = canonical;
        attached.reportSha256 = hash;
        attached.attachedBy = actor;
        attached.attachedAt = clock.instant();
        attached.persist();
        ledger.record(Change.of(actor, AuditAction.REPORT_ATTACHED, task).version(number).to(hash));
        return new Attach(attached, true);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ContributionReport> findReport(PromptVersion version) {
        return AttachedReport.findByVersion(version).map(r -> ContributionReport.fromJson(r.report));
    }

    /** What moved between the two versions' reports, or null when neither has one. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ReportDiff diffReports(PromptVersion a, PromptVersion b) {
        Optional<ContributionReport> left = findReport(a);
        Optional<ContributionReport> right = findReport(b);
        return left.isEmpty() && right.isEmpty() ? null
                : ReportDiff.of(left.orElse(null), right.orElse(null));
    }

    private static ContributionReport parse(String json) {
        if (json == null || json.isBlank()) {
            throw ApiException.badRequest("invalid-report", "the request body must be a contribution report (JSON)", "body");
        }
        try {
            StoredJson.requireNoControl(CanonicalJson.MAPPER.readTree(json), "");
        } catch (JsonProcessingException e) {
            // not JSON at all: the report's own reading says where
        }
        try {
            return ContributionReport.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-report", "not a contribution report: " + e.getMessage(), "body");
        }
    }
}
