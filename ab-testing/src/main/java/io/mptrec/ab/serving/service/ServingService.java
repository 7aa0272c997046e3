package io.mptrec.ab.serving.service;


import io.mptrec.ab.assignment.Assigner;
import io.mptrec.ab.assignment.Assignment;
import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.serving.Exposure;
import io.mptrec.ab.serving.ExposureSink;
import io.mptrec.ab.serving.RequestIds;
import io.mptrec.ab.serving.ScoreRequests.ExperimentRef;
import io.mptrec.ab.serving.ScoreRequests.ScoreRequest;
import io.mptrec.ab.serving.ScoreRequests.ScoreResponse;
import io.mptrec.ab.serving.ScoreRequests.VersionRef;
import io.mptrec.ab.serving.service.RoutingCache.ExperimentRoute;
import io.mptrec.ab.serving.service.RoutingCache.Target;
import io.mptrec.ab.serving.service.RoutingCache.TaskRouting;
import io.mptrec.model.data.InvalidCellException;
import io.mptrec.model.data.RawEncoder;
import io.mptrec.model.data.TextColumn;
import io.mptrec.model.data.TextRow;
import io.mptrec.model.scoring.Scorer;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The serving path: resolve the version for (task, unit), score, record the exposure.
 *
 * <p>Resolution, from {@link RoutingCache} (checked against the task's stamp on every request, so a release, rollback,
 * start, pause, stop or ramp change committed before a request starts is honoured by that request, on every replica,
 * without a restart):
 * <ol>
 *   <li>the task's RUNNING experiment, if the unit is inside its ramp: the unit's arm (deterministic, sticky), provided
 *       the registry lets every arm's version take live traffic or an admin bypass is on record;</li>
 *   <li>the task's PAUSED experiment routes nothing: production for every unit ({@code paused}, not analysed: the
 *       exposure is recorded without experiment and arm), as it would serve without the experiment: a pause never
 *       widens a version's traffic (a control that is not production went from its share of the ramp to every
 *       unit), and a release that retires the control, which pauses the experiment, serves at once;</li>
 *   <li>a RUNNING experiment refused by 1. is {@code withheld}: the control arm's version if it may take live
 *       traffic, else production, for every unit, not analysed;</li>
 *   <li>otherwise the version the {@code production} label points to.</li>
 * </ol>
 * A pilot ({@link #scorePilot}) is not live traffic: it routes by the experiment's allocation whatever the above.
 * Scorers are cached by content hash ({@link ScorerCache}).
 */
@ApplicationScoped
public class ServingService {

    private final Clock clock;
    private final AbConfig config;
    private final ScorerCache scorers;
    private final RoutingCache routings;
    private final ExposureSink exposures;
    private final Assigner assigner = new Assigner();

    public ServingService(Clock clock, AbConfig config, ScorerCache scorers, RoutingCache routings,
                          ExposureSink exposures) {
        this.clock = clock;
        this.config = config;
        this.scorers = scorers;
        this.routings = routings;
        this.exposures = exposures;
    }

    /**
     * A response with where its time went (nanoseconds): resolving the version, scoring, storing the exposure. The
     * REST edge sends them as a {@code Server-Timing} header, so a load test can split latency without a profiler.
     */
    public record Served(ScoreResponse response, long resolveNanos, long scoreNanos, long exposureNanos) {
    }

    private record Resolved(Target target, long taskId, String how, ExperimentRef ref) {
    }

    public ScoreResponse score(@Valid @NotNull ScoreRequest request) {
        return scoreTimed(request).response();
    }

    /**
     * A pilot's request: not live traffic, so the unit is routed by the given experiment's allocation (its arm, or
     * production outside the ramp) whatever the task's live routing and the arms' review status.
     */
    public ScoreResponse scorePilot(ExperimentRoute pilot, @Valid @NotNull ScoreRequest request) {
        return served(request, pilot).response();
    }

    /** Resolves (usually from memory), scores, then stores the exposure through the {@link ExposureSink}. */
    public Served scoreTimed(@Valid @NotNull ScoreRequest request) {
        return served(request, null);
    }

    private Served served(ScoreRequest request, ExperimentRoute pilot) {
        long t0 = System.nanoTime();
        String task = Names.requireName(request.task(), "task");
        String unitId = Names.requireText(request.unitId(), 200, "unitId");
        Collection<String> columnNames = checkCandidates(request);

        Resolved resolved = resolve(task, unitId, pilot);
        Target target = resolved.target();
        String how = resolved.how();
        long t1 = System.nanoTime();

        ScorerCache.VersionScorer version = scorers.scorerFor(target.encoderSha256(), target.contentSha256(),
                target.versionId());
        Scorer scorer = version.scorer();
        float[] scores;
        try {
            scores = request.rows() != null ? scorer.score(request.rows()) : scorer.scoreColumns(request.columns());
        } catch (InvalidCellException e) {
            throw ApiException.badRequest("invalid-row", e.getMessage(), request.rows() != null
                    ? "rows[" + e.row() + "]." + e.column() : "columns." + e.column() + "[" + e.row() + "]");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-row", e.getMessage(), request.rows() != null ? "rows" : "columns");
        }
        long t2 = System.nanoTime();

        boolean analysed = "experiment".equals(how);
        Exposure exposure = new Exposure();
        exposure.requestId = RequestIds.issue(unitId);
        exposure.taskId = resolved.taskId();
        exposure.experimentId = analysed ? resolved.ref().id() : null;
        exposure.arm = analysed ? target.arm() : null;
        exposure.unitId = unitId;
        exposure.promptVersionId = target.versionId();
        exposure.scoredAt = clock.instant();
        exposure.candidates = scores.length;
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            sum += s;
            max = Math.max(max, s);
        }
        exposure.scoreFirst = scores[0];
        exposure.scoreMean = sum / scores.length;
        exposure.scoreMax = max;
        exposures.exposure(exposure);
        long t3 = System.nanoTime();

        ExperimentRef ref = "outside-ramp".equals(how) ? null : resolved.ref();
        ScoreResponse response = new ScoreResponse(exposure.requestId, task,
                new VersionRef(target.number(), target.contentSha256()), ref, ref == null ? null : target.arm(), how,
                scores, ignoredColumns(columnNames, version.columns()));
        return new Served(response, t1 - t0, t2 - t1, t3 - t2);
    }

    /**
     * Checks the candidates' layout (exactly one of rows and columns), count and text (no control character in a
     * column name or value: refused as in every other text field), before anything is resolved. Returns the request's
     * distinct column names.
     */
    private Collection<String> checkCandidates(ScoreRequest request) {
        int max = config.serving().maxRows();
        if ((request.rows() == null) == (request.columns() == null)) {
            throw ApiException.badRequest("invalid-input", "give the candidates as rows (one object per candidate) "
                    + "or as columns (one array per column); this request has " + (request.rows() == null ? "neither" : "both"),
                    "rows");
        }
        int n;
        String field;
        if (request.rows() != null) {
            n = request.rows().size();
            field = "rows";
            for (int i = 0; i < n; i++) {
                if (request.rows().get(i) == null) {
                    throw ApiException.badRequest("invalid-row", "row " + i + " is null", "rows[" + i + "]");
                }
            }
        } else {
            field = "columns";
            try {
                n = RawEncoder.rowCount(request.columns());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid-input", e.getMessage(), "columns");
            }
        }
        if (n < 1 || n > max) {
            throw ApiException.badRequest("invalid-input", field + " must hold 1 to " + max + " candidates, got " + n, field);
        }
        // a request read from JSON holds TextRows or TextColumns already (their deserializers): checked in place
        if (request.rows() != null) {
            Set<String> names = new HashSet<>();
            TextRow previous = null;
            for (int i = 0; i < n; i++) {
                int row = i;
                TextRow cells = TextRow.of(request.rows().get(i));
                for (int k = 0; k < cells.size(); k++) {
                    String name = cells.name(k);
                    // the parser gives each name as its one canonical string: a name the row before had in the same
                    // place was checked there
                    if (previous == null || k >= previous.size() || previous.name(k) != name) {
                        Names.requireNoControl(name, () -> "rows[" + row + "]");
                        names.add(name);
                    }
                }
                requireNoControl(cells.values(), k -> "rows[" + row + "]." + cells.name(k));
                previous = cells;
            }
            return names;
        }
        for (Map.Entry<String, List<String>> column : request.columns().entrySet()) {
            Names.requireNoControl(column.getKey(), "columns");
            requireNoControl(TextColumn.of(column.getValue()), i -> "columns." + column.getKey() + "[" + i + "]");
        }
        return request.columns().keySet();
    }

    /**
     * The names no column of the encoder has, sorted; null (omitted from the response) when there is none. From the
     * request's distinct names only, never per candidate: the hot path pays a lookup per name.
     */
    private static List<String> ignoredColumns(Collection<String> names, Set<String> read) {
        List<String> ignored = null;
        for (String name : names) {
            if (!read.contains(name)) {
                if (ignored == null) {
                    ignored = new ArrayList<>();
                }
                ignored.add(name);
            }
        }
        if (ignored != null) {
            ignored.sort(null);
        }
        return ignored;
    }

    /**
     * A row's or a column's values, one array, scanned at once; value by value, to name the one refused ({@code field}
     * of its position), only if that scan fails.
     */
    private static void requireNoControl(TextColumn values, IntFunction<String> field) {
        if (Names.isPrintableAscii(values.chars(), 0, values.length())) {
            return;
        }
        for (int k = 0; k < values.size(); k++) {
            if (!values.isNull(k)) {
                int position = k;
                Names.requireNoControl(values.chars(), values.start(k), values.end(k), () -> field.apply(position));
            }
        }
    }

    private Resolved resolve(String task, String unitId, ExperimentRoute pilot) {
        TaskRouting routing = routings.routingFor(task);
        ExperimentRoute experiment = pilot != null ? pilot : routing.experiment();
        Target target = null;
        String how;
        if (experiment == null) {
            how = "production";
        } else if (pilot == null && experiment.ref().status() == ExperimentStatus.PAUSED) {
            // a paused experiment routes nothing: production serves every unit, as it would without the experiment
            // (its control may be another version, or the one a release has just retired)
            how = "paused";
        } else if (pilot == null && !experiment.live()) {
            target = experiment.controlLive() ? experiment.arms().get(0) : null;
            how = "withheld";
        } else {
            Assignment assignment;
            try {
                assignment = assigner.assign(experiment.allocation(), unitId).orElse(null);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid-input", e.getMessage(), "unitId");
            }
            if (assignment != null) {
                target = experiment.arms().get(assignment.armIndex());
                how = "experiment";
            } else {
                how = "outside-ramp";
            }
        }
        if (target == null) {
            target = routing.production();
            if (target == null) {
                throw ApiException.conflict("no-production", "task '" + task + "' has no production version to serve");
            }
        }
        return new Resolved(target, routing.taskId(), how, experiment == null ? null : experiment.ref());
    }
}
