package io.mptrec.registry.api;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.report.ContributionReport;
import io.mptrec.registry.api.Views.TaskView;
import io.mptrec.registry.api.Views.VersionDetail;
import io.mptrec.registry.api.Views.VersionDiff;
import io.mptrec.registry.api.Views.VersionSummary;

import java.util.List;
import java.util.Optional;

/**
 * What the registry holds, as records: tasks, versions, their contribution reports, and the uploads that add to them
 * through the same checks as the API. Unknown task or version: 404 problem; bad input: 400 naming the field.
 */
public interface Catalog {

    List<TaskView> tasks();

    TaskView task(String task);

    /** The task's versions, oldest first. */
    List<VersionSummary> versions(String task);

    VersionDetail version(String task, int number);

    /**
     * Version {@code a} against {@code b}: metrics, lineage and what moved between their reports. An unknown version's
     * 404 names its side, {@code a} or {@code b} (the API's path parameters), not just "version".
     */
    VersionDiff diff(String task, int a, int b);

    /** The version's contribution report; empty when none is attached. */
    Optional<ContributionReport> report(String task, int number);

    /** The version with its id and hashes, as other modules refer to it. */
    default VersionRef ref(String task, int number) {
        return ref(task, number, "version");
    }

    /** As {@link #ref(String, int)}, an unknown version refused naming {@code field}, the request's field that named it. */
    VersionRef ref(String task, int number, String field);

    /**
     * Stores a task prompt artifact as the task's next DRAFT version (checked against the task's encoder), or finds
     * the version with the same content ({@code created} false).
     */
    Upload upload(String task, ArtifactBundle bundle, String actor);

    /** @param version the stored version; {@code created} false when the same content was already stored */
    record Upload(VersionSummary version, boolean created) {
    }
}
