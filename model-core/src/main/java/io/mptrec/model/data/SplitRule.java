package io.mptrec.model.data;

import java.util.List;
import java.util.SplittableRandom;

/** How rows are assigned to the train, validation and test splits; deterministic for a given row count. */
public sealed interface SplitRule {

    /** The split of each row, rows numbered 0..rowCount-1 in file order (header excluded). */
    Split[] assign(int rowCount);

    /** Row i goes to validation if i % modulus is in validation, to test if in test, else to train. */
    record Modulo(int modulus, List<Integer> validation, List<Integer> test) implements SplitRule {
        public Modulo {
            validation = List.copyOf(validation);
            test = List.copyOf(test);
            if (modulus < 2) {
                throw new IllegalArgumentException("modulus must be at least 2, was " + modulus);
            }
            for (int r : concat(validation, test)) {
                if (r < 0 || r >= modulus) {
                    throw new IllegalArgumentException("residue " + r + " is outside 0.." + (modulus - 1));
                }
            }
            if (validation.stream().anyMatch(test::contains)) {
                throw new IllegalArgumentException("validation and test residues overlap");
            }
        }

        private static List<Integer> concat(List<Integer> a, List<Integer> b) {
            return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
        }

        @Override
        public Split[] assign(int rowCount) {
            Split[] splits = new Split[rowCount];
            for (int i = 0; i < rowCount; i++) {
                int r = i % modulus;
                splits[i] = validation.contains(r) ? Split.VALIDATION : test.contains(r) ? Split.TEST : Split.TRAIN;
            }
            return splits;
        }
    }

    /**
     * One {@code SplittableRandom(seed)} draws one double per row in file order: below test goes to test,
     * below test + validation to validation, else to train. The same file and seed give the same split.
     */
    record Ratio(long seed, double validation, double test) implements SplitRule {
        public Ratio {
            if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
                throw new IllegalArgumentException(
                        "validation and test must be >= 0 with a sum below 1, were " + validation + " and " + test);
            }
        }

        @Override
        public Split[] assign(int rowCount) {
            SplittableRandom random = new SplittableRandom(seed);
            Split[] splits = new Split[rowCount];
            for (int i = 0; i < rowCount; i++) {
                double u = random.nextDouble();
                splits[i] = u < test ? Split.TEST : u < test + validation ? Split.VALIDATION : Split.TRAIN;
            }
            return splits;
        }
    }
}
