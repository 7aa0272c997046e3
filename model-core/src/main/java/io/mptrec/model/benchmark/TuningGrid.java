package io.mptrec.model.benchmark;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's tuning grid (issue 16's fair harness): every method trains once per point of its grid, and the run
 * with the best sum of validation AUCs over the tasks it trains gives the method's figures. Test figures never take
 * part in the choice. The networks (MPT-Rec's stages 1 and 2 and every stage-2 variant, each baseline, the frozen
 * heads, joint retraining) vary Adam's learning rate and early stopping's patience in epochs, under the benchmark's
 * epoch cap; the gradient-boosted trees vary XGBoost's learning rate and their patience in boosting rounds. Every
 * method gets the same number of runs.
 *
 * @param networks the networks' points; empty: one run at each network's own configuration
 * @param trees    the trees' points; empty: one run at their own settings
 */
public record TuningGrid(List<Point> networks, List<Point> trees) {

    /** A learning rate and a patience (epochs for a network, boosting rounds for the trees). */
    public record Point(@JsonProperty("learning_rate") double learningRate, @JsonProperty("patience") int patience) {

        @Override
        public String toString() {
            return format(learningRate, patience);
        }

        /** "0.001/3": a learning rate and a patience as the logs and the report write them. */
        public static String format(double learningRate, int patience) {
            return BigDecimal.valueOf(learningRate).stripTrailingZeros().toPlainString() + "/" + patience;
        }
    }

    /** One run of a grid and the validation score it was chosen by. */
    public record Trial(@JsonProperty("learning_rate") double learningRate, @JsonProperty("patience") int patience,
                        @JsonProperty("validation_auc") double validationAuc) {
    }

    /** The learning rates of the networks' grid: method.md's 1e-3, and 3e-3. */
    static final List<Double> NETWORK_RATES = List.of(1e-3, 3e-3);
    /** Early stopping's patience for the networks, in epochs: method.md's 3, and 5. */
    static final List<Integer> NETWORK_PATIENCE = List.of(3, 5);
    /** XGBoost's learning rate: the trees' usual 0.1, and 0.05. */
    static final List<Double> TREE_RATES = List.of(0.1, 0.05);
    /** The trees' patience in rounds: 20 (their default here), and 50. */
    static final List<Integer> TREE_PATIENCE = List.of(20, 50);

    public TuningGrid {
        networks = List.copyOf(networks);
        trees = List.copyOf(trees);
        if (!networks.isEmpty() && !trees.isEmpty() && networks.size() != trees.size()) {
            throw new IllegalArgumentException("every method gets the same number of runs: " + networks.size()
                    + " network points, " + trees.size() + " tree points");
        }
    }

    /** No tuning: one run per method at its own configuration (the protocol as method.md states it). */
    public static TuningGrid none() {
        return new TuningGrid(List.of(), List.of());
    }

    /** The fair harness's grid: 2 learning rates x 2 patiences for every method, 4 runs each. */
    public static TuningGrid standard() {
        return new TuningGrid(product(NETWORK_RATES, NETWORK_PATIENCE), product(TREE_RATES, TREE_PATIENCE));
    }

    public boolean isNone() {
        return networks.isEmpty() && trees.isEmpty();
    }

    /** The points to run: the grid's, or the one configured point when there is no grid. */
    static List<Point> orConfigured(List<Point> grid, Point configured) {
        return grid.isEmpty() ? List.of(configured) : grid;
    }

    private static List<Point> product(List<Double> rates, List<Integer> patiences) {
        List<Point> points = new ArrayList<>();
        for (double rate : rates) {
            for (int patience : patiences) {
                points.add(new Point(rate, patience));
            }
        }
        return points;
    }
}
