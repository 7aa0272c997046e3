package io.mptrec.model.data;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/** How rows are assigned to the train, validation and test splits; deterministic for a given row count. */
public sealed interface SplitRule {

    /**
     * The split of each row, rows numbered 0..rowCount-1 in file order (header excluded); null for a row that belongs
     * to no split (only a range rule leaves rows out).
     *
     * @param values a column's value in a row as read (null when missing), for a rule that reads one
     * @throws InvalidCellException when a row's value cannot be split on
     */
    default Split[] assign(int rowCount, RowValues values) {
        Assigner assigner = assigner();
        Split[] splits = new Split[rowCount];
        for (int row = 0; row < rowCount; row++) {
            int r = row;
            splits[row] = assigner.next(row, column -> values.value(column, r));
        }
        return splits;
    }

    /**
     * Assigns rows one at a time, as a file is streamed: call {@link Assigner#next} once per row, in file order,
     * starting at row 0. Gives the same splits as {@link #assign(int, RowValues)}.
     */
    Assigner assigner();

    /** The split of the next row; null for a row in no split. */
    @FunctionalInterface
    interface Assigner {
        /**
         * @param row    the row's number (rows 0, 1, 2, ... in turn)
         * @param values the row's value of a column, null when missing
         * @throws InvalidCellException when the row's value cannot be split on
         */
        Split next(int row, java.util.function.Function<String, String> values);
    }

    /** For the rules that read no column (modulo and ratio). */
    default Split[] assign(int rowCount) {
        return assign(rowCount, (column, row) -> {
            throw new IllegalStateException("this split rule reads column '" + column + "'");
        });
    }

    /** The names of the columns the rule reads. */
    default List<String> columns() {
        return List.of();
    }

    /** A column's value in a row. */
    @FunctionalInterface
    interface RowValues {
        String value(String column, int row);
    }

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
        public Assigner assigner() {
            return (row, values) -> {
                int r = row % modulus;
                return validation.contains(r) ? Split.VALIDATION : test.contains(r) ? Split.TEST : Split.TRAIN;
            };
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
        public Assigner assigner() {
            SplittableRandom random = new SplittableRandom(seed);
            return (row, values) -> {
                double u = random.nextDouble();
                return u < test ? Split.TEST : u < test + validation ? Split.VALIDATION : Split.TRAIN;
            };
        }
    }

    /**
     * By the number in one column (a date as yyyymmdd, a timestamp): a row goes to the split whose inclusive range
     * holds its value, compared as decimal numbers; a value in no range leaves the row out of every split. The ranges
     * must not overlap. A missing or non-numeric value is an error.
     */
    record Range(String column, Bounds train, Bounds validation, Bounds test) implements SplitRule {

        /** Inclusive bounds, from <= to. */
        public record Bounds(BigDecimal from, BigDecimal to) {
            public Bounds {
                if (from.compareTo(to) > 0) {
                    throw new IllegalArgumentException("range [" + from.toPlainString() + ", " + to.toPlainString()
                            + "] is empty: its start is above its end");
                }
            }

            boolean contains(BigDecimal v) {
                return from.compareTo(v) <= 0 && v.compareTo(to) <= 0;
            }

            boolean overlaps(Bounds other) {
                return from.compareTo(other.to) <= 0 && other.from.compareTo(to) <= 0;
            }

            @Override
            public String toString() {
                return "[" + from.toPlainString() + ", " + to.toPlainString() + "]";
            }
        }

        private static final int CACHED_VALUES = 4096;

        public Range {
            Objects.requireNonNull(column, "column");
            if (train.overlaps(validation) || train.overlaps(test) || validation.overlaps(test)) {
                throw new IllegalArgumentException("the ranges overlap: train " + train + ", validation " + validation
                        + ", test " + test);
            }
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }

        @Override
        public Assigner assigner() {
            Map<String, Split> byValue = new HashMap<>(); // a date column has few distinct values; parse each once
            return (row, values) -> {
                String value = values.apply(column);
                if (value == null) {
                    throw new InvalidCellException(row, column, "no value to split on");
                }
                Split split = byValue.get(value);
                if (split == null && !byValue.containsKey(value)) { // null: in no range
                    split = splitOf(row, value);
                    if (byValue.size() < CACHED_VALUES) { // a timestamp column would otherwise grow it with the file
                        byValue.put(value, split);
                    }
                }
                return split;
            };
        }

        private Split splitOf(int row, String value) {
            if (!DecimalText.isDecimal(value)) {
                throw new InvalidCellException(row, column,
                        InvalidCellException.quoted(value) + " is not a number to split on");
            }
            BigDecimal v;
            try {
                v = new BigDecimal(value);
            } catch (NumberFormatException e) {
                throw new InvalidCellException(row, column,
                        InvalidCellException.quoted(value) + " is not a number to split on");
            }
            return train.contains(v) ? Split.TRAIN : validation.contains(v) ? Split.VALIDATION
                    : test.contains(v) ? Split.TEST : null;
        }
    }
}
