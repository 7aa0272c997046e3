package io.mptrec.registry.encoder.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.model.artifact.Lineage;
import io.mptrec.model.artifact.NonInterference;
import io.mptrec.model.artifact.OfflineMetric;

import java.util.Iterator;
import java.util.Map;

/**
 * The JSON documents the registry stores as uploaded (an artifact's manifest, a contribution report), checked before
 * anything is stored: no text in them, key or value, holds a control character or an unpaired surrogate (the detail
 * names the character's code, through {@link Names}), every number is finite, and the counts of a lineage are not
 * negative. A refusal is 400 naming the value's path ({@code manifest.metadata.lineage.codeVersion}).
 */
public final class StoredJson {

    private StoredJson() {
    }

    /**
     * Every key and text of {@code node}, at any depth; {@code path} names the node (empty for a request's whole body,
     * whose values are then named as the kernel names a body's fields: {@code fields[2].name}).
     */
    public static void requireNoControl(JsonNode node, String path) {
        if (node.isTextual()) {
            Names.requireNoControl(node.textValue(), () -> named(path));
        } else if (node.isNumber() && !Double.isFinite(node.doubleValue())) {
            throw ApiException.badRequest("invalid-number", named(path) + " must be a finite number", named(path));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireNoControl(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                requireKey(field.getKey(), path);
                requireNoControl(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
            }
        }
    }

    /**
     * A lineage's counts (epochs, and each metric's samples and positives) are 0 or more, and a metric's positives at
     * most its samples.
     */
    public static void requireCounts(Lineage lineage, String path) {
        if (lineage == null) {
            return;
        }
        requireCount(lineage.epochs(), path + ".epochs");
        requireCount(lineage.bestEpoch(), path + ".bestEpoch");
        for (int i = 0; i < lineage.metrics().size(); i++) {
            OfflineMetric metric = lineage.metrics().get(i);
            requireCount(metric.samples(), path + ".metrics[" + i + "].samples");
            String positives = path + ".metrics[" + i + "].positives";
            requireCount(metric.positives(), positives);
            if (metric.positives() > metric.samples()) {
                throw ApiException.badRequest("invalid-count", positives + " must be at most the metric's samples ("
                        + metric.samples() + "), not " + metric.positives(), positives);
            }
        }
    }

    /** The rows a non-interference check compared are 0 or more. */
    public static void requireCounts(NonInterference check, String path) {
        if (check != null) {
            requireCount(check.rows(), path + ".rows");
        }
    }

    private static void requireCount(long value, String field) {
        if (value < 0) {
            throw ApiException.badRequest("invalid-count", field + " is a count: it must be 0 or more, not " + value,
                    field);
        }
    }

    /** A key is named by the object that holds it: the key itself may be the text refused. */
    private static void requireKey(String key, String path) {
        try {
            Names.requireNoControl(key, () -> "a key of " + named(path));
        } catch (ApiException e) {
            throw ApiException.badRequest("invalid-text", e.getMessage(), named(path));
        }
    }

    private static String named(String path) {
        return path.isEmpty() ? "body" : path;
    }
}
