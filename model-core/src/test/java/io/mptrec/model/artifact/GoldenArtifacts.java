package io.mptrec.model.artifact;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.Split;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.scoring.Scorer;
import io.mptrec.model.training.Pretrainer;
import io.mptrec.model.training.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes the golden artifacts of the current format version (a tiny model on the Census slice) and the
 * predictions they must keep giving. Run once per format version, from the model-core folder:
 * {@code java -cp <test classpath> io.mptrec.model.artifact.GoldenArtifacts src/test/resources/golden/v1}.
 */
public final class GoldenArtifacts {

    static final int ROWS = 5;

    private GoldenArtifacts() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path schema = Path.of("src/test/resources/census-slice/schema.json");
        Dataset slice = Dataset.load(DatasetSchema.load(schema), schema, null);
        ModelConfig tiny = ModelConfig.defaults().withSizes(8, 4).withBatchSize(64).withEpochs(1);
        Pretrainer.Result result = Pretrainer.run(slice, List.of("income", "marital"), tiny, 1, TrainingListener.SILENT);
        result.encoder().bundle().write(out.resolve("encoder"));
        result.prompts().get(0).bundle().write(out.resolve("prompt-income"));
        float[] predictions = new Scorer(result.encoder(), result.prompts().get(0)).score(rows(slice));
        Files.writeString(out.resolve("expected-income.json"), CanonicalJson.writePretty(predictions));
    }

    static List<Map<String, String>> rows(Dataset slice) {
        return Arrays.stream(Arrays.copyOf(slice.rows(Split.TEST), ROWS)).mapToObj(slice::rawRow).toList();
    }
}
