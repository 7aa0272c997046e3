package io.mptrec.registry.testing;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.EncoderMetadata;
import io.mptrec.model.artifact.FloatArray;
import io.mptrec.model.artifact.Lineage;
import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.artifact.TaskPromptMetadata;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.data.NumericScaling;
import io.mptrec.model.data.Vocabulary;
import io.mptrec.model.network.ModelConfig;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Small but real artifacts (the verified format of model-core) for tests: an encoder with two stage-1 tasks and
 * stage-1 task prompts for any task name. Values come from a seeded generator; the seed also changes the
 * lineage, so each seed gives different content. Shared with governance-ui's tests through this module's test-jar.
 */
public class TestArtifacts {

    static final ModelConfig CONFIG = new ModelConfig(2, 4, 4, 4, 2, 1e-3, 8, 0, 0, 1, 1, 0.9, false, 0.1, 1);
    static final FeatureTransform TRANSFORM = new FeatureTransform(List.of(new NumericScaling("age", 0f, 100f)),
            List.of(new Vocabulary("sex", List.of("f", "m"))), List.of("?"));
    static final int INPUT_WIDTH = TRANSFORM.inputWidth(CONFIG.embeddingDim());
    /** One embedding row per vocabulary slot, as EncoderArtifact counts them. */
    static final int VOCABULARY = TRANSFORM.categorical().stream().mapToInt(v -> v.size() + 1).sum();

    /** Static helpers only; open to a subclass that keeps a module's old import (governance-ui's TestArtifacts). */
    protected TestArtifacts() {
    }

    public static ArtifactBundle encoder(long seed) {
        Random random = new Random(seed);
        Map<String, FloatArray> arrays = new TreeMap<>();
        arrays.put("embeddings", random(random, VOCABULARY, CONFIG.embeddingDim()));
        arrays.put("prompts", random(random, 2, CONFIG.expertOutput()));
        for (String name : List.of("expert.shared", "expert.0", "expert.1")) {
            arrays.put(name + ".0.w", random(random, INPUT_WIDTH, CONFIG.expertHidden()));
            arrays.put(name + ".0.b", random(random, CONFIG.expertHidden()));
            arrays.put(name + ".1.w", random(random, CONFIG.expertHidden(), CONFIG.expertOutput()));
            arrays.put(name + ".1.b", random(random, CONFIG.expertOutput()));
        }
        EncoderMetadata metadata = new EncoderMetadata(CONFIG, TRANSFORM, List.of("income", "marital"),
                List.of("income == '50000+.'", "marital != 'Never married'"), lineage(seed, null, "income"));
        return EncoderArtifact.from(ArtifactBundle.of(EncoderArtifact.KIND, metadata, arrays)).bundle();
    }

    public static ArtifactBundle prompt(ArtifactBundle encoder, String task, long seed) {
        Random random = new Random(seed);
        int d = CONFIG.expertOutput();
        Map<String, FloatArray> arrays = new TreeMap<>();
        arrays.put("prompt", random(random, d));
        int[] widths = {d, CONFIG.towerHidden1(), CONFIG.towerHidden2(), 1};
        for (int i = 0; i < 3; i++) {
            arrays.put("tower." + i + ".w", random(random, widths[i], widths[i + 1]));
            arrays.put("tower." + i + ".b", random(random, widths[i + 1]));
        }
        arrays.put("gate.w", random(random, INPUT_WIDTH, 2));
        TaskPromptMetadata metadata = new TaskPromptMetadata(task, "income == '50000+.'", 1, 0, null,
                encoder.contentSha256(), INPUT_WIDTH, d, lineage(seed, encoder.contentSha256(), task), null);
        return TaskPromptArtifact.from(ArtifactBundle.of(TaskPromptArtifact.KIND, metadata, arrays)).bundle();
    }

    private static Lineage lineage(long seed, String encoderSha256, String task) {
        return new Lineage("census-income-kdd", "fp-test", "0".repeat(64), seed, "test", encoderSha256, null, 3, 2,
                List.of(new OfflineMetric(task, "test", "auc", 0.80 + seed % 10 / 100.0, 1000, 120)));
    }

    private static FloatArray random(Random random, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (random.nextGaussian() * 0.1);
        }
        return new FloatArray(shape, data);
    }
}
