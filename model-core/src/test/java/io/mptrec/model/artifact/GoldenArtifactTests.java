package io.mptrec.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.scoring.Scorer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Artifacts written by an earlier build in format version 1 must still load and predict the same: to float32
 * summation order, since the expected predictions came from the ND4J heads and scoring now runs in the Java kernel
 * (they differ by about 3e-8 here; 1e-6 allowed).
 */
class GoldenArtifactTests {

    @Test
    void shouldLoadTheVersion1GoldenArtifactsAndReproduceTheirPredictions() throws Exception {
        Path golden = Path.of(getClass().getResource("/golden/v1").toURI());
        EncoderArtifact encoder = EncoderArtifact.read(golden.resolve("encoder"));
        TaskPromptArtifact income = TaskPromptArtifact.read(golden.resolve("prompt-income"));
        float[] expected = CanonicalJson.MAPPER.readValue(golden.resolve("expected-income.json").toFile(), float[].class);

        Path schema = Path.of(getClass().getResource("/census-slice/schema.json").toURI());
        Dataset slice = Dataset.load(DatasetSchema.load(schema), schema, null);
        assertThat(new Scorer(encoder, income).score(GoldenArtifacts.rows(slice))).containsExactly(expected, within(1e-6f));
        assertThat(income.metadata().encoderSha256()).isEqualTo(encoder.contentSha256());
    }
}
