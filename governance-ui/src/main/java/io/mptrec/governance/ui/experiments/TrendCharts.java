package io.mptrec.governance.ui.experiments;

import io.mptrec.ab.results.ExperimentTimeSeries.ArmPoint;
import io.mptrec.ab.results.ExperimentTimeSeries.ArmSeries;
import io.mptrec.ab.results.ExperimentTimeSeries.MetricSeries;
import io.mptrec.ab.results.ExperimentTimeSeries;
import io.mptrec.governance.ui.page.Charts;
import io.mptrec.governance.ui.page.ScriptJson;
import io.mptrec.model.format.Figures;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chart.js specifications of the KPI trends: per metric one line chart, per arm the estimate as a line and its
 * interval as a band (the area between an invisible lower and upper line, filled with Chart.js's "fill: '-1'").
 */
final class TrendCharts {

    /** Control first, as everywhere in the results; then the other arms. */
    private static final String[] COLOURS = {"31,95,191", "217,119,6", "28,124,60", "180,35,24", "107,70,193"};

    private TrendCharts() {
    }

    static List<ExperimentsResource.TrendChart> of(ExperimentTimeSeries ts, ScriptJson json) {
        if (ts.from() == null) {
            return List.of();
        }
        DateTimeFormatter time = DateTimeFormatter.ofPattern(
                Duration.between(ts.from(), ts.to()).toHours() >= 24 ? "MM-dd HH:mm" : "HH:mm:ss").withZone(ZoneOffset.UTC);
        List<ExperimentsResource.TrendChart> trends = new ArrayList<>();
        for (MetricSeries m : ts.metrics()) {
            List<String> labels = m.arms().get(0).points().stream().map(p -> time.format(p.at())).toList();
            List<Object> datasets = new ArrayList<>();
            List<String> latest = new ArrayList<>();
            for (int i = 0; i < m.arms().size(); i++) {
                ArmSeries arm = m.arms().get(i);
                String colour = COLOURS[i % COLOURS.length];
                String name = arm.arm() + " v" + arm.version();
                datasets.add(line("", arm.points().stream().map(ArmPoint::lower).toList(), "rgba(" + colour + ",0)",
                        false, 0));
                Map<String, Object> band = line("", arm.points().stream().map(ArmPoint::upper).toList(),
                        "rgba(" + colour + ",0)", "-1", 0);
                band.put("backgroundColor", "rgba(" + colour + ",0.18)");
                datasets.add(band);
                datasets.add(line(name, arm.points().stream().map(ArmPoint::estimate).toList(), "rgb(" + colour + ")",
                        false, 2));
                ArmPoint last = arm.points().get(arm.points().size() - 1);
                latest.add(name + " " + (last.estimate() == null ? "not enough data"
                        : Figures.estimate(last.estimate()) + (last.lower() == null ? "" : " ["
                        + Figures.estimate(last.lower()) + ", " + Figures.estimate(last.upper()) + "]") + ", n = "
                        + Figures.count(last.units()) + " units"));
            }
            Map<String, Object> chart = Charts.chart("line", labels, datasets, Map.of(
                    "interaction", Map.of("mode", "index", "intersect", false),
                    // app.js hides the unnamed band edges from the legend
                    "plugins", Map.of("legend", Map.of("hideUnlabelled", true)),
                    "scales", Map.of("x", Map.of("title", Map.of("display", true, "text", "time (UTC)")),
                            "y", Map.of("title", Map.of("display", true, "text", m.metric())))));
            trends.add(new ExperimentsResource.TrendChart(m.metric(), m.kind().name(), m.role().name(),
                    String.join("; ", latest), json.write(chart)));
        }
        return trends;
    }

    private static Map<String, Object> line(String label, List<Double> data, String colour, Object fill, int radius) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("label", label);
        d.put("data", data);
        d.put("borderColor", colour);
        d.put("backgroundColor", colour);  // the legend's swatch; a band overrides it with its fill
        d.put("borderWidth", radius == 0 ? 0 : 2);
        d.put("pointRadius", radius);
        d.put("fill", fill);
        d.put("spanGaps", false);
        return d;
    }
}
