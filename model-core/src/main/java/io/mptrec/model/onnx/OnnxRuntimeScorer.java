package io.mptrec.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.mptrec.model.data.EncodedRows;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * Scores encoded rows with an exported model in ONNX Runtime: the peer our engine is checked and timed against.
 * One intra-op and one inter-op thread, as our engine runs a pass. ONNX Runtime is an optional dependency of
 * model-core (the mptrec command has it, the server does not), so only the export's test and {@code mptrec bench}
 * load this class.
 */
public final class OnnxRuntimeScorer implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OrtSession session;

    public OnnxRuntimeScorer(byte[] model) {
        this.environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            this.session = environment.createSession(model, options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime refused the model: " + e.getMessage(), e);
        }
    }

    /** The model's metadata properties (task, artifact hashes, input fields). */
    public Map<String, String> metadata() {
        try {
            return session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read the model's metadata: " + e.getMessage(), e);
        }
    }

    /** One probability per row. */
    public float[] score(EncodedRows rows) {
        long[] categories = new long[rows.categories().length];
        for (int i = 0; i < categories.length; i++) {
            categories[i] = rows.categories()[i];
        }
        try (OnnxTensor numeric = OnnxTensor.createTensor(environment, FloatBuffer.wrap(rows.numeric()),
                     new long[] {rows.rows(), rows.numericFields()});
             OnnxTensor indices = OnnxTensor.createTensor(environment, LongBuffer.wrap(categories),
                     new long[] {rows.rows(), rows.categoricalFields()});
             OrtSession.Result result = session.run(Map.of(OnnxExport.NUMERIC, numeric, OnnxExport.CATEGORIES, indices))) {
            FloatBuffer probabilities = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] scores = new float[rows.rows()];
            probabilities.get(scores);
            return scores;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score " + rows.rows() + " rows: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
