package io.mptrec.model.training;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.EncoderPass;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
        java.util.List<INDArray> inputs = new java.util.ArrayList<>();
        java.util.List<INDArray> shared = new java.util.ArrayList<>();
        java.util.List<java.util.List<INDArray>> tasks = new java.util.ArrayList<>();
        for (int k = 0; k < encoder.tasks(); k++) {
            tasks.add(new java.util.ArrayList<>());
        }
        for (int start = 0; start < n; start += CHUNK) {
            INDArray x = encoder.input(io.mptrec.model.network.Batches.range(rows, start, Math.min(n, start + CHUNK)));
            inputs.add(x);
            shared.add(encoder.sharedExpert().forward(x).output());
            for (int k = 0; k < encoder.tasks(); k++) {
                tasks.get(k).add(encoder.taskExpert(k).forward(x).output());
            }
        }
        INDArray[] taskOutputs = new INDArray[encoder.tasks()];
        for (int k = 0; k < taskOutputs.length; k++) {
            taskOutputs[k] = Nd4j.vstack(tasks.get(k).toArray(INDArray[]::new));
        }
        return new FrozenOutputs(encoder, Nd4j.vstack(inputs.toArray(INDArray[]::new)),
                Nd4j.vstack(shared.toArray(INDArray[]::new)), taskOutputs);
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
