package io.mptrec.model.training;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.network.Batches;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.EncoderPass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The frozen encoder's input and expert outputs for every training row, computed once: stage 2 then spends its
 * epochs on the head alone. About (K + 1) x D floats per row (Census: 80k x 384 x 4 bytes, 120 MB).
 */
final class FrozenOutputs {

    private static final int CHUNK = 4096;

    private final Encoder encoder;
    private final INDArray inputs;
    private final INDArray shared;
    private final INDArray[] tasks;

    private FrozenOutputs(Encoder encoder, INDArray inputs, INDArray shared, INDArray[] tasks) {
        this.encoder = encoder;
        this.inputs = inputs;
        this.shared = shared;
        this.tasks = tasks;
    }

    static FrozenOutputs of(Encoder encoder, EncodedRows rows) {
        int n = rows.rows();
        // Filled chunk by chunk into arrays of their final size: stacking chunks at the end held everything twice.
        INDArray inputs = null;
        INDArray shared = null;
        INDArray[] tasks = new INDArray[encoder.tasks()];
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(n, start + CHUNK);
            INDArray x = encoder.input(Batches.range(rows, start, end));
            INDArray s = encoder.sharedExpert().forward(x).output();
            if (inputs == null) {
                inputs = Nd4j.create(x.dataType(), n, x.columns());
                shared = Nd4j.create(s.dataType(), n, s.columns());
            }
            rowsOf(inputs, start, end).assign(x);
            rowsOf(shared, start, end).assign(s);
            for (int k = 0; k < tasks.length; k++) {
                INDArray t = encoder.taskExpert(k).forward(x).output();
                if (tasks[k] == null) {
                    tasks[k] = Nd4j.create(t.dataType(), n, t.columns());
                }
                rowsOf(tasks[k], start, end).assign(t);
            }
        }
        return new FrozenOutputs(encoder, inputs, shared, tasks);
    }

    private static INDArray rowsOf(INDArray matrix, int start, int end) {
        return matrix.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
    }

    EncoderPass pass(int[] positions) {
        INDArray[] taskOutputs = new INDArray[tasks.length];
        for (int k = 0; k < tasks.length; k++) {
            taskOutputs[k] = rows(tasks[k], positions);
        }
        return EncoderPass.ofOutputs(encoder, rows(inputs, positions), rows(shared, positions), taskOutputs);
    }

    /** One native gather per matrix; INDArray.getRows copies row by row, one native call each. */
    private static INDArray rows(INDArray matrix, int[] positions) {
        return Nd4j.pullRows(matrix, 1, positions);
    }
}
