package io.mptrec.registry.version.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.registry.version.Approval;
import io.mptrec.registry.version.Label;
import io.mptrec.registry.version.Task;
import io.mptrec.registry.version.PromptVersion;
import io.mptrec.registry.api.ReportDiff;
import io.mptrec.registry.api.VersionRef;
import io.mptrec.registry.api.Views.ApprovalView;
import io.mptrec.registry.api.Views.FieldDiff;
import io.mptrec.registry.api.Views.LabelView;
import io.mptrec.registry.api.Views.MetricDiff;
import io.mptrec.registry.api.Views.TaskView;
import io.mptrec.registry.api.Views.VersionDetail;
import io.mptrec.registry.api.Views.VersionDiff;
import io.mptrec.registry.api.Views.VersionSummary;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Entities to API records; lineage and metrics are read from the stored (hash-covered) manifest. */
@ApplicationScoped
public class VersionMapper {

    private final ObjectMapper mapper;

    public VersionMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public TaskView toTaskView(Task task) {
        List<Label> labels = Label.listByTask(task);
        Integer production = labels.stream().filter(l -> Label.PRODUCTION.equals(l.name))
                .map(l -> l.version.number).findFirst().orElse(null);
        return new TaskView(task.name, task.encoder.contentSha256, production,
                labels.stream().map(VersionMapper::toLabelView).toList(),
                PromptVersion.listByTask(task).size());
    }

    public static LabelView toLabelView(Label l) {
        return new LabelView(l.name, l.version.number, l.movedBy, l.movedAt);
    }

    public static VersionRef toRef(PromptVersion v) {
        return new VersionRef(v.id, v.task.id, v.task.name, v.number, v.contentSha256, v.encoderSha256);
    }

    public VersionSummary toSummary(PromptVersion v) {
        return new VersionSummary(v.task.name, v.number, v.contentSha256, v.status.name(), v.author, v.createdAt,
                v.releasedAt, labelNames(v));
    }

    public VersionDetail toDetail(PromptVersion v) {
        JsonNode metadata = manifest(v).path("metadata");
        List<ApprovalView> approvals = Approval.listByVersion(v).stream()
                .map(a -> new ApprovalView(a.decision, a.reviewer, a.comment, a.contentSha256, a.encoderSha256,
                        a.adminBypass, a.decidedAt, a.covers(v, v.task.encoder.contentSha256)))
                .toList();
        return new VersionDetail(v.task.name, v.number, v.contentSha256, v.encoderSha256, v.status.name(), v.author,
                v.createdAt, v.releasedAt, labelNames(v), metadata.path("stage").asInt(),
                metadata.path("lineage"), metrics(v), metadata.path("nonInterference"), approvals);
    }

    /** Metrics matched by (task, split, metric), and every lineage field side by side. */
    public VersionDiff diff(PromptVersion a, PromptVersion b, ReportDiff reports) {
        Map<String, OfflineMetric> left = byKey(metrics(a));
        Map<String, OfflineMetric> right = byKey(metrics(b));
        List<MetricDiff> metrics = new ArrayList<>();
        for (String key : new TreeSet<>(union(left.keySet(), right.keySet()))) {
            OfflineMetric l = left.get(key);
            OfflineMetric r = right.get(key);
            OfflineMetric any = l != null ? l : r;
            metrics.add(new MetricDiff(any.task(), any.split(), any.metric(),
                    l == null ? null : l.value(), r == null ? null : r.value(),
                    l == null || r == null ? null : r.value() - l.value(),
                    l == null ? null : l.samples(), r == null ? null : r.samples()));
        }
        JsonNode la = manifest(a).path("metadata").path("lineage");
        JsonNode lb = manifest(b).path("metadata").path("lineage");
        List<FieldDiff> lineage = new ArrayList<>();
        TreeSet<String> fields = new TreeSet<>();
        la.fieldNames().forEachRemaining(fields::add);
        lb.fieldNames().forEachRemaining(fields::add);
        fields.remove("metrics");
        for (String f : fields) {
            lineage.add(new FieldDiff(f, la.get(f), lb.get(f), la.path(f).equals(lb.path(f))));
        }
        return new VersionDiff(toSummary(a), toSummary(b), metrics, lineage, reports);
    }

    public List<OfflineMetric> metrics(PromptVersion v) {
        JsonNode metrics = manifest(v).path("metadata").path("lineage").path("metrics");
        List<OfflineMetric> result = new ArrayList<>();
        for (Iterator<JsonNode> it = metrics.elements(); it.hasNext(); ) {
            result.add(mapper.convertValue(it.next(), OfflineMetric.class));
        }
        return result;
    }

    private static List<String> labelNames(PromptVersion v) {
        return Label.listByVersion(v).stream().map(l -> l.name).toList();
    }

    private static Map<String, OfflineMetric> byKey(List<OfflineMetric> metrics) {
        Map<String, OfflineMetric> map = new LinkedHashMap<>();
        metrics.forEach(m -> map.put(m.task() + "/" + m.split() + "/" + m.metric(), m));
        return map;
    }

    private static TreeSet<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        TreeSet<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private JsonNode manifest(PromptVersion v) {
        try {
            return mapper.readTree(v.manifest);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
