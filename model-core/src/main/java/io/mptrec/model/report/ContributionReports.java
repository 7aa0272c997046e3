package io.mptrec.model.report;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.data.Vocabulary;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.EncoderPass;
import io.mptrec.model.network.Stage2Head;
import io.mptrec.model.network.TaskHead;
import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.report.ContributionReport.Attention;
import io.mptrec.model.report.ContributionReport.Attributions;
import io.mptrec.model.report.ContributionReport.Completeness;
import io.mptrec.model.report.ContributionReport.FeatureAttribution;
import io.mptrec.model.report.ContributionReport.GateSplit;
import io.mptrec.model.report.ContributionReport.Slice;
import io.mptrec.model.report.ContributionReport.Slices;
import io.mptrec.model.training.CodeVersion;
import io.mptrec.model.training.SplitData;
import io.mptrec.model.training.TrainingData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Computes {@link ContributionReport}s: deterministic for given artifacts, data and options. */
public final class ContributionReports {

    /** Rows per plain forward pass (gate, attention, occlusion). */
    static final int ROWS_PER_PASS = 4096;

    private ContributionReports() {
    }

    public static ContributionReport compute(Dataset data, EncoderArtifact encoderArtifact, TaskPromptArtifact prompt,
                                             ReportOptions options) {
        return compute(TrainingData.of(data), encoderArtifact, prompt, options);
    }

    /** The same report from a dataset in memory or streamed: it reads the sampled rows by their position. */
    public static ContributionReport compute(TrainingData data, EncoderArtifact encoderArtifact, TaskPromptArtifact prompt,
                                             ReportOptions options) {
        TaskHead head = prompt.head(encoderArtifact);
        Encoder encoder = encoderArtifact.encoder();
        FeatureTransform transform = encoderArtifact.metadata().transform();
        TrainingData.Splits splits = data.encode(transform, List.of());
        SplitData evaluated = splits.of(options.split());
        int[] splitRows = evaluated.rows();
        EncodedRows rows = evaluated.encoded().select(positions(splitRows, sample(splitRows, options.rows(), options.seed())));
        int n = rows.rows();

        // gate and attention, in chunks
        double[] gate = new double[n];
        boolean stage2 = prompt.metadata().stage() == 2;
        // the attention's columns: the existing tasks' experts, and the shared expert when the task attends it
        int tasks = encoder.tasks() + (stage2 && prompt.metadata().tune().attendShared() ? 1 : 0);
        double[] attention = stage2 ? new double[n * tasks] : null;
        for (int start = 0; start < n; start += ROWS_PER_PASS) {
            int end = Math.min(n, start + ROWS_PER_PASS);
            TaskHead.Pass pass = head.forward(new EncoderPass(encoder, rows.range(start, end)));
            float[] g = FloatVectors.of(pass.gate());
            for (int i = 0; i < end - start; i++) {
                gate[start + i] = g[i * 2];
            }
            if (stage2) {
                float[] a = FloatVectors.of(((Stage2Head.Pass) pass).expertShares());
                for (int i = 0; i < a.length; i++) {
                    attention[start * tasks + i] = a[i];
                }
            }
        }

        // one field per column of the data, whatever its encoding spans in x (a piecewise-linear field: a column per bin)
        List<FeatureTransform.InputField> inputs = transform.inputFields(encoderArtifact.metadata().config().embeddingDim());
        List<String> fieldNames = inputs.stream().map(FeatureTransform.InputField::field).toList();
        List<String> kinds = inputs.stream().map(i -> i.role().jsonName()).toList();
        int[][] columns = inputs.stream().map(i -> new int[] {i.start(), i.end()}).toArray(int[][]::new);

        Baselines baselines = baselines(splits.train(), encoder, options);
        IntegratedGradients.Result ig = IntegratedGradients.attribute(encoder, head, rows, options.steps(),
                baselines.points(), columns);
        double[][] occlusion = occlusion(encoder, head, rows, ig.logits(), baselines.points(), columns);
        List<FeatureAttribution> fields = attributions(fieldNames, kinds, ig, occlusion);
        double[] igMeans = fields.stream().mapToDouble(FeatureAttribution::meanAbsAttribution).toArray();
        double[] occlusionMeans = fields.stream().mapToDouble(FeatureAttribution::occlusionMeanAbsChange).toArray();

        Attention attentionSection = null;
        if (stage2) {
            List<String> taskNames = new ArrayList<>(encoderArtifact.metadata().tasks());
            if (tasks > taskNames.size()) {
                taskNames.add(SHARED_EXPERT);
            }
            Slices slices = options.sliceField() == null ? null
                    : slices(transform, rows, options, gate, attention, tasks);
            attentionSection = new Attention(prompt.metadata().tune().fusion().name(), taskNames,
                    columnMeans(attention, tasks, IntStream.range(0, n).toArray()), slices);
        } else if (options.sliceField() != null) {
            sliceIndex(transform, options.sliceField());
        }

        double meanGate = Statistics.mean(gate);
        return new ContributionReport(ContributionReport.SCHEMA_VERSION, prompt.task(), prompt.metadata().stage(),
                prompt.contentSha256(), encoderArtifact.contentSha256(), CodeVersion.get(),
                new ContributionReport.Evaluation(data.schema().name(), data.fingerprint(),
                        options.split().name().toLowerCase(Locale.ROOT), splitRows.length, options.rows(), n, options.seed()),
                new GateSplit(meanGate, 1 - meanGate, Statistics.quantiles(gate), Statistics.histogram(gate, 0, 1, 20)),
                attentionSection,
                new Attributions("integrated-gradients", "logit", options.baseline().description(),
                        options.baseline().key(), baselines.rows(), options.steps(), ig.baselineLogit(), fields,
                        completeness(ig), Statistics.spearman(igMeans, occlusionMeans)),
                ContributionReport.NonInterferenceResult.of(prompt.metadata().nonInterference()));
    }

    /** The attention column of the task-sharing expert ({@code TuneConfig#attendShared}). */
    public static final String SHARED_EXPERT = "(shared expert)";

    /** Path of the report written next to a task prompt artifact folder: {@code <folder>.report.json}. */
    public static Path besideArtifact(Path promptFolder) {
        Path absolute = promptFolder.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + ".report.json");
    }

    /** Writes the report's canonical JSON and a newline, UTF-8, replacing the file atomically. */
    public static void write(ContributionReport report, Path file) {
        try {
            io.mptrec.model.format.AtomicFile.write(file, (report.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** At most {@code limit} of {@code rows}, drawn by a partial Fisher-Yates shuffle with {@code seed}, in row order. */
    static int[] sample(int[] rows, int limit, long seed) {
        if (rows.length <= limit) {
            return rows.clone();
        }
        int[] pool = rows.clone();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < limit; i++) {
            int j = i + random.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        int[] chosen = Arrays.copyOf(pool, limit);
        Arrays.sort(chosen);
        return chosen;
    }

    /** Baseline points in input space (K x d_in) and how many input rows stand behind them. */
    record Baselines(float[][] points, int rows) {
    }

    /** Where each of {@code chosen} (rows of the file, ascending) lies in {@code rows} (a split's rows, ascending). */
    private static int[] positions(int[] rows, int[] chosen) {
        int[] positions = new int[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            positions[i] = Arrays.binarySearch(rows, chosen[i]);
        }
        return positions;
    }

    static Baselines baselines(SplitData trainSplit, Encoder encoder, ReportOptions options) {
        int d = encoder.inputWidth();
        return switch (options.baseline()) {
            case ZERO -> new Baselines(new float[][] {FloatVectors.of(encoder.input(IntegratedGradients.baselineRow(encoder)))}, 1);
            case TRAINING_MEAN -> {
                int[] train = trainSplit.rows();
                double[] sum = new double[d];
                for (int start = 0; start < train.length; start += ROWS_PER_PASS) {
                    int end = Math.min(train.length, start + ROWS_PER_PASS);
                    float[] x = FloatVectors.of(encoder.input(trainSplit.encoded().range(start, end)));
                    for (int i = 0; i < x.length; i++) {
                        sum[i % d] += x[i];
                    }
                }
                float[] mean = new float[d];
                for (int j = 0; j < d; j++) {
                    mean[j] = (float) (sum[j] / train.length);
                }
                yield new Baselines(new float[][] {mean}, train.length);
            }
            case EXPECTED_GRADIENTS -> {
                // the same sampling rule and seed as the evaluation rows, over the train split
                int[] picked = sample(trainSplit.rows(), options.baselineRows(), options.seed());
                float[] x = FloatVectors.of(encoder.input(trainSplit.encoded().select(positions(trainSplit.rows(), picked))));
                float[][] points = new float[picked.length][];
                for (int k = 0; k < picked.length; k++) {
                    points[k] = Arrays.copyOfRange(x, k * d, (k + 1) * d);
                }
                yield new Baselines(points, picked.length);
            }
        };
    }

    /**
     * Per field: mean |f(x) - f(x with the field's input columns at the baseline's)| and the signed mean ([field][0],
     * [field][1]); with K baselines f(x with the field at b_k) is averaged over k first. The occluded copies of all
     * fields are stacked (field-major) and scored {@link #ROWS_PER_PASS} rows at a time. With the zero baseline this is
     * the field set to 0 / to category index 0.
     */
    static double[][] occlusion(Encoder encoder, TaskHead head, EncodedRows rows, double[] logits, float[][] baselines,
                                int[][] columns) {
        int n = rows.rows();
        int d = encoder.inputWidth();
        int fields = columns.length;
        float[] x = FloatVectors.of(encoder.input(rows));
        double[] occluded = new double[fields * n];
        int total = fields * n;
        for (float[] baseline : baselines) {
            for (int start = 0; start < total; start += ROWS_PER_PASS) {
                int end = Math.min(total, start + ROWS_PER_PASS);
                float[] batch = new float[(end - start) * d];
                for (int g = start; g < end; g++) {
                    int f = g / n;
                    int at = (g - start) * d;
                    System.arraycopy(x, (g % n) * d, batch, at, d);
                    System.arraycopy(baseline, columns[f][0], batch, at + columns[f][0], columns[f][1] - columns[f][0]);
                }
                float[] y = IntegratedGradients.logits(encoder, head,
                        NativeFloats.array(batch, end - start, d));
                for (int i = 0; i < y.length; i++) {
                    occluded[start + i] += (double) y[i] / baselines.length;
                }
            }
        }
        double[][] result = new double[fields][2];
        for (int g = 0; g < total; g++) {
            double change = logits[g % n] - occluded[g];
            result[g / n][0] += Math.abs(change);
            result[g / n][1] += change;
        }
        for (double[] field : result) {
            field[0] /= Math.max(1, n);
            field[1] /= Math.max(1, n);
        }
        return result;
    }

    private static List<FeatureAttribution> attributions(List<String> names, List<String> kinds,
                                                         IntegratedGradients.Result ig, double[][] occlusion) {
        int fields = names.size();
        double[] meanAbs = new double[fields];
        double[] mean = new double[fields];
        for (int r = 0; r < ig.rows(); r++) {
            for (int f = 0; f < fields; f++) {
                double a = ig.attribution(r, f);
                meanAbs[f] += Math.abs(a);
                mean[f] += a;
            }
        }
        double[] occlusionAbs = new double[fields];
        for (int f = 0; f < fields; f++) {
            meanAbs[f] /= Math.max(1, ig.rows());
            mean[f] /= Math.max(1, ig.rows());
            occlusionAbs[f] = occlusion[f][0];
        }
        int[] igRank = Statistics.ranks(meanAbs, names);
        int[] occlusionRank = Statistics.ranks(occlusionAbs, names);
        List<FeatureAttribution> out = new ArrayList<>();
        for (int f = 0; f < fields; f++) {
            out.add(new FeatureAttribution(names.get(f), kinds.get(f), igRank[f], meanAbs[f], mean[f], occlusionRank[f],
                    occlusion[f][0], occlusion[f][1]));
        }
        out.sort(Comparator.comparingInt(FeatureAttribution::rank));
        return out;
    }

    private static Completeness completeness(IntegratedGradients.Result ig) {
        double sum = 0;
        double max = 0;
        double change = 0;
        for (int r = 0; r < ig.rows(); r++) {
            double e = ig.completenessError(r);
            sum += e;
            max = Math.max(max, e);
            change += Math.abs(ig.logits()[r] - ig.baselineLogit());
        }
        int n = Math.max(1, ig.rows());
        double meanError = sum / n;
        double meanChange = change / n;
        return new Completeness(meanError, max, meanChange, meanChange == 0 ? 0 : meanError / meanChange);
    }

    private static int sliceIndex(FeatureTransform transform, String field) {
        for (int f = 0; f < transform.categorical().size(); f++) {
            if (transform.categorical().get(f).field().equals(field)) {
                return f;
            }
        }
        throw new IllegalArgumentException("slice field " + field + " is not a categorical feature of the encoder; it has "
                + transform.categorical().stream().map(Vocabulary::field).toList());
    }

    private static Slices slices(FeatureTransform transform, EncodedRows rows, ReportOptions options, double[] gate,
                                 double[] attention, int tasks) {
        int field = sliceIndex(transform, options.sliceField());
        Vocabulary vocabulary = transform.categorical().get(field);
        int fc = rows.categoricalFields();
        int[] counts = new int[vocabulary.size()];
        for (int r = 0; r < rows.rows(); r++) {
            counts[rows.categories()[r * fc + field]]++;
        }
        Integer[] order = IntStream.range(0, counts.length).filter(v -> counts[v] > 0).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingInt(v -> -counts[v]).thenComparing(v -> label(vocabulary, v)));
        List<Slice> top = new ArrayList<>();
        int covered = 0;
        for (int i = 0; i < Math.min(options.topSlices(), order.length); i++) {
            int value = order[i];
            int[] members = IntStream.range(0, rows.rows()).filter(r -> rows.categories()[r * fc + field] == value).toArray();
            double gateSum = 0;
            for (int r : members) {
                gateSum += gate[r];
            }
            top.add(new Slice(label(vocabulary, value), members.length, columnMeans(attention, tasks, members),
                    gateSum / members.length));
            covered += members.length;
        }
        return new Slices(vocabulary.field(), order.length, rows.rows() - covered, top);
    }

    private static String label(Vocabulary vocabulary, int index) {
        return index == 0 ? FeatureAttribution.UNSEEN : vocabulary.values().get(index - 1);
    }

    private static List<Double> columnMeans(double[] matrix, int columns, int[] rows) {
        List<Double> means = new ArrayList<>();
        for (int k = 0; k < columns; k++) {
            double sum = 0;
            for (int r : rows) {
                sum += matrix[r * columns + k];
            }
            means.add(rows.length == 0 ? 0 : sum / rows.length);
        }
        return means;
    }
}
