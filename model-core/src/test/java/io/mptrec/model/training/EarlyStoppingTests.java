package io.mptrec.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptrec.model.nn.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loop's runs with shorter patiences are the runs of their own: same epochs, same best epoch, same weights. */
class EarlyStoppingTests {

    /** Validation scores by epoch: better at 1, 2, 4 and 8, worse between. */
    private static final double[] SCORES = {0.5, 0.6, 0.55, 0.7, 0.65, 0.66, 0.69, 0.8, 0.7, 0.7, 0.7, 0.7};

    private record Ended(int patience, EarlyStopping.Outcome outcome, float[] weights) {
    }

    private static Parameters parameters() {
        return Parameters.builder().add("w", Parameters.Init.ZEROS, 0f, 3).build(1);
    }

    /** Trains with {@code patience}; each epoch adds its number to the weights, so weights name the epoch they are from. */
    private static EarlyStopping.Outcome run(Parameters parameters, int maxEpochs, int patience, int[] shorter,
                                             List<Ended> ended) {
        int[] epoch = {0};
        return EarlyStopping.run(parameters, maxEpochs, patience, 1, TrainingListener.SILENT, e -> {
            epoch[0] = e;
            parameters.values().addi(e);
            return 10;
        }, () -> Map.of("task", SCORES[epoch[0] - 1]), shorter,
                (outcome, p) -> ended.add(new Ended(p, outcome, parameters.snapshot())));
    }

    /** What a run did, without its timing: epochs, best epoch, samples trained. */
    private static List<Long> counts(EarlyStopping.Outcome o) {
        return List.of((long) o.epochs(), (long) o.bestEpoch(), o.trainedSamples());
    }

    @Test
    void shouldHandOverEachShorterRunAsItsOwnRunEnds() {
        Parameters longest = parameters();
        List<Ended> ended = new ArrayList<>();
        EarlyStopping.Outcome outcome = run(longest, 12, 4, new int[] {2, 1, 3}, ended);

        assertThat(ended).extracting(Ended::patience).containsExactly(1, 2, 3);
        for (Ended e : ended) {
            Parameters alone = parameters();
            EarlyStopping.Outcome own = run(alone, 12, e.patience(), new int[0], new ArrayList<>());
            assertThat(counts(e.outcome())).isEqualTo(counts(own));
            assertThat(e.weights()).containsExactly(alone.snapshot());
        }
        // patience 1 stops after epoch 3 with epoch 2's weights (1 + 2 = 3 in each value)
        assertThat(ended.get(0).outcome().epochs()).isEqualTo(3);
        assertThat(ended.get(0).weights()).containsExactly(3f, 3f, 3f);
        // handing over changed nothing of the loop's own run
        Parameters alone = parameters();
        assertThat(counts(outcome)).isEqualTo(counts(run(alone, 12, 4, new int[0], new ArrayList<>())));
        assertThat(longest.snapshot()).containsExactly(alone.snapshot());
        assertThat(outcome.epochs()).isEqualTo(12);
        assertThat(outcome.bestEpoch()).isEqualTo(8);
    }

    @Test
    void shouldHandOverAtTheEpochCapTheShorterRunsStillGoing() {
        List<Ended> ended = new ArrayList<>();
        EarlyStopping.Outcome outcome = run(parameters(), 5, 4, new int[] {2, 3}, ended);

        // the cap of 5 epochs comes before either patience is used up (2 would be at epoch 6): both end with the loop
        assertThat(ended).extracting(Ended::patience).containsExactly(2, 3);
        assertThat(ended).allSatisfy(e -> assertThat(counts(e.outcome())).isEqualTo(counts(outcome)));
    }

    @Test
    void shouldRefuseAShorterPatienceThatIsNotShorter() {
        assertThatThrownBy(() -> run(parameters(), 12, 3, new int[] {3}, new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 2");
        assertThatThrownBy(() -> run(parameters(), 12, 3, new int[] {0}, new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
