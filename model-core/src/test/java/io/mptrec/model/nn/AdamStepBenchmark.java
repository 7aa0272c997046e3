package io.mptrec.model.nn;

import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Adam's step over a Census stage-1 model's 289,978 parameters ({@link AdamOptimizer#step}), beside the same step with
 * its selections by magnitude written over floats, as it was before they moved to the floats' bits (the JIT does not
 * vectorise a loop that reads a float's bits, nor one with a conditional select). Run from the project root
 * (model-core/BENCHMARKS.md, "Adam's selections on the floats' bits"):
 *
 * <pre>
 * ./mvnw -B -o -q -pl model-core test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * env -u OPENBLAS_CORETYPE java -cp model-core/target/test-classes:model-core/target/classes:$(cat \
 *     model-core/target/test.classpath) org.openjdk.jmh.Main AdamStepBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AdamStepBenchmark {

    /** A Census stage-1 model's parameter count (the benchmark reports of record). */
    static final int PARAMETERS = 289_978;

    Parameters parameters;
    AdamOptimizer adam;
    INDArray moments;
    final float[] g = new float[NativeFloats.CHUNK];
    final float[] p = new float[NativeFloats.CHUNK];
    final float[] m = new float[NativeFloats.CHUNK];
    final float[] v = new float[NativeFloats.CHUNK];

    @Setup(Level.Trial)
    public void setUp() {
        parameters = Parameters.builder().add("w", Parameters.Init.GLOROT_UNIFORM, 0f, PARAMETERS).build(1);
        parameters.gradients().assign(Nd4j.randn(DataType.FLOAT, PARAMETERS).muli(1e-3));
        adam = new AdamOptimizer(parameters, 1e-3);
        moments = Nd4j.zeros(DataType.FLOAT, 2L * PARAMETERS);
    }

    @Benchmark
    public void step() {
        adam.step();
    }

    /** The step as it was: the same chunks and arithmetic, the gradient threshold and the flushes over floats. */
    @Benchmark
    public void stepOverFloats() {
        FloatBuffer values = NativeFloats.of(parameters.values());
        FloatBuffer gradients = NativeFloats.of(parameters.gradients());
        FloatBuffer first = NativeFloats.of(moments).slice(0, PARAMETERS);
        FloatBuffer second = NativeFloats.of(moments).slice(PARAMETERS, PARAMETERS);
        int tiny = Float.floatToRawIntBits(AdamOptimizer.TINY_GRADIENT);
        for (int from = 0; from < PARAMETERS; from += NativeFloats.CHUNK) {
            int n = Math.min(NativeFloats.CHUNK, PARAMETERS - from);
            gradients.get(from, g, 0, n);
            values.get(from, p, 0, n);
            first.get(from, m, 0, n);
            second.get(from, v, 0, n);
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToRawIntBits(g[i]);
                g[i] = Float.intBitsToFloat(bits & ~(((bits & 0x7F800000) - tiny) >> 31));
            }
            for (int i = 0; i < n; i++) {
                float mi = 0.9f * m[i] + g[i] * (1 - 0.9f);
                float vi = 0.999f * v[i] + g[i] * g[i] * (1 - 0.999f);
                p[i] = p[i] - (mi * 1e-4f) / ((float) Math.sqrt(vi) + 1e-7f);
                m[i] = mi;
                v[i] = vi;
            }
            for (int i = 0; i < n; i++) {
                p[i] = Subnormals.flushed(p[i]);
                m[i] = Subnormals.flushed(m[i]);
                v[i] = Subnormals.flushed(v[i]);
            }
            values.put(from, p, 0, n);
            first.put(from, m, 0, n);
            second.put(from, v, 0, n);
        }
    }
}
