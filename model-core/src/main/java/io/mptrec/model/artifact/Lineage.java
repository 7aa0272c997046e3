package io.mptrec.model.artifact;

import java.util.List;

/**
 * Where an artifact comes from, as data (after Tribuo's provenance): the dataset it was trained on, the seed,
 * the code, the encoder it belongs to and the version it replaces, and what it scored offline. Stored inside
 * the manifest, so it is covered by the content hash.
 *
 * @param encoderSha256 the encoder a task prompt was trained against (null for an encoder)
 * @param parentSha256 the task prompt this one re-tunes (null when none)
 * @param epochs epochs run; {@code bestEpoch} the one whose weights were kept (early stopping)
 */
public record Lineage(
        String datasetName,
        String datasetFingerprint,
        String dataSha256,
        long seed,
        String codeVersion,
        String encoderSha256,
        String parentSha256,
        int epochs,
        int bestEpoch,
        List<OfflineMetric> metrics) {

    public Lineage {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }
}
