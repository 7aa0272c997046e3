package io.mptrec.model.inference;

import io.mptrec.model.artifact.FloatArray;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One frozen layer's block of 100 rows ({@link FrozenDense#forward}: into native memory, {@code sgemm} whole or in
 * panels of the given width, back, bias and ReLU), at the widths of a Census expert and tower; panel 0 is W whole. The
 * command is {@link PanelLayoutBenchmark}'s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
public class FrozenDenseBenchmark {

    @Param({"100x131x256", "100x256x128", "100x128x64"})
    public String shape;
    @Param({"0", "128", "64", "32", "16"})
    public int panel;

    private FrozenDense layer;
    private LayerWork work;
    private float[] x;
    private float[] y;
    private int n;
    private int width;

    @Setup(Level.Trial)
    public void setUp() {
        String[] s = shape.split("x");
        n = Integer.parseInt(s[0]);
        int in = Integer.parseInt(s[1]);
        int out = Integer.parseInt(s[2]);
        Random random = new Random(1);
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * 0.1f;
        }
        float[] b = new float[out];
        layer = new FrozenDense(FloatArray.matrix(in, out, w), FloatArray.vector(b));
        work = new LayerWork(InferenceKernel.BLOCK, Math.max(in, out));
        x = new float[n * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        y = new float[n * out];
        width = panel == 0 || panel > out ? out : panel;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        work.close();
    }

    @Benchmark
    public float[] forward() {
        layer.forward(x, y, n, true, work, width);
        return y;
    }
}
