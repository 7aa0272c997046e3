package io.mptrec.governance.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mptrec.governance.PostgresResource;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.FloatArray;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.report.AttributionBaseline;
import io.mptrec.model.report.ContributionReports;
import io.mptrec.model.report.ReportOptions;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.uploadEncoder;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diff page's contribution-report charts in a real headless Chromium: two versions of a stage-2 Census task
 * (the shipped education prompt, and the same with sharper attention and gate), each with a report computed
 * here by model-core (zero and training-mean baselines), compared on the page: grouped per-field attributions,
 * overlaid gate-split histograms, attention over the existing tasks side by side, each drawn by Chart.js.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ReportDiffPagesTests {

    static final Path CENSUS = Path.of("..", "data", "census-income-kdd");
    static final String TASK = "report-diff";
    static final ReportOptions OPTIONS = ReportOptions.defaults().withRows(200).withSteps(16);

    @TestHTTPResource("/")
    URL base;

    @Test
    @SuppressWarnings("unchecked")
    void shouldDrawBothVersionsReportsAsChartsOnTheDiffPage() {
        EncoderArtifact encoder = EncoderArtifact.read(CENSUS.resolve("artifacts/encoder"));
        Path schema = CENSUS.resolve("schema.json");
        Dataset data = Dataset.load(DatasetSchema.load(schema), schema, null);
        TaskPromptArtifact v1 = variant(1, 1f);
        TaskPromptArtifact v2 = variant(2, 4f);
        assertThat(uploadEncoder(encoder.bundle()).statusCode()).isIn(200, 201);
        int a = attach(v1, ContributionReports.compute(data, encoder, v1, OPTIONS).toJson());
        int b = attach(v2, ContributionReports.compute(data, encoder, v2,
                OPTIONS.withBaseline(AttributionBaseline.TRAINING_MEAN)).toJson());

        try (Browser browser = Browser.start(base)) {
            browser.signIn("dave");
            browser.open("/ui/tasks/" + TASK + "/versions/" + b + "/diff?with=" + a);
            browser.awaitH1(TASK + ": v" + b + " against v" + a);

            Map<String, Object> fields = drawn(browser, "field-diff-chart");
            assertThat(fields.get("datasets")).isEqualTo(List.of("v" + b, "v" + a));
            assertThat(((Number) fields.get("bars")).intValue()).isEqualTo(20);  // the 20 fields that moved most
            Map<String, Object> gate = drawn(browser, "gate-diff-chart");
            assertThat(gate.get("datasets")).isEqualTo(List.of("v" + b + " (n=200)", "v" + a + " (n=200)"));
            assertThat(((Number) gate.get("bars")).intValue()).isEqualTo(20);  // the histogram's bins
            assertThat(gate.get("grouped")).as("histograms overlaid, not side by side").isEqualTo(List.of(false, false));
            Map<String, Object> attention = drawn(browser, "attention-diff-chart");
            assertThat(attention.get("datasets")).isEqualTo(List.of("v" + b, "v" + a));
            assertThat((List<Object>) attention.get("labels")).containsExactlyInAnyOrder("income", "marital");
            assertThat(browser.text()).contains("Attribution baselines: training-mean and zero")
                    .contains("compare the fields' ranks rather than their sizes");
            browser.assertAccessible("report diff");
            browser.assertReadableFigures("report diff");

            browser.script("document.querySelector('canvas[data-chart=gate-diff-chart]').scrollIntoView()");
            browser.screenshot("08-report-diff-gate-and-fields");
            browser.script("document.querySelector('canvas[data-chart=attention-diff-chart]').scrollIntoView()");
            browser.screenshot("09-report-diff-attention");

            // the version page names the baseline its report used
            browser.open("/ui/tasks/" + TASK + "/versions/" + b);
            browser.awaitH1(TASK + " v" + b);
            assertThat(browser.text()).contains("Integrated gradients against the training-mean baseline");
            browser.assertReadableFigures("version");
            // a trained stage-2 version: the non-interference certificate as a table, its metrics one axis per kind
            assertThat(browser.find(By.id("non-interference")).getText()).contains("income").contains("marital");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> "true".equals(d.findElement(
                    By.cssSelector("canvas[data-chart=metrics-chart]")).getDomAttribute("data-drawn")));
            browser.script("document.getElementById('offline-metrics').scrollIntoView()");
            browser.screenshot("16-version-metrics-and-certificate");
        }
    }

    /**
     * What Chart.js made of a canvas: its datasets' labels, category count, grouping, and how many pixels it painted
     * (a chart that failed to render leaves the canvas blank).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> drawn(Browser browser, String id) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> browser.script(
                "var c = document.querySelector('canvas[data-chart=' + arguments[0] + ']');"
                        + "return c != null && window.Chart && Chart.getChart(c) != null;", id));
        Map<String, Object> seen = (Map<String, Object>) browser.script(
                "var c = document.querySelector('canvas[data-chart=' + arguments[0] + ']');"
                        + "var chart = Chart.getChart(c);"
                        + "var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, painted = 0;"
                        + "for (var i = 3; i < px.length; i += 4) { if (px[i] > 0) { painted++; } }"
                        + "return {datasets: chart.data.datasets.map(function (d) { return d.label; }),"
                        + " grouped: chart.data.datasets.map(function (d) { return d.grouped !== false; }),"
                        + " labels: chart.data.labels, bars: chart.data.labels.length, painted: painted};", id);
        assertThat(((Number) seen.get("painted")).longValue()).as(id + " painted pixels").isGreaterThan(1000);
        assertThat(browser.driver().findElement(By.cssSelector("canvas[data-chart=" + id + "]")).getAttribute("aria-label"))
                .isNotBlank();
        return seen;
    }

    /**
     * The shipped education prompt under this test's task name; {@code sharpen} scales the attention projection's
     * output gain (after its layer norm, so it sharpens the softmax over the existing tasks) and the gate's weights
     * (which spreads the gate split).
     */
    private static TaskPromptArtifact variant(long seed, float sharpen) {
        ArtifactBundle shipped = ArtifactBundle.read(CENSUS.resolve("artifacts/prompt-education"));
        ObjectNode metadata = shipped.metadata().deepCopy();
        metadata.put("task", TASK);
        ((ObjectNode) metadata.get("lineage")).put("seed", seed);
        Map<String, FloatArray> arrays = new TreeMap<>(shipped.arrays());
        for (String name : List.of("projection.norm.gamma", "gate.w")) {
            FloatArray w = arrays.get(name);
            float[] scaled = w.data().clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= sharpen;
            }
            arrays.put(name, new FloatArray(w.shape(), scaled));
        }
        return TaskPromptArtifact.from(ArtifactBundle.of(TaskPromptArtifact.KIND, metadata, arrays));
    }

    private static int attach(TaskPromptArtifact prompt, String report) {
        int n = uploadPrompt("alice", TASK, prompt.bundle()).then().statusCode(201).extract().path("number");
        as("alice").contentType("application/json").body(report).put("/api/v1/tasks/" + TASK + "/versions/" + n + "/report")
                .then().statusCode(201);
        return n;
    }
}
