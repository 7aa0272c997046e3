package io.mptrec.model.network;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Stage-2 configuration: how a task prompt is trained against the frozen encoder.
 *
 * @param fusion how the new task mixes the existing task-specific representations
 * @param fixedGate use the fixed gate [0.1, 0.9] (task part, shared part) instead of a learned one
 * @param temperature tau of the attention over the frozen prompts (150 in the paper)
 * @param attendShared beyond the paper: the attention also weighs the task-sharing expert, through a key of its own
 *     that the task learns (ATTENTION only)
 * @param adapterRank beyond the paper: rank r of a low-rank adapter (LoRA) on the first layer of every frozen expert,
 *     used only on this task's path; 0 for none (the paper). The encoder's arrays are never written, so the
 *     existing tasks stay bit-identical by construction.
 * @param wide beyond the paper: a learned bias per categorical value added to the task's logit (the wide part of
 *     Wide &amp; Deep), the task's own per-value main effects where the frozen embeddings lack them
 * @param promptTokens beyond the paper: the prompt read as M tokens of D/M values each (1: the paper's one vector).
 *     Token m has its own attention over the keys' m-th slices, from the m-th slice of the one query, and mixes the
 *     experts' m-th slices with it, so that each part of the representation draws on its own mixture of the existing
 *     tasks. It adds no parameter (ATTENTION only; M divides D).
 * @param queryResidual beyond the paper: the attention's query Phi(x), scaled per column by a learned vector that
 *     starts at zero, is added to the tower's input. The query is the task's own trained reading of the input; without
 *     this it reaches the tower only through the attention's weights over the experts (ATTENTION only; D parameters).
 */
public record TuneConfig(
        Fusion fusion,
        boolean fixedGate,
        double temperature,
        double learningRate,
        int batchSize,
        double l2Dense,
        int maxEpochs,
        int patience,
        // left out of the manifest at their defaults: artifacts of the paper's configuration keep their hash
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean attendShared,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int adapterRank,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean wide,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OneToken.class) int promptTokens,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean queryResidual) {

    /** The authors' ablations: projection attention (the method), uniform weights ("FW"), prompt similarity. */
    public enum Fusion { ATTENTION, UNIFORM, TASK_SIMILARITY }

    /** method.md's configuration (the paper's): reported by the benchmark as {@code mpt_rec_paper}. */
    public static TuneConfig paper() {
        return new TuneConfig(Fusion.ATTENTION, false, 150.0, 1e-3, 256, 3e-5, 30, 3, false, 0, false, 1, false);
    }

    /** A configuration with the paper's one prompt token and no query residual. */
    public TuneConfig(Fusion fusion, boolean fixedGate, double temperature, double learningRate, int batchSize,
                      double l2Dense, int maxEpochs, int patience, boolean attendShared, int adapterRank, boolean wide) {
        this(fusion, fixedGate, temperature, learningRate, batchSize, l2Dense, maxEpochs, patience, attendShared,
                adapterRank, wide, 1, false);
    }

    /**
     * The default: the paper's configuration with the options beyond it that won on validation on both benchmark
     * datasets under the tuning grid ({@code benchmarks/stage2-variants.md}): the shared expert attended and the wide
     * part. A low-rank adapter ({@code --adapter-rank}) and the query residual ({@code --query-residual}) stay options:
     * on top of these two, each lost on the validation AUCs summed over both datasets.
     */
    public static TuneConfig defaults() {
        return paper().withPath(true, 0, true);
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
        if (attendShared && fusion != Fusion.ATTENTION) {
            throw new IllegalArgumentException("attendShared needs the ATTENTION fusion, not " + fusion);
        }
        if (promptTokens == 0) {
            promptTokens = 1; // a manifest written before the option does not name it
        }
        if (promptTokens < 1 || promptTokens > MAX_PROMPT_TOKENS) {
            throw new IllegalArgumentException("promptTokens must be between 1 and " + MAX_PROMPT_TOKENS + ", was "
                    + promptTokens);
        }
        if (promptTokens > 1 && fusion != Fusion.ATTENTION) {
            throw new IllegalArgumentException("several prompt tokens need the ATTENTION fusion, not " + fusion);
        }
        if (queryResidual && fusion != Fusion.ATTENTION) {
            throw new IllegalArgumentException("queryResidual needs the ATTENTION fusion (its query), not " + fusion);
        }
        if (adapterRank < 0 || adapterRank > MAX_ADAPTER_RANK) {
            throw new IllegalArgumentException("adapterRank must be between 0 and " + MAX_ADAPTER_RANK + ", was "
                    + adapterRank);
        }
    }

    /** A low-rank adapter is small by definition; beyond this it costs more than a task expert of its own. */
    public static final int MAX_ADAPTER_RANK = 64;

    /** Beyond a handful of tokens each slice of the prompt is too narrow to tell the tasks apart. */
    public static final int MAX_PROMPT_TOKENS = 16;

    /** Leaves {@code promptTokens} out of the manifest at 1: artifacts with one token keep their hash. */
    static final class OneToken {
        @Override
        public boolean equals(Object value) {
            return Integer.valueOf(1).equals(value);
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    /** The configuration of method.md, kept selectable and reported as {@code mpt_rec_paper}. */
    @JsonIgnore // derived, not a setting of its own
    public boolean isPaper() {
        return !attendShared && adapterRank == 0 && !wide && promptTokens == 1 && !queryResidual;
    }

    public TuneConfig withEpochs(int epochs) {
        return new TuneConfig(fusion, fixedGate, temperature, learningRate, batchSize, l2Dense, epochs, patience,
                attendShared, adapterRank, wide, promptTokens, queryResidual);
    }

    public TuneConfig withBatchSize(int batch) {
        return new TuneConfig(fusion, fixedGate, temperature, learningRate, batch, l2Dense, maxEpochs, patience,
                attendShared, adapterRank, wide, promptTokens, queryResidual);
    }

    public TuneConfig withLearningRate(double rate) {
        return new TuneConfig(fusion, fixedGate, temperature, rate, batchSize, l2Dense, maxEpochs, patience,
                attendShared, adapterRank, wide, promptTokens, queryResidual);
    }

    public TuneConfig withPatience(int epochs) {
        return new TuneConfig(fusion, fixedGate, temperature, learningRate, batchSize, l2Dense, maxEpochs, epochs,
                attendShared, adapterRank, wide, promptTokens, queryResidual);
    }

    public TuneConfig withFusion(Fusion f, boolean fixed) {
        return new TuneConfig(f, fixed, temperature, learningRate, batchSize, l2Dense, maxEpochs, patience,
                attendShared, adapterRank, wide, promptTokens, queryResidual);
    }

    /** The beyond-the-paper options of the new task's path. */
    public TuneConfig withPath(boolean attend, int rank, boolean wideBias) {
        return new TuneConfig(fusion, fixedGate, temperature, learningRate, batchSize, l2Dense, maxEpochs, patience,
                attend, rank, wideBias, promptTokens, queryResidual);
    }

    /** The prompt read as {@code tokens} tokens (1: the paper's one vector). */
    public TuneConfig withPromptTokens(int tokens) {
        return new TuneConfig(fusion, fixedGate, temperature, learningRate, batchSize, l2Dense, maxEpochs, patience,
                attendShared, adapterRank, wide, tokens, queryResidual);
    }

    /** With or without the query residual ({@link #queryResidual()}). */
    public TuneConfig withQueryResidual(boolean residual) {
        return new TuneConfig(fusion, fixedGate, temperature, learningRate, batchSize, l2Dense, maxEpochs, patience,
                attendShared, adapterRank, wide, promptTokens, residual);
    }
}
