package io.mptrec.model.network;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.nn.AdamOptimizer;
import io.mptrec.model.nn.BinaryCrossEntropy;
import io.mptrec.model.nn.DataParallel;
import io.mptrec.model.nn.Parameters;
import io.mptrec.model.nn.StepWorkspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stage 2: one task prompt trained against a frozen encoder. Only the head's parameters exist here, so
 * nothing the existing tasks use can change: the encoder's arrays are never written.
 */
public final class PromptTuningModel {

    /** The ND4J workspace of a training step, one per thread. */
    private static final String STEP = "stage2-step";

    private final Encoder encoder;
    private final TuneConfig config;
    private final Parameters parameters;
    private final Stage2Head head;
    /** Null in a replica: only the model its replicas belong to takes optimizer steps. */
    private final AdamOptimizer optimizer;
    /** Heads sharing these weights, each computing a slice of a step's batch on a thread of its own. */
    private List<PromptTuningModel> replicas = List.of();

    public PromptTuningModel(Encoder encoder, TuneConfig config, long seed) {
        this(encoder, config, Stage2Head.declare(config, encoder, seed), false);
    }

    private PromptTuningModel(Encoder encoder, TuneConfig config, Parameters parameters, boolean replica) {
        this.encoder = encoder;
        this.config = config;
        this.parameters = parameters;
        this.head = Stage2Head.trainable(config, encoder, parameters);
        this.optimizer = replica ? null : new AdamOptimizer(parameters, config.learningRate());
    }

    /**
     * Trains each step in {@code parts} parts from now on, as {@link MultiTaskModel#trainOn}: the same full-batch
     * step, rounded in another order; the same seed and number of parts give the same weights bit for bit.
     */
    public PromptTuningModel trainOn(int parts) {
        if (optimizer == null) {
            throw new IllegalStateException("a replica does not train on its own");
        }
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be at least 1, not " + parts);
        }
        List<PromptTuningModel> made = new ArrayList<>();
        for (int p = 1; p < parts; p++) {
            made.add(new PromptTuningModel(encoder, config, parameters.withOwnGradients(), true));
        }
        replicas = List.copyOf(made);
        return this;
    }

    public Parameters parameters() {
        return parameters;
    }

    public Stage2Head head() {
        return head;
    }

    public Encoder encoder() {
        return encoder;
    }

    public double trainStep(EncodedRows batch, float[] labels) {
        return StepWorkspace.run(STEP, () -> {
            double loss = computeGradients(batch, labels);
            optimizer.step();
            return loss;
        });
    }

    /**
     * One Adam step on the rows at {@code positions} ({@code labels} in the same order), each part's pass made from
     * its slice of the positions by {@code passOf} on the part's own thread.
     */
    public double trainStep(int[] positions, Function<int[], EncoderPass> passOf, float[] labels) {
        return StepWorkspace.run(STEP, () -> {
            double loss;
            if (replicas.isEmpty() || positions.length < replicas.size() + 1) {
                loss = computeGradients(passOf.apply(positions), labels);
            } else {
                loss = computeGradientsInParts(positions, passOf, labels);
            }
            optimizer.step();
            return loss;
        });
    }

    /** Each slice's mean loss and gradients, weighted by its share of the rows; the L2 term added once, here. */
    private double computeGradientsInParts(int[] positions, Function<int[], EncoderPass> passOf, float[] labels) {
        int rows = positions.length;
        int parts = replicas.size() + 1;
        List<Supplier<Double>> work = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int from = DataParallel.start(rows, parts, p);
            int to = DataParallel.start(rows, parts, p + 1);
            int[] slice = Arrays.copyOfRange(positions, from, to);
            float[] sliceLabels = Arrays.copyOfRange(labels, from, to);
            PromptTuningModel model = p == 0 ? this : replicas.get(p - 1);
            Supplier<Double> part = () -> model.dataGradients(passOf.apply(slice), sliceLabels);
            work.add(p == 0 ? part : () -> StepWorkspace.run(STEP, part));
        }
        List<Double> losses = DataParallel.run(work);
        double loss = 0;
        for (int p = 0; p < parts; p++) {
            double share = (DataParallel.start(rows, parts, p + 1) - DataParallel.start(rows, parts, p)) / (double) rows;
            loss += share * losses.get(p);
            if (p == 0) {
                parameters.gradients().muli(share);
            } else {
                Nd4j.getBlasWrapper().level1().axpy(parameters.count(), share,
                        replicas.get(p - 1).parameters.gradients(), parameters.gradients());
            }
        }
        return loss + parameters.applyL2();
    }

    public double computeGradients(EncodedRows batch, float[] labels) {
        return computeGradients(new EncoderPass(encoder, batch), labels);
    }

    private double computeGradients(EncoderPass ep, float[] labels) {
        return dataGradients(ep, labels) + parameters.applyL2();
    }

    /** The data's part of the loss (no L2 term), its gradients left in {@link #parameters()}. */
    private double dataGradients(EncoderPass ep, float[] labels) {
        parameters.zeroGradients();
        TaskHead.Pass pass = head.forward(ep);
        BinaryCrossEntropy.Result bce = BinaryCrossEntropy.of(pass.logits(), labels, 1.0);
        head.backward(ep, pass, bce.logitGradient(), false);
        return bce.loss();
    }

    /** Predicted probabilities, in batches, on as many threads as a step (bit-identical on any number). */
    public float[] predict(EncodedSource rows) {
        return Predictions.of(encoder, List.of(head), rows, replicas.size() + 1)[0];
    }

    /** A copy of the head's arrays under their artifact names. */
    public java.util.Map<String, INDArray> arrays() {
        java.util.Map<String, INDArray> arrays = new java.util.TreeMap<>();
        for (Parameters.Parameter p : parameters.all()) {
            arrays.put(p.name(), p.value().dup());
        }
        return arrays;
    }
}
