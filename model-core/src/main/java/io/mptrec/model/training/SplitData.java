package io.mptrec.model.training;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.data.Split;
import io.mptrec.model.network.Batches;
import java.util.List;

/**
 * One split of a dataset, encoded once, with the labels of the tasks being trained.
 *
 * @param users per row its user's id ({@link Dataset#users}), for GAUC; null when the schema names no user column
 */
public record SplitData(Split split, int[] rows, EncodedSource encoded, float[][] labels, int[] users) {

    public SplitData(Split split, int[] rows, EncodedSource encoded, float[][] labels) {
        this(split, rows, encoded, labels, null);
    }

    public static SplitData of(Dataset data, FeatureTransform transform, Split split, List<String> tasks) {
        return of(data, transform.encode(data, data.rows(split)), split, tasks);
    }

    /** As {@link #of(Dataset, FeatureTransform, Split, List)}, with the split's rows already encoded. */
    public static SplitData of(Dataset data, EncodedSource encoded, Split split, List<String> tasks) {
        int[] rows = data.rows(split);
        if (encoded.rows() != rows.length) {
            throw new IllegalArgumentException("the " + split + " split has " + rows.length + " rows, its encoding "
                    + encoded.rows());
        }
        float[][] labels = new float[tasks.size()][];
        for (int k = 0; k < tasks.size(); k++) {
            labels[k] = data.labels(tasks.get(k), rows);
        }
        int[] users = data.schema().userColumn() == null ? null : data.users(rows);
        return new SplitData(split, rows, encoded, labels, users);
    }

    /**
     * Some rows of a split with each task's labels, in the order asked for.
     *
     * @param positions the rows' indices into the split
     */
    public record Batch(int[] positions, EncodedRows rows, float[][] labels) {
    }

    /** The rows at {@code positions} (indices into this split) with their labels. */
    public Batch batch(int[] positions) {
        return new Batch(positions, encoded.select(positions), Batches.select(labels, positions));
    }

    public String name() {
        return split.name().toLowerCase(java.util.Locale.ROOT);
    }
}
