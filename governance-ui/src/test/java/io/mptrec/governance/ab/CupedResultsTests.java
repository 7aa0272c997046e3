package io.mptrec.governance.ab;

import io.mptrec.ab.serving.service.ExposureWriter;
import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

/**
 * CUPED end to end: units are scored (exposures), their outcome arrives as KPI events, three in four units have a
 * pre-period covariate posted; the results show raw and adjusted estimates side by side, and the adjusted difference
 * equals the least-squares regression Y ~ 1 + arm + X computed here from the same rows (missing X set to the observed
 * mean), with most of the variance removed.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class CupedResultsTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final int UNITS = 400;

    @Inject
    ExposureWriter exposures;

    @Test
    void shouldShowRawAndCupedAdjustedEstimatesThatMatchTheRegression() {
        String task = "cuped";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 141));
        Api.approved(task, TestArtifacts.prompt(ENCODER, task, 142));
        long id = as("erin").contentType("application/json").body(Map.of("name", "cuped-spend", "task", task,
                        "plannedPerArm", 200,
                        "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.5),
                                Map.of("name", "treatment", "version", 2, "weight", 0.5)),
                        "successMetrics", List.of(Map.of("name", "spend", "kind", "MEAN",
                                "direction", "HIGHER_IS_BETTER"))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/start")
                .then().statusCode(200);

        SplittableRandom random = new SplittableRandom(2013);
        double[] y = new double[UNITS];
        double[] x = new double[UNITS];
        boolean[] treated = new boolean[UNITS];
        boolean[] covariate = new boolean[UNITS];
        List<Map<String, Object>> events = new ArrayList<>();
        List<Map<String, Object>> covariates = new ArrayList<>();
        for (int u = 0; u < UNITS; u++) {
            JsonPath r = as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "user-" + u,
                            "rows", List.of(Map.of("age", "40", "sex", "f"))))
                    .post("/api/v1/score").then().statusCode(200).extract().jsonPath();
            treated[u] = "treatment".equals(r.getString("arm"));
            x[u] = 50 + 10 * gaussian(random);
            y[u] = 10 + 0.9 * x[u] + (treated[u] ? 1.0 : 0.0) + 2 * gaussian(random);
            covariate[u] = u % 4 != 0;
            events.add(Map.of("eventId", "spend-" + u, "requestId", r.getString("requestId"), "metric", "spend",
                    "value", y[u]));
            if (covariate[u]) {
                covariates.add(Map.of("unitId", "user-" + u, "metric", "spend", "value", x[u]));
            }
        }
        as("erin").contentType("application/json").body(Map.of("events", events)).post("/api/v1/events/kpi")
                .then().statusCode(200).body("stored", equalTo(UNITS));
        as("erin").contentType("application/json").body(Map.of("covariates", covariates))
                .post("/api/v1/experiments/" + id + "/covariates").then().statusCode(200)
                .body("stored", equalTo(covariates.size())).body("duplicates", equalTo(0));
        as("erin").contentType("application/json").body(Map.of("covariates", covariates.subList(0, 10)))
                .post("/api/v1/experiments/" + id + "/covariates").then().statusCode(200)
                .body("stored", equalTo(0)).body("duplicates", equalTo(10));
        exposures.awaitStored();

        // The reference: per-unit rows, raw means, and the regression on mean-imputed covariates.
        double observedMean = 0;
        int observed = 0;
        double[] sum = new double[2];
        int[] n = new int[2];
        for (int u = 0; u < UNITS; u++) {
            if (covariate[u]) {
                observedMean += x[u];
                observed++;
            }
            sum[treated[u] ? 1 : 0] += y[u];
            n[treated[u] ? 1 : 0]++;
        }
        observedMean /= observed;
        double[][] design = new double[UNITS][];
        for (int u = 0; u < UNITS; u++) {
            design[u] = new double[] {treated[u] ? 1 : 0, covariate[u] ? x[u] : observedMean};
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.newSampleData(y, design);
        double[] beta = ols.estimateRegressionParameters();

        // Doubles, not JsonPath's default floats: the comparison with the reference is to 1e-6.
        JsonPath results = new JsonPath(as("dave").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                .extract().asString()).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
        assertThat(results.getLong("arms[0].exposures") + results.getLong("arms[1].exposures")).isEqualTo(UNITS);
        for (int arm = 0; arm < 2; arm++) {
            String at = "arms[" + arm + "].";
            assertThat(results.getDouble(at + "metrics.spend.estimate")).as("raw mean")
                    .isCloseTo(sum[arm] / n[arm], within(1e-6));
            assertThat(results.getDouble(at + "cuped.spend.rawMean")).isCloseTo(sum[arm] / n[arm], within(1e-6));
            assertThat(results.getLong(at + "cuped.spend.count")).isEqualTo(n[arm]);
            // Var(Y) = 0.81 * 100 + 4 = 85; three quarters of the units carry X: about 0.75 * 81 / 85 = 0.71 removed.
            assertThat(results.getDouble(at + "cuped.spend.varianceReduction")).isBetween(0.55, 0.85);
            assertThat(results.getDouble(at + "cuped.spend.adjusted.standardError"))
                    .isLessThan(results.getDouble(at + "metrics.spend.standardError"));
        }
        assertThat(results.getLong("arms[0].cuped.spend.withCovariate") + results.getLong("arms[1].cuped.spend.withCovariate"))
                .isEqualTo(observed);

        String comparison = "treatments[0].successMetrics[0].";
        assertThat(results.getDouble(comparison + "fixedHorizon.difference")).as("raw difference")
                .isCloseTo(sum[1] / n[1] - sum[0] / n[0], within(1e-6));
        assertThat(results.getDouble(comparison + "cuped.fixedHorizon.difference")).as("adjusted = regression")
                .isCloseTo(beta[1], within(1e-6));
        assertThat(results.getDouble(comparison + "cuped.theta")).isCloseTo(beta[2], within(1e-6));
        assertThat(results.getDouble(comparison + "cuped.covariateMean")).isCloseTo(observedMean, within(1e-6));
        assertThat(results.getLong(comparison + "cuped.unitsWithCovariate")).isEqualTo(observed);
        double rawWidth = results.getDouble(comparison + "fixedHorizon.differenceInterval.upper")
                - results.getDouble(comparison + "fixedHorizon.differenceInterval.lower");
        double cupedWidth = results.getDouble(comparison + "cuped.fixedHorizon.differenceInterval.upper")
                - results.getDouble(comparison + "cuped.fixedHorizon.differenceInterval.lower");
        assertThat(cupedWidth).as("CUPED narrows the interval").isLessThan(0.7 * rawWidth);
    }

    @Test
    void shouldRefuseCovariatesThatNameNoMetricOrUnit() {
        String task = "cuped-bad";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 151));
        Api.approved(task, TestArtifacts.prompt(ENCODER, task, 152));
        long id = as("erin").contentType("application/json").body(Map.of("name", "cuped-bad", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.5),
                                Map.of("name", "treatment", "version", 2, "weight", 0.5)),
                        "successMetrics", List.of(Map.of("name", "spend", "kind", "MEAN",
                                "direction", "HIGHER_IS_BETTER"))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        String path = "/api/v1/experiments/" + id + "/covariates";
        as("erin").contentType("application/json").body(Map.of("covariates", List.of(
                        Map.of("unitId", "u1", "metric", "spend", "value", 1),
                        Map.of("unitId", "u2", "metric", "clicks", "value", 1))))
                .post(path).then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("covariates[1].metric"));
        as("erin").contentType("application/json").body(Map.of("covariates", List.of(
                        Map.of("unitId", "", "metric", "spend", "value", 1))))
                .post(path).then().statusCode(400).body("field", equalTo("covariates[0].unitId"));
        as("erin").contentType("application/json").body(Map.of("covariates", List.of()))
                .post(path).then().statusCode(400).body("field", equalTo("covariates"));
        as("erin").contentType("application/json").body(Map.of("covariates", List.of(
                        Map.of("unitId", "u1", "metric", "spend", "value", 1))))
                .post("/api/v1/experiments/999999/covariates").then().statusCode(404);
        as("dave").contentType("application/json").body(Map.of("covariates", List.of(
                        Map.of("unitId", "u1", "metric", "spend", "value", 1))))
                .post(path).then().statusCode(403);
        // Without covariates the results carry no CUPED part.
        as("dave").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                .body("treatments[0].successMetrics[0].cuped", equalTo(null));
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
