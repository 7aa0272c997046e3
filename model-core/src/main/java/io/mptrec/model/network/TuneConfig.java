package io.mptrec.model.network;

/**
 * Stage-2 configuration: how a task prompt is trained against the frozen encoder.
 *
 * @param fusion how the new task mixes the existing task-specific representations
 * @param fixedGate use the fixed gate [0.1, 0.9] (task part, shared part) instead of a learned one
 * @param temperature tau of the attention over the frozen prompts (150 in the paper)
 */
public record TuneConfig(
        Fusion fusion,
        boolean fixedGate,
        double temperature,
        double learningRate,
        int batchSize,
        double l2Dense,
        int maxEpochs,
        int patience) {

    /** The authors' ablations: projection attention (the method), uniform weights ("FW"), prompt similarity. */
    public enum Fusion { ATTENTION, UNIFORM, TASK_SIMILARITY }

    public static TuneConfig defaults() {
        return new TuneConfig(Fusion.ATTENTION, false, 150.0, 1e-3, 256, 3e-5, 30, 3);
    }

    public TuneConfig {
        if (fusion == null) {
            throw new IllegalArgumentException("fusion must be one of ATTENTION, UNIFORM, TASK_SIMILARITY");
        }
        if (!(temperature > 0) || !(learningRate > 0) || !(l2Dense >= 0)) {
            throw new IllegalArgumentException("temperature and learningRate must be > 0, l2Dense >= 0");
        }
        if (batchSize <= 0 || maxEpochs <= 0 || patience <= 0) {
            throw new IllegalArgumentException("batchSize, maxEpochs and patience must be > 0");
        }
    }

    public TuneConfig withEpochs(int epochs) {
        return new TuneConfig(fusion, fixedGate, temperature, learningRate, batchSize, l2Dense, epochs, patience);
    }

    public TuneConfig withBatchSize(int batch) {
        return new TuneConfig(fusion, fixedGate, temperature, learningRate, batch, l2Dense, maxEpochs, patience);
    }

    public TuneConfig withLearningRate(double rate) {
        return new TuneConfig(fusion, fixedGate, temperature, rate, batchSize, l2Dense, maxEpochs, patience);
    }

    public TuneConfig withPatience(int epochs) {
        return new TuneConfig(fusion, fixedGate, temperature, learningRate, batchSize, l2Dense, maxEpochs, epochs);
    }

    public TuneConfig withFusion(Fusion f, boolean fixed) {
        return new TuneConfig(f, fixed, temperature, learningRate, batchSize, l2Dense, maxEpochs, patience);
    }
}
