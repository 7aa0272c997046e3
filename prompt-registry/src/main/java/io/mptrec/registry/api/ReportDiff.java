package io.mptrec.registry.api;

import io.mptrec.model.report.ContributionReport;
import io.mptrec.model.report.ContributionReport.FeatureAttribution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

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
        List<FieldMove> fields = moves(fields(a), fields(b), (field, l, r) -> new FieldMove(field,
                l == null ? null : l.rank(), r == null ? null : r.rank(),
                l == null ? null : l.meanAbsAttribution(), r == null ? null : r.meanAbsAttribution(),
                l == null || r == null ? null : r.meanAbsAttribution() - l.meanAbsAttribution()), FieldMove::delta);
        List<AttentionMove> attention = moves(attention(a), attention(b),
                (task, l, r) -> new AttentionMove(task, l, r, l == null || r == null ? null : r - l), AttentionMove::delta);
        return new ReportDiff(a != null, b != null, fields, attention,
                a == null ? null : a.gate().meanTaskSpecific(), b == null ? null : b.gate().meanTaskSpecific(),
                baseline(a), baseline(b));
    }

    /** What moved between a's value and b's value of one key (either may be absent: null). */
    private interface Move<V, M> {
        M of(String key, V a, V b);
    }

    /** One move per key of either side, largest |delta| first, then those on one side only, in key order. */
    private static <V, M> List<M> moves(Map<String, V> a, Map<String, V> b, Move<V, M> move, Function<M, Double> delta) {
        Set<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        List<M> moves = new ArrayList<>();
        for (String key : keys) {
            moves.add(move.of(key, a.get(key), b.get(key)));
        }
        moves.sort(byMagnitude(delta));
        return moves;
    }

    /** Largest |delta| first; moves that exist on one side only (null delta) last, in name order. */
    private static <T> Comparator<T> byMagnitude(Function<T, Double> delta) {
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
}
