package io.mptrec.ab.results.service;

import io.mptrec.ab.analysis.ExperimentAnalysis;
import io.mptrec.ab.analysis.ExperimentDesign;
import io.mptrec.ab.analysis.ExperimentResults;
import io.mptrec.ab.events.AggregateProgress;
import io.mptrec.ab.events.EventLogs;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentMetric;
import io.mptrec.ab.experiment.VerdictSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * An experiment's results: its per-unit sufficient statistics read from the database ({@link UnitStatisticsReader})
 * and analysed by the pure {@link ExperimentAnalysis}, which says how (unit of analysis, intervals, tests, verdict).
 * Online model quality pairs each scored exposure's first-candidate score with the outcome of the first PROPORTION
 * metric (success metrics first, then guardrails). The experiment's promotion reads the verdicts through
 * {@link VerdictSource}.
 */
@ApplicationScoped
public class ResultsService implements VerdictSource {

    private final UnitStatisticsReader reader;
    private final Clock clock;
    private final EventLogs eventLogs;
    private final AggregateProgress progress;

    public ResultsService(UnitStatisticsReader reader, Clock clock, EventLogs eventLogs, AggregateProgress progress) {
        this.reader = reader;
        this.clock = clock;
        this.eventLogs = eventLogs;
        this.progress = progress;
    }

    /** Results of an experiment by id, read in one transaction. */
    @Transactional
    public Optional<ExperimentResults> findResultsById(long id) {
        return Experiment.<Experiment>findByIdOptional(id).map(this::results);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public ExperimentResults results(Experiment e) {
        ExperimentDesign design = design(e);
        // read before the sums: whatever the aggregator adds meanwhile only makes the results fresher than stated
        Instant asOf = eventLogs.readsAggregates() ? progress.asOf() : null;
        ExperimentResults results = ExperimentAnalysis.analyse(design, reader.read(design, design.outcomeMetric()),
                clock.instant());
        return eventLogs.readsAggregates() ? results.withDataAsOf(asOf) : results;
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Verdicts verdicts(Experiment e) {
        ExperimentResults r = results(e);
        return new Verdicts(r.explanation(), r.treatments().stream()
                .map(t -> new TreatmentVerdict(t.arm(), t.verdict(), t.explanation())).toList());
    }

    /** The experiment as the analysis reads it. */
    public static ExperimentDesign design(Experiment e) {
        return new ExperimentDesign(e.id, e.name, e.taskName, e.status, e.alpha, e.plannedPerArm,
                e.arms.stream().map(a -> new ExperimentDesign.Arm(a.name, a.versionNumber, a.contentSha256,
                        a.weight)).toList(),
                e.metrics.stream().map(ResultsService::metric).toList());
    }

    private static ExperimentDesign.Metric metric(ExperimentMetric m) {
        return new ExperimentDesign.Metric(m.name, m.role, m.kind, m.direction, m.margin, m.marginType);
    }
}
