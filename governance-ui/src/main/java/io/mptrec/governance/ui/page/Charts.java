package io.mptrec.governance.ui.page;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chart.js configurations as the pages build them: one chart type, labels and datasets, and the options every chart of
 * the governance pages shares (responsive, no fixed aspect ratio, no animation, so screenshots and screen readers see
 * the final chart) with the chart's own options added.
 */
public final class Charts {

    private Charts() {
    }

    public static Map<String, Object> chart(String type, List<?> labels, List<?> datasets, Map<String, Object> options) {
        Map<String, Object> all = new LinkedHashMap<>(Map.of("responsive", true, "maintainAspectRatio", false,
                "animation", false));
        all.putAll(options);
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("type", type);
        chart.put("data", Map.of("labels", labels, "datasets", datasets));
        chart.put("options", all);
        return chart;
    }

    /** The labels of a histogram's equal-width bins between {@code min} and {@code max}, e.g. "0.25-0.50". */
    public static List<String> binLabels(double min, double max, int bins) {
        double width = (max - min) / bins;
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < bins; i++) {
            labels.add(String.format(Locale.ROOT, "%.2f-%.2f", min + i * width, min + (i + 1) * width));
        }
        return labels;
    }
}
