package io.mptrec.model.artifact;

import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.network.ModelConfig;
import java.util.List;

/**
 * The encoder's manifest metadata: its configuration, the feature transform (vocabularies and scaling
 * statistics of the training split), the stage-1 tasks in expert order with their label definitions, and lineage.
 */
public record EncoderMetadata(ModelConfig config, FeatureTransform transform, List<String> tasks,
                              List<String> labelExpressions, Lineage lineage) {
    public EncoderMetadata {
        tasks = List.copyOf(tasks);
        labelExpressions = List.copyOf(labelExpressions);
    }
}
