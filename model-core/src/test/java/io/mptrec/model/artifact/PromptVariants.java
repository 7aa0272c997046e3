package io.mptrec.model.artifact;

import io.mptrec.model.network.ExpertAdapter;
import io.mptrec.model.network.Stage2Head;
import io.mptrec.model.network.TuneConfig;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** Stage-2 prompts altered for the serving engines' tests: another configuration over a trained prompt's arrays. */
public final class PromptVariants {

    private PromptVariants() {
    }

    /** {@code prompt} with its configuration changed by {@code tune}; arrays a new option needs are drawn at random. */
    public static TaskPromptArtifact of(EncoderArtifact encoder, TaskPromptArtifact prompt, UnaryOperator<TuneConfig> tune,
                                        long seed) {
        TaskPromptMetadata m = prompt.metadata();
        TuneConfig config = tune.apply(m.tune());
        Map<String, FloatArray> arrays = new TreeMap<>(prompt.bundle().arrays());
        Random random = new Random(seed);
        int d = m.promptWidth();
        if (config.attendShared()) {
            // about as far from the query as the stage-1 prompts are, so that the shared expert gets a real weight
            arrays.put(Stage2Head.SHARED_KEY, random(random, 0.3f, d));
        }
        if (config.adapterRank() > 0) {
            int expertHidden = encoder.metadata().config().expertHidden();
            for (String expert : Stage2Head.expertNames(encoder.metadata().tasks().size())) {
                arrays.put(ExpertAdapter.downName(expert), random(random, 0.2f, m.inputWidth(), config.adapterRank()));
                arrays.put(ExpertAdapter.upName(expert), random(random, 0.2f, config.adapterRank(), expertHidden));
            }
        }
        if (config.queryResidual()) {
            arrays.put(Stage2Head.QUERY_RESIDUAL, random(random, 0.5f, d));
        }
        if (config.wide()) {
            arrays.put(Stage2Head.WIDE, random(random, 0.3f, java.util.Arrays.stream(encoder.vocabularySizes()).sum()));
        }
        return TaskPromptArtifact.from(ArtifactBundle.of(TaskPromptArtifact.KIND, new TaskPromptMetadata(m.task(),
                m.labelExpression(), m.stage(), m.taskIndex(), config, m.encoderSha256(), m.inputWidth(), m.promptWidth(),
                m.lineage(), m.nonInterference()), arrays));
    }

    private static FloatArray random(Random random, float scale, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return new FloatArray(shape, values);
    }
}
