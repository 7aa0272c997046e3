package io.mptrec.ab.covariate.service;

import io.mptrec.ab.covariate.CovariateRequests.CovariateAck;
import io.mptrec.ab.covariate.CovariateRequests.CovariateValue;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentMetric;
import io.mptrec.ab.kpi.KpiValues;
import io.mptrec.ab.store.InsertIfAbsent;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Stores units' pre-period covariates of an experiment's metrics (CUPED), idempotent by (experiment, metric, unit) in
 * one batched statement, in key order (as KPI events: concurrent batches lock in one order). Acknowledged after commit.
 */
@ApplicationScoped
public class CovariateService {

    public static final int MAX_BATCH = 10_000;

    private static final String POSTGRES = "INSERT INTO experiment_covariate (experiment_id, metric, unit_id, "
            + "covariate_value, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (experiment_id, metric, unit_id) DO NOTHING";
    private static final String STANDARD = "MERGE INTO experiment_covariate t USING (VALUES (CAST(? AS BIGINT), "
            + "CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(200)), CAST(? AS DOUBLE PRECISION), "
            + "CAST(? AS TIMESTAMP WITH TIME ZONE))) s (experiment_id, metric, unit_id, covariate_value, received_at) "
            + "ON t.experiment_id = s.experiment_id AND t.metric = s.metric AND t.unit_id = s.unit_id "
            + "WHEN NOT MATCHED THEN INSERT (experiment_id, metric, unit_id, covariate_value, received_at) "
            + "VALUES (s.experiment_id, s.metric, s.unit_id, s.covariate_value, s.received_at)";

    private static final InsertIfAbsent INSERT = new InsertIfAbsent(POSTGRES, STANDARD);

    private final DataSource dataSource;
    private final Clock clock;

    public CovariateService(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Validates (404 unknown experiment, 400 naming the field), stores in a transaction of its own, then answers. */
    public CovariateAck persistCovariates(long experimentId, List<CovariateValue> values) {
        Set<String> metrics = QuarkusTransaction.requiringNew().call(() -> Experiment.<Experiment>findByIdOptional(experimentId)
                .map(e -> e.metrics.stream().map((ExperimentMetric m) -> m.name).collect(Collectors.toSet()))
                .orElseThrow(() -> ApiException.notFound("no experiment " + experimentId, "id")));
        if (values.isEmpty() || values.size() > MAX_BATCH) {
            throw ApiException.badRequest("invalid-input", "a batch holds 1 to " + MAX_BATCH + " covariates, got "
                    + values.size(), "covariates");
        }
        Map<String, CovariateValue> unique = new TreeMap<>();
        for (int i = 0; i < values.size(); i++) {
            CovariateValue v = values.get(i);
            String at = "covariates[" + i + "]";
            if (v == null) {
                throw ApiException.badRequest("invalid-input", "covariate " + i + " is null", at);
            }
            Names.requireText(v.unitId(), 200, at + ".unitId");
            // a name first: the refusal below quotes it
            Names.requireName(v.metric(), at + ".metric");
            if (!metrics.contains(v.metric())) {
                throw ApiException.badRequest("unknown-metric", "experiment " + experimentId + " has no metric '"
                        + v.metric() + "'; its metrics are " + new TreeSet<>(metrics), at + ".metric");
            }
            KpiValues.requireValue(v.value(), at + ".value");
            unique.putIfAbsent(v.metric() + '\u0000' + v.unitId(), v);
        }
        int stored = QuarkusTransaction.requiringNew().call(() -> insert(experimentId, unique.values()));
        return new CovariateAck(values.size(), stored, values.size() - stored);
    }

    private int insert(long experimentId, Collection<CovariateValue> values) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        try {
            return INSERT.run(dataSource, values, (s, v) -> {
                s.setLong(1, experimentId);
                s.setString(2, v.metric());
                s.setString(3, v.unitId());
                s.setDouble(4, v.value());
                s.setObject(5, now);
            });
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the covariates: " + e.getMessage(), e);
        }
    }
}
