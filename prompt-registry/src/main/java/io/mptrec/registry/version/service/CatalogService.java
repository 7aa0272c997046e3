package io.mptrec.registry.version.service;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.report.ContributionReport;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.VersionRef;
import io.mptrec.registry.api.Views.TaskView;
import io.mptrec.registry.api.Views.VersionDetail;
import io.mptrec.registry.api.Views.VersionDiff;
import io.mptrec.registry.api.Views.VersionSummary;
import io.mptrec.registry.version.PromptVersion;
import io.mptrec.registry.version.mapping.VersionMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;

/** The registry's published reads and uploads ({@link Catalog}): the services' entities as the API's records. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class CatalogService implements Catalog {

    private final VersionService versions;
    private final ReportService reports;
    private final VersionMapper views;

    public CatalogService(VersionService versions, ReportService reports, VersionMapper views) {
        this.versions = versions;
        this.reports = reports;
        this.views = views;
    }

    @Override
    public List<TaskView> tasks() {
        return versions.findAllTasks().stream().map(views::toTaskView).toList();
    }

    @Override
    public TaskView task(String task) {
        return views.toTaskView(versions.findTask(task));
    }

    @Override
    public List<VersionSummary> versions(String task) {
        return versions.findAllVersions(task).stream().map(views::toSummary).toList();
    }

    @Override
    public VersionDetail version(String task, int number) {
        return views.toDetail(versions.findVersion(task, number));
    }

    @Override
    public VersionDiff diff(String task, int a, int b) {
        PromptVersion left = versions.findVersion(task, a, "a");
        PromptVersion right = versions.findVersion(task, b, "b");
        return views.diff(left, right, reports.diffReports(left, right));
    }

    @Override
    public Optional<ContributionReport> report(String task, int number) {
        return reports.findReport(versions.findVersion(task, number));
    }

    @Override
    public VersionRef ref(String task, int number, String field) {
        return VersionMapper.toRef(versions.findVersion(task, number, field));
    }

    @Override
    @Transactional
    public Upload upload(String task, ArtifactBundle bundle, String actor) {
        VersionService.Upload upload = versions.uploadVersion(task, bundle, actor);
        return new Upload(views.toSummary(upload.version()), upload.created());
    }
}
