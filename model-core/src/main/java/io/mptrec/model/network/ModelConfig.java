package io.mptrec.model.network;

/**
 * Stage-1 configuration; defaults are the authors' Census configuration (method.md, "Defaults").
 *
 * @param lambdaGen weight of the auxiliary loss that scores the shared representation alone
 * @param disentangle the optional gradient-reversal task classifier on the shared representation
 * @param lambdaAdv weight of that classifier's loss
 * @param environmentEvery epochs between re-assignments of each row's "environment" (its lowest-loss task)
 */
public record ModelConfig(
        int embeddingDim,
        int expertHidden,
        int expertOutput,
        int towerHidden1,
        int towerHidden2,
        double learningRate,
        int batchSize,
        double l2Embedding,
        double l2Dense,
        int maxEpochs,
        int patience,
        double lambdaGen,
        boolean disentangle,
        double lambdaAdv,
        int environmentEvery) {

    public static ModelConfig defaults() {
        return new ModelConfig(4, 256, 128, 64, 32, 1e-3, 256, 6e-3, 3e-5, 30, 3, 0.9, false, 0.1, 2);
    }

    public ModelConfig {
        positive("embeddingDim", embeddingDim);
        positive("expertHidden", expertHidden);
        positive("expertOutput", expertOutput);
        positive("towerHidden1", towerHidden1);
        positive("towerHidden2", towerHidden2);
        positive("batchSize", batchSize);
        positive("maxEpochs", maxEpochs);
        positive("patience", patience);
        positive("environmentEvery", environmentEvery);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be a positive number, was " + learningRate);
        }
        if (!(l2Embedding >= 0) || !(l2Dense >= 0) || !(lambdaGen >= 0) || !(lambdaAdv >= 0)) {
            throw new IllegalArgumentException("l2Embedding, l2Dense, lambdaGen and lambdaAdv must be >= 0");
        }
        if (expertOutput % 2 != 0) {
            throw new IllegalArgumentException("expertOutput must be even (the stage-2 projection has width D/2), was "
                    + expertOutput);
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    public ModelConfig withEpochs(int epochs) {
        return new ModelConfig(embeddingDim, expertHidden, expertOutput, towerHidden1, towerHidden2, learningRate,
                batchSize, l2Embedding, l2Dense, epochs, patience, lambdaGen, disentangle, lambdaAdv, environmentEvery);
    }

    /** The same network with another learning rate and early-stopping patience: a point of the benchmark's grid. */
    public ModelConfig withOptimiser(double rate, int epochs) {
        return new ModelConfig(embeddingDim, expertHidden, expertOutput, towerHidden1, towerHidden2, rate,
                batchSize, l2Embedding, l2Dense, maxEpochs, epochs, lambdaGen, disentangle, lambdaAdv, environmentEvery);
    }

    public ModelConfig withBatchSize(int batch) {
        return new ModelConfig(embeddingDim, expertHidden, expertOutput, towerHidden1, towerHidden2, learningRate,
                batch, l2Embedding, l2Dense, maxEpochs, patience, lambdaGen, disentangle, lambdaAdv, environmentEvery);
    }

    public ModelConfig withDisentangle(boolean on) {
        return new ModelConfig(embeddingDim, expertHidden, expertOutput, towerHidden1, towerHidden2, learningRate,
                batchSize, l2Embedding, l2Dense, maxEpochs, patience, lambdaGen, on, lambdaAdv, environmentEvery);
    }

    public ModelConfig withSizes(int expertHidden, int expertOutput) {
        return new ModelConfig(embeddingDim, expertHidden, expertOutput, towerHidden1, towerHidden2, learningRate,
                batchSize, l2Embedding, l2Dense, maxEpochs, patience, lambdaGen, disentangle, lambdaAdv, environmentEvery);
    }
}
