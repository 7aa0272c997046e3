package io.mptrec.model.benchmark;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One (model, setting, task, seed) result of the benchmark, as written to {@code <protocol>-results.json}.
 *
 * @param testEce expected calibration error on the test split, 15 bins; null in results written before it was measured
 * @param testGauc impression-weighted per-user AUC on the test split where the dataset's schema names a user column
 *     (KuaiRand); null, and then left out of the JSON, where it does not (Census)
 * @param validationAuc AUC on the validation split, which picks between variants; null in results written before it
 *     was recorded
 * @param setting {@code stage1} (trained on the existing tasks) or {@code new_task} (after the new task arrived)
 * @param trainableParams values trained by the run that produced this figure: the whole model for a multi-task
 *     network (shared by its tasks' records), the new head alone for a new task on a frozen model, 0 for an
 *     existing task that a frozen model keeps serving
 * @param trainSeconds wall time of that run: epochs, validation scoring and the final evaluation
 * @param trainCpuSeconds CPU time of the process over that run, all threads: what the run costs whatever else the
 *     machine was doing (wall time grows with other load, this does not)
 * @param samplesPerSecond training samples per second of the training passes alone; null when nothing was trained
 * @param existingOutputsBitIdentical for an existing task in the new-task setting: whether its test predictions
 *     stayed bit-identical when the new task was added; null where that question does not arise
 * @param learningRate the learning rate of the run that gave the figures (XGBoost's eta for the trees); null where
 *     nothing was trained, and in results written before it was recorded
 * @param patience early stopping's patience of that run: epochs for a network, boosting rounds for the trees
 * @param grid with a tuning grid ({@link TuningGrid}), every run of the grid and the validation score that chose
 *     between them; empty, and left out of the JSON, without one
 */
@JsonPropertyOrder({"model", "setting", "task", "seed", "test_auc", "test_logloss", "test_ece", "test_gauc", "validation_auc", "trainable_params",
    "trainable_params_nonembedding", "train_seconds", "train_cpu_seconds", "samples_per_second", "epochs", "best_epoch",
    "existing_outputs_bit_identical", "learning_rate", "patience", "grid"})
public record BenchmarkRecord(
        @JsonProperty("model") String model,
        @JsonProperty("setting") String setting,
        @JsonProperty("task") String task,
        @JsonProperty("seed") long seed,
        @JsonProperty("test_auc") double testAuc,
        @JsonProperty("test_logloss") double testLogloss,
        @JsonProperty("test_ece") @JsonInclude(JsonInclude.Include.NON_NULL) Double testEce,
        @JsonProperty("test_gauc") @JsonInclude(JsonInclude.Include.NON_NULL) Double testGauc,
        @JsonProperty("validation_auc") @JsonInclude(JsonInclude.Include.NON_NULL) Double validationAuc,
        @JsonProperty("trainable_params") long trainableParams,
        @JsonProperty("trainable_params_nonembedding") long trainableParamsNonembedding,
        @JsonProperty("train_seconds") double trainSeconds,
        @JsonProperty("train_cpu_seconds") double trainCpuSeconds,
        @JsonProperty("samples_per_second") Double samplesPerSecond,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("best_epoch") int bestEpoch,
        @JsonProperty("existing_outputs_bit_identical") Boolean existingOutputsBitIdentical,
        @JsonProperty("learning_rate") @JsonInclude(JsonInclude.Include.NON_NULL) Double learningRate,
        @JsonProperty("patience") @JsonInclude(JsonInclude.Include.NON_NULL) Integer patience,
        @JsonProperty("grid") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TuningGrid.Trial> grid) {

    public BenchmarkRecord {
        grid = grid == null ? List.of() : List.copyOf(grid);
    }

    /** A record without the run's learning rate, patience or grid (as written before they were recorded). */
    public BenchmarkRecord(String model, String setting, String task, long seed, double testAuc, double testLogloss,
                           Double testEce, Double testGauc, Double validationAuc, long trainableParams,
                           long trainableParamsNonembedding, double trainSeconds, double trainCpuSeconds,
                           Double samplesPerSecond, int epochs, int bestEpoch, Boolean existingOutputsBitIdentical) {
        this(model, setting, task, seed, testAuc, testLogloss, testEce, testGauc, validationAuc, trainableParams,
                trainableParamsNonembedding, trainSeconds, trainCpuSeconds, samplesPerSecond, epochs, bestEpoch,
                existingOutputsBitIdentical, null, null, List.of());
    }

    /** A record without calibration error, GAUC or validation AUC. */
    public BenchmarkRecord(String model, String setting, String task, long seed, double testAuc, double testLogloss,
                           long trainableParams, long trainableParamsNonembedding, double trainSeconds,
                           double trainCpuSeconds, Double samplesPerSecond, int epochs, int bestEpoch,
                           Boolean existingOutputsBitIdentical) {
        this(model, setting, task, seed, testAuc, testLogloss, null, null, null, trainableParams, trainableParamsNonembedding,
                trainSeconds, trainCpuSeconds, samplesPerSecond, epochs, bestEpoch, existingOutputsBitIdentical);
    }

    public static final String STAGE1 = "stage1";
    public static final String NEW_TASK = "new_task";
}
