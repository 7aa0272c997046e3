package io.mptrec.model.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The trainable parameters of a model, laid out in one flat buffer with one flat gradient buffer beside it.
 * Each parameter is a view into both, so an optimizer step is a single native call over all of them.
 */
public final class Parameters {

    /** How a parameter starts: seeded, so that the same seed gives the same weights bit for bit. */
    public enum Init { GLOROT_UNIFORM, EMBEDDING_UNIFORM, ZEROS, ONES }

    public record Parameter(String name, int[] shape, INDArray value, INDArray gradient, float l2) {
        public long size() {
            return value.length();
        }
    }

    private final Map<String, Parameter> byName;
    private final INDArray values;
    private final INDArray gradients;

    private Parameters(Map<String, Parameter> byName, INDArray values, INDArray gradients) {
        this.byName = Collections.unmodifiableMap(byName);
        this.values = values;
        this.gradients = gradients;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return p;
    }

    public List<Parameter> all() {
        return List.copyOf(byName.values());
    }

    public INDArray values() {
        return values;
    }

    public INDArray gradients() {
        return gradients;
    }

    public long count() {
        return values.length();
    }

    public void zeroGradients() {
        NativeFloats.zero(gradients);
    }

    /** Adds the L2 penalty's gradient (2 * lambda * w) and returns the penalty itself. */
    public double applyL2() {
        double penalty = 0;
        for (Parameter p : byName.values()) {
            if (p.l2() > 0) {
                // straight to BLAS: ND4J's reduction cost more than the sum itself (model-core/BENCHMARKS.md)
                penalty += p.l2() * Blas.sumOfSquares(p.value());
                Blas.axpy(2 * p.l2(), p.value(), p.gradient());
            }
        }
        return penalty;
    }

    /** A copy of every value, for restoring the best epoch. */
    public float[] snapshot() {
        return FloatVectors.of(values);
    }

    public void restore(float[] snapshot) {
        if (snapshot.length != count()) {
            throw new IllegalArgumentException(snapshot.length + " values for " + count() + " parameters");
        }
        NativeFloats.of(values).put(0, snapshot);
    }

    public static final class Builder {
        private record Spec(String name, int[] shape, Init init, float l2) {
        }

        private final List<Spec> specs = new ArrayList<>();

        public Builder add(String name, Init init, float l2, int... shape) {
            if (specs.stream().anyMatch(s -> s.name.equals(name))) {
                throw new IllegalArgumentException("duplicate parameter " + name);
            }
            specs.add(new Spec(name, shape.clone(), init, l2));
            return this;
        }

        public Parameters build(long seed) {
            long total = specs.stream().mapToLong(s -> Arrays.stream(s.shape).asLongStream().reduce(1, (a, b) -> a * b)).sum();
            float[] initial = new float[(int) total];
            SplittableRandom random = new SplittableRandom(seed);
            int offset = 0;
            for (Spec s : specs) {
                int n = Arrays.stream(s.shape).reduce(1, (a, b) -> a * b);
                initialise(s, initial, offset, n, random.split());
                offset += n;
            }
            INDArray values = NativeFloats.array(initial, total);
            INDArray gradients = Nd4j.zeros(DataType.FLOAT, total);
            Map<String, Parameter> byName = new LinkedHashMap<>();
            offset = 0;
            for (Spec s : specs) {
                int n = Arrays.stream(s.shape).reduce(1, (a, b) -> a * b);
                long[] shape = Arrays.stream(s.shape).asLongStream().toArray();
                INDArray value = values.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', shape);
                INDArray gradient = gradients.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', shape);
                byName.put(s.name, new Parameter(s.name, s.shape, value, gradient, s.l2));
                offset += n;
            }
            return new Parameters(byName, values, gradients);
        }

        private static void initialise(Spec s, float[] into, int offset, int n, SplittableRandom random) {
            switch (s.init) {
                case ZEROS -> { }
                case ONES -> Arrays.fill(into, offset, offset + n, 1f);
                case EMBEDDING_UNIFORM -> {
                    for (int i = 0; i < n; i++) {
                        into[offset + i] = (float) random.nextDouble(-0.05, 0.05);
                    }
                }
                case GLOROT_UNIFORM -> {
                    int fanIn = s.shape.length == 2 ? s.shape[0] : 1;
                    int fanOut = s.shape[s.shape.length - 1];
                    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                    for (int i = 0; i < n; i++) {
                        into[offset + i] = (float) random.nextDouble(-limit, limit);
                    }
                }
            }
        }
    }
}
