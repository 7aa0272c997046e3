package io.mptrec.governance.ab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.FloatArray;
import io.mptrec.model.artifact.TaskPromptArtifact;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shipped Census artifacts (trained encoder and income prompt) and variants of the income prompt under another
 * task name, so that A/B tests get their own task: the trained prompt (distinct content per seed, same scores) and an
 * inverted one (the last layer negated: the same ranking reversed, a clearly worse model).
 */
public final class CensusArtifacts {

    static final Path DIR = Path.of("../data/census-income-kdd/artifacts");

    private CensusArtifacts() {
    }

    public static ArtifactBundle encoder() {
        return ArtifactBundle.read(DIR.resolve("encoder"));
    }

    public static ArtifactBundle income(String task, long seed) {
        return variant(task, seed, false);
    }

    public static ArtifactBundle invertedIncome(String task, long seed) {
        return variant(task, seed, true);
    }

    private static ArtifactBundle variant(String task, long seed, boolean inverted) {
        ArtifactBundle shipped = ArtifactBundle.read(DIR.resolve("prompt-income"));
        ObjectNode metadata = shipped.metadata().deepCopy();
        metadata.put("task", task);
        ((ObjectNode) metadata.get("lineage")).put("seed", seed);
        Map<String, FloatArray> arrays = new TreeMap<>(shipped.arrays());
        if (inverted) {
            for (String name : new String[] {"tower.2.w", "tower.2.b"}) {
                FloatArray a = arrays.get(name);
                float[] negated = a.data().clone();
                for (int i = 0; i < negated.length; i++) {
                    negated[i] = -negated[i];
                }
                arrays.put(name, new FloatArray(a.shape(), negated));
            }
        }
        return TaskPromptArtifact.from(ArtifactBundle.of(TaskPromptArtifact.KIND, metadata, arrays)).bundle();
    }
}
