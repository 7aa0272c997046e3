package io.mptrec.governance.ui;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.ab.CensusArtifacts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Experiments in the browser, on the shipped Census artifacts: create (two arms, success metric, guardrail), start,
 * run a pilot that replays held-out rows, read the live results (verdict in words, SRM, per-arm estimates with
 * intervals and their chart, each metric's trend per arm over time with interval bands), pause.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ExperimentPagesTests {

    static final String TASK = "ui-ab";

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldCreateStartPilotAndReadTheResultsOfAnExperiment() throws InterruptedException {
        try (Browser b = Browser.start(base)) {
            assertThat(Api.uploadEncoder(CensusArtifacts.encoder()).statusCode()).isIn(200, 201);
            int v1 = Api.released(TASK, CensusArtifacts.income(TASK, 1));
            int v2 = Api.approved(TASK, CensusArtifacts.income(TASK, 2));

            b.signIn("erin");
            b.find(By.linkText("Experiments")).click();
            b.awaitH1("Experiments");
            b.find(By.partialLinkText("New experiment")).click();
            b.awaitH1("New experiment");
            b.assertAccessible("new experiment");
            b.find(By.id("name")).sendKeys("ui-pilot");
            new Select(b.find(By.id("task"))).selectByVisibleText(TASK);
            b.find(By.id("control")).sendKeys(Integer.toString(v1));
            b.find(By.id("treatment")).sendKeys(Integer.toString(v2));
            b.screenshot("08-experiment-create");
            b.find(By.xpath("//button[text()='Create experiment']")).click();
            b.awaitH1("Experiment ui-pilot");
            assertThat(b.h1()).contains("DRAFT");

            b.find(By.id("reason")).sendKeys("pilot before any traffic");
            b.find(By.xpath("//form[@id='experiment-actions']//button[text()='Start']")).click();
            b.awaitH1("RUNNING");
            b.find(By.id("rows")).clear();
            b.find(By.id("rows")).sendKeys("300");
            b.find(By.id("label")).sendKeys("income");  // the task ui-ab is a copy of the Census income prompt
            b.find(By.xpath("//button[text()='Run pilot']")).click();
            b.awaitText("main", "pilot started");

            // the results block refreshes itself every 5 s; wait until the pilot's KPI events show up in it
            b.awaitText("#results-body", "log_loss", Duration.ofMinutes(3));
            String results = (String) b.script("return document.getElementById('results-body').innerText;");
            assertThat(results).contains("Verdict:").contains("Sample ratio").contains("control v" + v1)
                    .contains("treatment v" + v2).contains("conversion");
            new WebDriverWait(b.driver(), Duration.ofSeconds(10)).until(d -> "true".equals(
                    d.findElement(By.cssSelector("#results-body canvas")).getDomAttribute("data-drawn")));
            b.assertAccessible("experiment results");
            b.assertReadableFigures("experiment results");
            b.script("document.getElementById('results').scrollIntoView();");
            b.screenshot("09-experiment-results");

            // the trends: one line chart per metric, per arm an estimate line between the two edges of its band (waiting
            // for a refresh after the pilot's first second: before, all its data may fall on one instant)
            @SuppressWarnings("unchecked")
            List<Object> trend = (List<Object>) new WebDriverWait(b.driver(), Duration.ofSeconds(30)).until(d -> b.script(
                    "var c = document.querySelector(\"#results-body canvas[data-chart^='trend-']\");"
                    + "var chart = c && window.Chart && Chart.getChart(c);"
                    + "return chart && chart.data.labels.length > 1 ? [document.querySelectorAll(\"#results-body canvas[data-chart^='trend-']\").length,"
                    + " chart.config.type, chart.data.datasets.map(function (s) { return s.label; }),"
                    + " chart.data.labels.length, chart.data.datasets[1].fill] : null;"));
            assertThat(((Number) trend.get(0)).intValue()).as("a chart per metric (conversion, log_loss)").isEqualTo(2);
            assertThat(trend.get(1)).isEqualTo("line");
            assertThat((List<Object>) trend.get(2)).containsExactly("", "", "control v" + v1, "", "", "treatment v" + v2);
            assertThat(((Number) trend.get(3)).intValue()).as("time points").isGreaterThan(1);
            assertThat(trend.get(4)).as("the band fills down to the lower edge").isEqualTo("-1");
            // read in one script: the results refresh every 5 seconds and a found element may be replaced under us
            assertThat((String) b.script("return document.getElementById('trends-span').textContent;"))
                    .contains("steps from the first exposure");
            b.script("document.getElementById('trends-span').scrollIntoView();");
            b.screenshot("10-experiment-trends");

            // the pilot's progress bar, once the pilot is done (the page shows the progress as of its loading)
            new WebDriverWait(b.driver(), Duration.ofMinutes(2), Duration.ofSeconds(1))
                    .ignoring(org.openqa.selenium.WebDriverException.class).until(d -> {
                d.navigate().refresh();
                return d.findElement(By.id("pilot-state")).getText().contains("DONE");
            });
            assertThat(b.find(By.id("pilot-progress")).getDomAttribute("max")).isEqualTo("300");
            assertThat(b.find(By.id("pilot-progress")).getDomProperty("value")).isEqualTo("300");
            // the page as an operator opens it later (no "pilot started" notice), results loaded, the pilot in view
            b.open(java.net.URI.create(b.driver().getCurrentUrl()).getPath());
            b.awaitText("#results-body", "log_loss", Duration.ofSeconds(30));
            b.assertReadableFigures("experiment with a finished pilot");
            b.script("document.getElementById('pilot-progress').scrollIntoView({block: 'center'});");
            b.screenshot("17-pilot-census-done");

            // Enter in the reason field presses no action (the first one shown is Pause)
            String running = b.driver().getCurrentUrl();
            b.find(By.id("reason")).sendKeys("looked at it", org.openqa.selenium.Keys.ENTER);
            Thread.sleep(1_500); // what a submission would take to navigate away
            assertThat(b.driver().getCurrentUrl()).isEqualTo(running);
            b.open(java.net.URI.create(running).getPath());
            assertThat(b.find(By.tagName("h1")).getText()).contains("RUNNING");
            b.find(By.xpath("//form[@id='experiment-actions']//button[text()='Pause']")).click();
            b.awaitH1("PAUSED");
            b.open("/ui");
            assertThat(b.text()).contains(TASK);
        }
    }
}
