package io.mptrec.governance.ui.versions;

import io.mptrec.governance.ui.page.Charts;
import io.mptrec.model.report.ContributionReport;
import io.mptrec.registry.api.ReportDiff.AttentionMove;
import io.mptrec.registry.api.ReportDiff.FieldMove;
import io.mptrec.registry.api.ReportDiff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chart.js specifications for the diff page's contribution-report section: the two versions' per-field attributions
 * grouped, their gate-split histograms overlaid, and their attention over the existing tasks side by side. Each is
 * null when neither side has what it plots; the tables on the page hold the same numbers.
 */
record ReportDiffCharts(Map<String, Object> fields, Map<String, Object> gate, Map<String, Object> attention) {

    /** Enough bars to read on a laptop screen; the table lists every field. */
    static final int MAX_FIELDS = 20;
    static final String COLOR_A = "#1f5fbf";
    static final String COLOR_B = "#f0a400";

    static ReportDiffCharts of(int numberA, int numberB, ReportDiff diff, ContributionReport a, ContributionReport b) {
        if (diff == null) {
            return new ReportDiffCharts(null, null, null);
        }
        return new ReportDiffCharts(fields(numberA, numberB, diff), gate(numberA, numberB, a, b),
                attention(numberA, numberB, diff));
    }

    /** Mean |integrated gradients| per field, the fields that moved most first (the diff's order). */
    private static Map<String, Object> fields(int numberA, int numberB, ReportDiff diff) {
        List<FieldMove> moves = diff.fields().subList(0, Math.min(MAX_FIELDS, diff.fields().size()));
        if (moves.isEmpty()) {
            return null;
        }
        return chart("bar", moves.stream().map(FieldMove::field).toList(), List.of(
                        dataset("v" + numberA, moves.stream().map(FieldMove::meanAbsA).toList(), COLOR_A),
                        dataset("v" + numberB, moves.stream().map(FieldMove::meanAbsB).toList(), COLOR_B)),
                "mean |integrated gradients| of the logit");
    }

    /**
     * Share of the evaluated rows per bin of g[0] (the weight on the task-specific representation), one translucent
     * histogram per version drawn over the other. Shares, not counts: the two reports may have sampled different row
     * counts.
     */
    private static Map<String, Object> gate(int numberA, int numberB, ContributionReport a, ContributionReport b) {
        ContributionReport any = a != null ? a : b;
        if (any == null) {
            return null;
        }
        ContributionReport.Histogram h = any.gate().taskSpecificHistogram();
        List<String> labels = Charts.binLabels(h.min(), h.max(), h.counts().size());
        List<Map<String, Object>> datasets = new ArrayList<>();
        if (a != null) {
            datasets.add(overlaid("v" + numberA + " (n=" + a.evaluation().sampleSize() + ")", shares(a), COLOR_A, "rgba(31,95,191,0.45)"));
        }
        if (b != null) {
            datasets.add(overlaid("v" + numberB + " (n=" + b.evaluation().sampleSize() + ")", shares(b), COLOR_B, "rgba(240,164,0,0.45)"));
        }
        return chart("bar", labels, datasets, "share of the evaluated rows");
    }

    private static Map<String, Object> attention(int numberA, int numberB, ReportDiff diff) {
        if (diff.attention().isEmpty()) {
            return null;
        }
        return chart("bar", diff.attention().stream().map(AttentionMove::task).toList(), List.of(
                        dataset("v" + numberA, diff.attention().stream().map(AttentionMove::a).toList(), COLOR_A),
                        dataset("v" + numberB, diff.attention().stream().map(AttentionMove::b).toList(), COLOR_B)),
                "mean attention on the task's prompt");
    }

    private static List<Double> shares(ContributionReport report) {
        List<Integer> counts = report.gate().taskSpecificHistogram().counts();
        double total = counts.stream().mapToInt(Integer::intValue).sum();
        return counts.stream().map(c -> total == 0 ? 0.0 : c / total).toList();
    }

    private static Map<String, Object> dataset(String label, List<Double> data, String color) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("label", label);
        d.put("data", data); // null where a version lacks the field or task: Chart.js leaves a gap
        d.put("backgroundColor", color);
        return d;
    }

    /** grouped=false puts both versions' bars at the same x, so the histograms overlay instead of standing apart. */
    private static Map<String, Object> overlaid(String label, List<Double> data, String border, String fill) {
        Map<String, Object> d = dataset(label, data, fill);
        d.put("borderColor", border);
        d.put("borderWidth", 1);
        d.put("grouped", false);
        d.put("barPercentage", 1.0);
        d.put("categoryPercentage", 1.0);
        return d;
    }

    private static Map<String, Object> chart(String type, List<String> labels, List<Map<String, Object>> datasets, String yTitle) {
        return Charts.chart(type, labels, datasets,
                Map.of("scales", Map.of("y", Map.of("beginAtZero", true, "title", Map.of("display", true, "text", yTitle)))));
    }
}
