package io.mptrec.registry.api;

import io.mptrec.model.report.ContributionReport;
import io.mptrec.model.report.ContributionReport.FeatureAttribution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What moved between the contribution reports of two versions: the fields whose attributions moved most
 * first, then the prompts a stage-2 task borrows from, then the gate's split. A side without a report is null.
 * The attribution baselines are given because attributions against different baselines explain different
 * differences f(x) - f(b) and are not comparable field by field.
 */
public record ReportDiff(boolean reportA, boolean reportB, List<FieldMove> fields, List<AttentionMove> attention,
                         Double gateTaskSpecificA, Double gateTaskSpecificB, String baselineA, String baselineB) {

    /** Both reports exist and measured attributions against different baselines. */
    public boolean baselinesDiffer() {
        return baselineA != null && baselineB != null && !baselineA.equals(baselineB);
    }

    /** A field's mean |integrated gradients| and rank in each version; {@code delta} is b - a. */
    public record FieldMove(String field, Integer rankA, Integer rankB, Double meanAbsA, Double meanAbsB, Double delta) {
    }

    /** The mean attention on one existing task's prompt in each version; {@code delta} is b - a. */
    public record AttentionMove(String task, Double a, Double b, Double delta) {
    }

    public static ReportDiff of(ContributionReport a, ContributionReport b) {
        Map<String, FeatureAttribution> left = fields(a);
        Map<String, FeatureAttribution> right = fields(b);
        List<FieldMove> fields = new ArrayList<>();
        for (String field : new TreeSet<>(union(left.keySet(), right.keySet()))) {
            FeatureAttribution l = left.get(field);
            FeatureAttribution r = right.get(field);
            fields.add(new FieldMove(field, l == null ? null : l.rank(), r == null ? null : r.rank(),
                    l == null ? null : l.meanAbsAttribution(), r == null ? null : r.meanAbsAttribution(),
                    l == null || r == null ? null : r.meanAbsAttribution() - l.meanAbsAttribution()));
        }
        fields.sort(byMagnitude(FieldMove::delta));
        Map<String, Double> attentionA = attention(a);
        Map<String, Double> attentionB = attention(b);
        List<AttentionMove> attention = new ArrayList<>();
        for (String task : new TreeSet<>(union(attentionA.keySet(), attentionB.keySet()))) {
            Double l = attentionA.get(task);
            Double r = attentionB.get(task);
            attention.add(new AttentionMove(task, l, r, l == null || r == null ? null : r - l));
        }
        attention.sort(byMagnitude(AttentionMove::delta));
        return new ReportDiff(a != null, b != null, fields, attention,
                a == null ? null : a.gate().meanTaskSpecific(), b == null ? null : b.gate().meanTaskSpecific(),
                baseline(a), baseline(b));
    }

    /** Largest |delta| first; moves that exist on one side only (null delta) last, in name order. */
    private static <T> Comparator<T> byMagnitude(java.util.function.Function<T, Double> delta) {
        return Comparator.comparing((T t) -> delta.apply(t) == null)
                .thenComparing(t -> delta.apply(t) == null ? 0.0 : -Math.abs(delta.apply(t)));
    }

    private static String baseline(ContributionReport report) {
        return report == null ? null : report.attributions().baselineUsed().key();
    }

    private static Map<String, FeatureAttribution> fields(ContributionReport report) {
        Map<String, FeatureAttribution> map = new LinkedHashMap<>();
        if (report != null) {
            report.attributions().fields().forEach(f -> map.put(f.field(), f));
        }
        return map;
    }

    private static Map<String, Double> attention(ContributionReport report) {
        Map<String, Double> map = new LinkedHashMap<>();
        if (report != null && report.attention() != null) {
            for (int k = 0; k < report.attention().tasks().size(); k++) {
                map.put(report.attention().tasks().get(k), report.attention().mean().get(k));
            }
        }
        return map;
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
