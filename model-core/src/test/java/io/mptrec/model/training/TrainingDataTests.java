package io.mptrec.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.data.Split;
import java.net.URISyntaxException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingDataTests {

    @Test
    void shouldEncodeEachSplitOncePerTransformWithEachRunsOwnLabels() throws URISyntaxException {
        Dataset data = EndToEndTests.censusSlice();
        TrainingData training = TrainingData.of(data);
        FeatureTransform transform = training.fittedTransform();
        assertThat(training.fittedTransform()).isSameAs(transform);

        TrainingData.Splits income = training.encode(transform, List.of("income"));
        TrainingData.Splits marital = training.encode(transform, List.of("marital", "income"));
        for (Split split : Split.values()) {
            assertThat(marital.of(split).encoded()).isSameAs(income.of(split).encoded());
            int[] rows = data.rows(split);
            assertThat(marital.of(split).labels()[0]).containsExactly(data.labels("marital", rows));
            assertThat(marital.of(split).labels()[1]).containsExactly(income.of(split).labels()[0]);
            // the kept encoding is the one a run of its own would make
            SplitData own = SplitData.of(data, transform, split, List.of("income"));
            EncodedRows kept = income.of(split).encoded().range(0, rows.length);
            EncodedRows fresh = own.encoded().range(0, rows.length);
            assertThat(kept.numeric()).containsExactly(fresh.numeric());
            assertThat(kept.categories()).containsExactly(fresh.categories());
        }
        // another transform, even an equal one, gets its own encoding
        FeatureTransform refitted = FeatureTransform.fit(data, data.rows(Split.TRAIN));
        assertThat(training.encode(refitted, List.of("income")).train().encoded())
                .isNotSameAs(income.train().encoded());
    }

    @Test
    void shouldTrainTheSameModelFromAKeptEncoding() throws URISyntaxException {
        Dataset data = EndToEndTests.censusSlice();
        TrainingData training = TrainingData.of(data);
        List<String> tasks = List.of("income", "marital");
        Pretrainer.Result first = Pretrainer.run(training, tasks, EndToEndTests.SMALL.withEpochs(1), 7,
                TrainingListener.SILENT);
        Pretrainer.Result again = Pretrainer.run(training, tasks, EndToEndTests.SMALL.withEpochs(1), 7,
                TrainingListener.SILENT);
        Pretrainer.Result fresh = Pretrainer.run(TrainingData.of(data), tasks, EndToEndTests.SMALL.withEpochs(1), 7,
                TrainingListener.SILENT);

        assertThat(again.encoder().contentSha256()).isEqualTo(first.encoder().contentSha256());
        assertThat(fresh.encoder().contentSha256()).isEqualTo(first.encoder().contentSha256());
        assertThat(fresh.prompts().get(1).contentSha256()).isEqualTo(first.prompts().get(1).contentSha256());
    }
}
