package io.mptrec.model.report;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.EncoderPass;
import io.mptrec.model.network.TaskHead;
import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.nn.NativeFloats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Integrated gradients of a task head's logit with respect to the network input x = [numeric fields, embedding
 * of each categorical field], summed per feature field. Default baseline: every numeric field 0 (its training minimum
 * after min-max scaling) and every categorical field at the embedding of index 0 ("unseen or missing"); any other
 * baseline points in input space can be given, and with K of them the attributions are averaged over the K runs
 * (expected gradients). Midpoint rule with m steps: a_j = (x_j - b_j) / m * sum_s df/dx_j(b + (s + 1/2)/m (x - b)).
 * All steps of a chunk of rows go through one forward and one backward pass per baseline.
 */
public final class IntegratedGradients {

    /** Path points (rows x steps) per forward/backward pass. */
    public static final int POINTS_PER_PASS = 4096;

    /**
     * @param attributions rows x fields, row-major; fields are the numeric fields then the categorical fields, in
     *                     the encoder's order
     * @param logits f(x) per row
     * @param baselineLogit f(baseline), or with K baselines their mean f(b_k): completeness then reads
     *                      sum of a row's attributions = f(x) - mean_k f(b_k)
     */
    public record Result(int rows, int fields, double[] attributions, double[] logits, double baselineLogit) {

        public double attribution(int row, int field) {
            return attributions[row * fields + field];
        }

        /** |sum of the row's attributions - (f(x) - f(baseline))|. */
        public double completenessError(int row) {
            double sum = 0;
            for (int f = 0; f < fields; f++) {
                sum += attribution(row, f);
            }
            return Math.abs(sum - (logits[row] - baselineLogit));
        }
    }

    private IntegratedGradients() {
    }

    /** The encoded baseline row: numeric 0, category index 0 in every field. */
    public static EncodedRows baselineRow(Encoder encoder) {
        return new EncodedRows(1, encoder.numericFields(), encoder.categoricalFields(),
                new float[encoder.numericFields()], new int[encoder.categoricalFields()]);
    }

    /**
     * The input columns [start, end) of each input field of the network: one per numeric column first, then each
     * categorical field's embedding. A report groups a piecewise-linear field's columns with the transform's fields.
     */
    public static int[][] fieldColumns(Encoder encoder) {
        int n = encoder.numericFields();
        int[][] columns = new int[n + encoder.categoricalFields()][];
        for (int f = 0; f < n; f++) {
            columns[f] = new int[] {f, f + 1};
        }
        for (int f = 0; f < encoder.categoricalFields(); f++) {
            columns[n + f] = encoder.fieldColumns(f);
        }
        return columns;
    }

    /** Logits of a head for input rows x (B x d_in). */
    public static float[] logits(Encoder encoder, TaskHead head, INDArray x) {
        return FloatVectors.of(head.forward(new EncoderPass(encoder, x)).logits());
    }

    /** With the default baseline ({@link #baselineRow}). */
    public static Result attribute(Encoder encoder, TaskHead head, EncodedRows rows, int steps) {
        return attribute(encoder, head, rows, steps, new float[][] {FloatVectors.of(encoder.input(baselineRow(encoder)))});
    }

    /**
     * @param baselines K baseline points in input space (each of width d_in); the attributions are the mean of the
     *                  K integrated-gradients runs, the baseline logit the mean of the K f(b_k)
     */
    public static Result attribute(Encoder encoder, TaskHead head, EncodedRows rows, int steps, float[][] baselines) {
        return attribute(encoder, head, rows, steps, baselines, fieldColumns(encoder));
    }

    /**
     * @param columns per field, its input columns [start, end) in x; together they must cover x once ({@link
     *                io.mptrec.model.data.FeatureTransform#inputFields}), so that completeness holds over the fields
     */
    public static Result attribute(Encoder encoder, TaskHead head, EncodedRows rows, int steps, float[][] baselines,
                                   int[][] columns) {
        if (steps < 1) {
            throw new IllegalArgumentException("integrated gradients need at least one step, got " + steps);
        }
        if (baselines.length < 1) {
            throw new IllegalArgumentException("integrated gradients need at least one baseline");
        }
        int d = encoder.inputWidth();
        for (float[] b : baselines) {
            if (b.length != d) {
                throw new IllegalArgumentException("a baseline has width " + b.length + ", the input " + d);
            }
        }
        int k = baselines.length;
        int fields = columns.length;
        double baselineLogit = 0;
        for (float[] b : baselines) {
            baselineLogit += logits(encoder, head, NativeFloats.array(b, 1, d))[0];
        }
        baselineLogit /= k;
        double[] attributions = new double[rows.rows() * fields];
        double[] logits = new double[rows.rows()];
        int chunk = Math.max(1, POINTS_PER_PASS / steps);
        for (int start = 0; start < rows.rows(); start += chunk) {
            int end = Math.min(rows.rows(), start + chunk);
            int r = end - start;
            INDArray xChunk = encoder.input(rows.range(start, end));
            float[] x = FloatVectors.of(xChunk);
            float[] fx = logits(encoder, head, xChunk);
            for (int i = 0; i < r; i++) {
                logits[start + i] = fx[i];
            }
            for (float[] baseline : baselines) {
                float[] path = new float[r * steps * d];
                for (int i = 0; i < r; i++) {
                    for (int s = 0; s < steps; s++) {
                        float alpha = (float) ((s + 0.5) / steps);
                        int at = (i * steps + s) * d;
                        for (int j = 0; j < d; j++) {
                            path[at + j] = baseline[j] + alpha * (x[i * d + j] - baseline[j]);
                        }
                    }
                }
                INDArray points = NativeFloats.array(path, (long) r * steps, d);
                EncoderPass pass = new EncoderPass(encoder, points);
                TaskHead.Pass forward = head.forward(pass);
                float[] gradient = FloatVectors.of(head.backward(pass, forward,
                        Nd4j.ones(DataType.FLOAT, (long) r * steps, 1), true));
                double[] sum = new double[d];
                for (int i = 0; i < r; i++) {
                    java.util.Arrays.fill(sum, 0);
                    for (int s = 0; s < steps; s++) {
                        int at = (i * steps + s) * d;
                        for (int j = 0; j < d; j++) {
                            sum[j] += gradient[at + j];
                        }
                    }
                    int row = start + i;
                    for (int f = 0; f < fields; f++) {
                        double a = 0;
                        for (int j = columns[f][0]; j < columns[f][1]; j++) {
                            a += ((double) x[i * d + j] - baseline[j]) * sum[j] / steps;
                        }
                        // one baseline: exactly the single-baseline value (x / 1 and 0 + x are exact)
                        attributions[row * fields + f] += a / k;
                    }
                }
            }
        }
        return new Result(rows.rows(), fields, attributions, logits, baselineLogit);
    }
}
