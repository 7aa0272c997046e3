package io.mptrec.model.inference;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Why {@link FrozenDense} keeps its panels as matrices of their own: OpenBLAS's {@code sgemm} at 100 rows, one thread,
 * on an expert's two layers, with W whole, in panels of columns read as views of W (its row stride), and in panels
 * copied out as matrices of their own. Run from the project root (model-core/BENCHMARKS.md, "W's panels as matrices of
 * their own"):
 *
 * <pre>
 * ./mvnw -B -o -q -pl model-core test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * OPENBLAS_NUM_THREADS=1 java -cp model-core/target/test-classes:model-core/target/classes:$(cat \
 *     model-core/target/test.classpath) org.openjdk.jmh.Main 'PanelLayoutBenchmark|FrozenDenseBenchmark'
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
public class PanelLayoutBenchmark {

    @Param({"100x131x256", "100x256x128"})
    public String shape;
    @Param({"64", "32"})
    public int panel;

    int n;
    int in;
    int out;
    FloatPointer a;
    FloatPointer w;
    FloatPointer[] views;
    FloatPointer[] matrices;
    FloatPointer c;

    @Setup(Level.Trial)
    public void setUp() {
        String[] s = shape.split("x");
        n = Integer.parseInt(s[0]);
        in = Integer.parseInt(s[1]);
        out = Integer.parseInt(s[2]);
        Random random = new Random(1);
        float[] wa = new float[in * out];
        for (int i = 0; i < wa.length; i++) {
            wa[i] = (float) random.nextGaussian() * 0.1f;
        }
        float[] xa = new float[n * in];
        for (int i = 0; i < xa.length; i++) {
            xa[i] = random.nextFloat();
        }
        a = new FloatPointer(xa);
        w = new FloatPointer(wa);
        c = new FloatPointer((long) n * out);
        int panels = out / panel;
        views = new FloatPointer[panels];
        matrices = new FloatPointer[panels];
        for (int p = 0; p < panels; p++) {
            views[p] = new FloatPointer(w).position((long) p * panel);
            float[] part = new float[in * panel];
            for (int k = 0; k < in; k++) {
                System.arraycopy(wa, k * out + p * panel, part, k * panel, panel);
            }
            matrices[p] = new FloatPointer(part);
        }
    }

    @Benchmark
    public FloatPointer whole() {
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, n, out, in, 1f, a,
                in, w, out, 0f, c, out);
        return c;
    }

    @Benchmark
    public FloatPointer panelsAsViews() {
        return inPanels(views, out);
    }

    @Benchmark
    public FloatPointer panelsAsMatrices() {
        return inPanels(matrices, panel);
    }

    /** x W, a panel of W's columns at a time: each panel's rows {@code rowStride} floats apart. */
    private FloatPointer inPanels(FloatPointer[] panels, int rowStride) {
        for (int p = 0; p < panels.length; p++) {
            openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, n, panel, in, 1f,
                    a, in, panels[p], rowStride, 0f, c.position((long) p * panel), out);
        }
        return c.position(0);
    }
}
