package io.mptrec.model.training;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.data.Split;
import java.util.List;

/** One split of a dataset, encoded once, with the labels of the tasks being trained. */
public record SplitData(Split split, int[] rows, EncodedRows encoded, float[][] labels) {

    public static SplitData of(Dataset data, FeatureTransform transform, Split split, List<String> tasks) {
        int[] rows = data.rows(split);
        float[][] labels = new float[tasks.size()][];
        for (int k = 0; k < tasks.size(); k++) {
            labels[k] = data.labels(tasks.get(k), rows);
        }
        return new SplitData(split, rows, transform.encode(data, rows), labels);
    }

    public String name() {
        return split.name().toLowerCase(java.util.Locale.ROOT);
    }
}
