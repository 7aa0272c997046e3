package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.model.benchmark.TuningGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark harness end to end in quick mode on the Census slice: 2 seeds, 1 epoch per run. */
class BenchmarkCommandTests {

    private static final List<String> FIELDS = List.of("model", "setting", "task", "seed", "test_auc", "test_logloss",
            "trainable_params", "trainable_params_nonembedding", "train_seconds", "train_cpu_seconds", "samples_per_second");
    /** The stage-2 ablation rows beside mpt_rec, the default's figures. */
    private static final List<String> VARIANTS = List.of("mpt_rec_attend_shared_wide",
            "mpt_rec_paper", "mpt_rec_attend_shared", "mpt_rec_wide", "mpt_rec_tokens4",
            "mpt_rec_attend_shared_adapter_r3_wide", "mpt_rec_attend_shared_query_residual_wide");

    @TempDir
    Path dir;

    @Test
    void shouldRunTheQuickProtocolAndWriteTheRecordsAndTheTables() throws Exception {
        Path schema = Path.of(getClass().getResource("/census-slice/schema.json").toURI());
        Path out = dir.resolve("benchmarks");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--seeds", "2", "--quick",
                "--schema", schema.toString(), "--out", out.toString())).isZero();

        JsonNode records = new ObjectMapper().readTree(out.resolve("census-results.json").toFile());
        assertThat(records.isArray()).isTrue();
        Set<String> keys = new HashSet<>();
        for (JsonNode r : records) {
            for (String field : FIELDS) {
                assertThat(r.has(field)).as(field + " in " + r).isTrue();
            }
            assertThat(r.get("setting").asText()).isIn("stage1", "new_task");
            assertThat(keys.add(r.get("model").asText() + "/" + r.get("setting").asText() + "/" + r.get("task").asText()
                    + "/" + r.get("seed").asLong())).as("one record per (model, setting, task, seed)").isTrue();
            assertThat(r.get("test_auc").asDouble()).isBetween(0.0, 1.0);
            assertThat(r.has("test_gauc")).as("no user column, no GAUC").isFalse();
        }
        List<String> expected = new ArrayList<>();
        for (int seed = 1; seed <= 2; seed++) {
            for (String m : List.of("mpt_rec", "shared_bottom", "mmoe", "ple", "single_task")) {
                expected.add(m + "/stage1/income/" + seed);
                expected.add(m + "/stage1/marital/" + seed);
            }
            for (String m : List.of("mpt_rec", "frozen_shared_bottom", "frozen_mmoe", "joint_retraining")) {
                expected.add(m + "/new_task/education/" + seed);
                expected.add(m + "/new_task/income/" + seed);
                expected.add(m + "/new_task/marital/" + seed);
            }
            expected.add("gbdt/stage1/income/" + seed);
            expected.add("gbdt/stage1/marital/" + seed);
            expected.add("gbdt/new_task/education/" + seed);
            expected.add("single_task/new_task/education/" + seed);
            for (String variant : VARIANTS) {
                expected.add(variant + "/new_task/education/" + seed);
            }
        }
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
        double trainedCpu = 0;
        for (JsonNode r : records) {
            boolean keptExisting = r.get("setting").asText().equals("new_task") && !r.get("task").asText().equals("education")
                    && !r.get("model").asText().equals("joint_retraining");
            if (keptExisting) {
                assertThat(r.get("existing_outputs_bit_identical").asBoolean()).as(r.toString()).isTrue();
                assertThat(r.get("trainable_params").asLong()).isZero();
            } else {
                // a run that trained something has its CPU time measured; Java 17 reads it in clock ticks (10 ms on
                // Linux), so a quick run of 10 ms may read 0, but the trained runs together took many ticks
                assertThat(r.get("train_cpu_seconds").asDouble()).as(r.toString()).isNotNegative();
                trainedCpu += r.get("train_cpu_seconds").asDouble();
            }
        }
        assertThat(trainedCpu).as("CPU time of the trained runs").isPositive();
        JsonNode mptNew = find(records, "mpt_rec", "new_task", "education");
        JsonNode joint = find(records, "joint_retraining", "new_task", "education");
        // (the 10 % target holds at full size; with quick mode's 32 -> 16 experts the head is relatively larger)
        assertThat(mptNew.get("trainable_params_nonembedding").asLong())
                .isLessThan(joint.get("trainable_params_nonembedding").asLong());

        String md = Files.readString(out.resolve("census.md"));
        assertThat(md).contains("## Stage 1: existing tasks (income, marital)")
                .contains("## New task (education), and the existing tasks once it is added")
                .contains("| model | task | test AUC | test log-loss | test ECE | trainable params | non-embedding | train s | CPU s | samples/s |")
                .contains("| mpt_rec | income | ").contains("| joint_retraining | education | ")
                .contains("| frozen_shared_bottom | education | ").contains("| ple | marital | ")
                .contains("| gbdt | income | ").contains("| gbdt | education | ")
                .containsPattern("- New task against gradient-boosted trees \\(XGBoost, trained on education alone\\): MPT-Rec 0\\.\\d{4}, trees 0\\.\\d{4}")
                .contains("`mptrec benchmark --protocol census --seeds 2 --quick --schema .../schema.json --out .../benchmarks`")
                .contains("Machine: ").contains("Date: ").contains("quick mode")
                .contains("## Reading").contains("4 of 4 (task, seed) checks").doesNotContain(dir.toString())
                .containsPattern("- New-task variants on the same frozen encoders, validation / test AUC of education and "
                        + "non-embedding parameters: mpt_rec_attend_shared_wide 0\\.\\d{4} / 0\\.\\d{4} \\(\\d+\\.\\d\\d % of joint retraining\\), "
                        + "[\\d,]+ parameters \\(\\d+\\.\\d %\\); mpt_rec_paper .*Best on validation: mpt_rec_")
                .contains("| mpt_rec_attend_shared_query_residual_wide | education | ")
                .contains("| single_task | education | ")
                .doesNotContain("GAUC");
        assertThat(md).containsPattern("\\| mpt_rec \\| income \\| 0\\.\\d{4} ± 0\\.\\d{4} \\|");
        assertThat(pairedByRow(md)).containsPattern("stage 1 income \\([\\d,]+ rows, [\\d,]+ positive\\), MPT-Rec less "
                        + "[a-z_]+ [+-]?0\\.\\d{4}, interval [+-]?0\\.\\d{4} to [+-]?0\\.\\d{4}")
                .contains("MPT-Rec less joint_retraining").contains("MPT-Rec less gbdt");
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("census-results.json",
                    "census-run.json", "census.md", "predictions");
        }
    }

    /** Seeds run apart (as processes side by side would) and merged give the records of one run over all of them. */
    @Test
    void shouldMergeRunsOfSeparateSeedsIntoTheReportOfOneRun() throws Exception {
        Path schema = Path.of(getClass().getResource("/census-slice/schema.json").toURI());
        Path together = dir.resolve("together");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--seeds", "2", "--quick",
                "--schema", schema.toString(), "--out", together.toString())).isZero();
        for (String seed : List.of("2", "1")) {
            assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--seeds", "1", "--first-seed", seed,
                    "--quick", "--schema", schema.toString(), "--out", dir.resolve("seed-" + seed).toString())).isZero();
        }
        assertThat(Files.readString(dir.resolve("seed-2/census.md"))).contains("--seeds 1 --first-seed 2 --quick")
                .contains("Seeds completed: [2] of [2]");
        Path merged = dir.resolve("merged");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--merge", dir.resolve("seed-2").toString(),
                dir.resolve("seed-1").toString(), "--out", merged.toString())).isZero();

        assertThat(figures(merged)).isEqualTo(figures(together));
        String md = Files.readString(merged.resolve("census.md"));
        assertThat(pairedByRow(md)).as("the seeds' test predictions, read from their folders")
                .isEqualTo(pairedByRow(Files.readString(together.resolve("census.md"))));
        assertThat(md).contains("Seeds completed: [1, 2] of [1, 2]").contains("merged from 2 runs: `mptrec benchmark "
                + "--protocol census --seeds 1 --first-seed 2 --quick").contains("CPU time summed")
                .doesNotContain(dir.toString());
        JsonNode run = new ObjectMapper().readTree(merged.resolve("census-run.json").toFile());
        JsonNode[] parts = {new ObjectMapper().readTree(dir.resolve("seed-1/census-run.json").toFile()),
            new ObjectMapper().readTree(dir.resolve("seed-2/census-run.json").toFile())};
        assertThat(run.get("cpuSeconds").asDouble()).isCloseTo(parts[0].get("cpuSeconds").asDouble()
                + parts[1].get("cpuSeconds").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        // one after the other: the whole takes at least both
        assertThat(run.get("wallSeconds").asDouble()).isGreaterThanOrEqualTo(parts[0].get("wallSeconds").asDouble()
                + parts[1].get("wallSeconds").asDouble() - 2);

        // the same seed twice, or a folder without a finished run, is refused and writes nothing
        Path refused = dir.resolve("refused");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--merge", dir.resolve("seed-1").toString(),
                together.toString(), "--out", refused.toString())).isEqualTo(2);
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--merge", dir.resolve("seed-1").toString(),
                dir.resolve("absent").toString(), "--out", refused.toString())).isEqualTo(2);
        assertThat(refused).doesNotExist();
    }

    /**
     * One seed on two worker processes runs as its three parts, each a JVM of its own, and the merged report has the
     * records of the seed run whole in this process, figure for figure; so do two of the parts merged with the third.
     */
    @Test
    void shouldRunASeedAsPartsOnWorkerProcessesAndReportTheFiguresOfAWholeRun() throws Exception {
        Path schema = Path.of(getClass().getResource("/census-slice/schema.json").toURI());
        Path whole = dir.resolve("whole");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--seeds", "1", "--quick",
                "--schema", schema.toString(), "--out", whole.toString())).isZero();
        Path workers = dir.resolve("workers");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--seeds", "1", "--quick", "--workers",
                "2", "--schema", schema.toString(), "--out", workers.toString())).isZero();

        assertThat(figures(workers)).isEqualTo(figures(whole));
        assertThat(Files.readString(workers.resolve("workers/seed-1-mpt_rec/census.md")))
                .contains("--seeds 1 --methods mpt_rec --quick");
        assertThat(workers.resolve("workers/seed-1-baselines.log")).isRegularFile();
        String md = Files.readString(workers.resolve("census.md"));
        assertThat(md).contains("`mptrec benchmark --protocol census --seeds 1 --workers 2 --quick --schema "
                + ".../schema.json --out .../workers`").contains("merged from 3 runs").contains("Seeds completed: [1]");
        JsonNode run = new ObjectMapper().readTree(workers.resolve("census-run.json").toFile());
        double partsCpu = 0;
        for (String part : List.of("mpt_rec", "baselines", "references")) {
            partsCpu += new ObjectMapper().readTree(workers.resolve("workers/seed-1-" + part + "/census-run.json")
                    .toFile()).get("cpuSeconds").asDouble();
        }
        assertThat(run.get("cpuSeconds").asDouble()).as("the workers' CPU, summed").isCloseTo(partsCpu,
                org.assertj.core.data.Offset.offset(1e-9));

        // two parts in one process, by hand, merged with the third
        Path two = dir.resolve("two");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--seeds", "1", "--quick", "--methods",
                "references,mpt_rec", "--schema", schema.toString(), "--out", two.toString())).isZero();
        assertThat(Files.readString(two.resolve("census.md"))).contains("--methods mpt_rec,references");
        Path merged = dir.resolve("merged");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--merge", two.toString(),
                workers.resolve("workers/seed-1-baselines").toString(), "--out", merged.toString())).isZero();
        List<String> mergedRecords = new ArrayList<>();
        figures(merged).forEach(r -> mergedRecords.add(r.toString()));
        List<String> wholeRecords = new ArrayList<>();
        figures(whole).forEach(r -> wholeRecords.add(r.toString()));
        assertThat(mergedRecords).as("the whole seed's records, in another order").containsExactlyInAnyOrderElementsOf(
                wholeRecords);

        // one part's records cannot be merged twice
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--merge",
                workers.resolve("workers/seed-1-mpt_rec").toString(), whole.toString(), "--out",
                dir.resolve("refused").toString())).isEqualTo(2);
        assertThat(dir.resolve("refused")).doesNotExist();
    }

    /** A worker that fails stops the benchmark: exit code 1, no merged report, the failed worker's log kept. */
    @Test
    void shouldStopWithoutAReportWhenAWorkerFails() throws Exception {
        Path schema = Path.of(getClass().getResource("/census-slice/schema.json").toURI());
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        Path out = dir.resolve("failed");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--seeds", "2", "--quick", "--workers",
                "2", "--schema", schema.toString(), "--data", empty.toString(), "--out", out.toString())).isEqualTo(1);
        assertThat(out.resolve("census-results.json")).doesNotExist();
        assertThat(Files.readString(out.resolve("workers/seed-1.log"))).isNotBlank();

        // a missing schema is refused before any worker starts
        Path refused = dir.resolve("refused");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--workers", "2", "--schema",
                dir.resolve("absent.json").toString(), "--out", refused.toString())).isEqualTo(2);
        assertThat(refused).doesNotExist();
    }

    /** The records as written, without how long each run took (that depends on what ran beside it). */
    private static JsonNode figures(Path out) throws Exception {
        JsonNode records = new ObjectMapper().readTree(out.resolve("census-results.json").toFile());
        for (JsonNode r : records) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove(List.of("train_seconds", "train_cpu_seconds",
                    "samples_per_second"));
        }
        return records;
    }

    @Test
    void shouldRunTheKuaiRandProtocolWithGaucOnALogWithSideTables() throws Exception {
        Path schema = SyntheticLog.write(dir);
        Path out = dir.resolve("benchmarks");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "kuairand", "--seeds", "1", "--quick",
                "--schema", schema.toString(), "--out", out.toString())).isZero();

        JsonNode records = new ObjectMapper().readTree(out.resolve("kuairand-results.json").toFile());
        Set<String> keys = new HashSet<>();
        for (JsonNode r : records) {
            keys.add(r.get("model").asText() + "/" + r.get("setting").asText() + "/" + r.get("task").asText());
            assertThat(r.get("test_gauc").asDouble()).as(r.toString()).isBetween(0.0, 1.0);
            assertThat(r.get("test_ece").asDouble()).as(r.toString()).isBetween(0.0, 1.0);
        }
        List<String> expected = new ArrayList<>();
        for (String task : List.of("click", "long_view", "like")) {
            for (String m : List.of("mpt_rec", "shared_bottom", "mmoe", "ple", "single_task")) {
                expected.add(m + "/stage1/" + task);
            }
        }
        for (String task : List.of("profile_enter", "click", "long_view", "like")) {
            for (String m : List.of("mpt_rec", "frozen_shared_bottom", "frozen_mmoe", "joint_retraining")) {
                expected.add(m + "/new_task/" + task);
            }
        }
        for (String task : List.of("click", "long_view", "like")) {
            expected.add("gbdt/stage1/" + task);
        }
        expected.add("gbdt/new_task/profile_enter");
        expected.add("single_task/new_task/profile_enter");
        for (String variant : VARIANTS) {
            expected.add(variant + "/new_task/profile_enter");
        }
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
        // an existing task a frozen model keeps serving carries its stage-1 GAUC
        assertThat(find(records, "mpt_rec", "new_task", "click").get("test_gauc").asDouble())
                .isEqualTo(find(records, "mpt_rec", "stage1", "click").get("test_gauc").asDouble());
        assertThat(find(records, "mpt_rec", "new_task", "click").get("test_ece").asDouble())
                .isEqualTo(find(records, "mpt_rec", "stage1", "click").get("test_ece").asDouble());

        String md = Files.readString(out.resolve("kuairand.md"));
        assertThat(md).startsWith("# KuaiRand-Pure benchmark: MPT-Rec against its baselines")
                .contains("from `kuairand-results.json`")
                .contains("## Stage 1: existing tasks (click, long_view, like)")
                .contains("## New task (profile_enter), and the existing tasks once it is added")
                .contains("| model | task | test AUC | test log-loss | test ECE | test GAUC | trainable params |")
                .contains("`mptrec benchmark --protocol kuairand --seeds 1 --quick --schema .../schema.json --out .../benchmarks`")
                .containsPattern("Peak resident memory of the process: [\\d,]+ MB");
        assertThat(md).containsPattern("\\| mpt_rec \\| click \\| 0\\.\\d{4} ± n/a \\| \\d\\.\\d{4} ± n/a \\| 0\\.\\d{4} ± n/a \\| [01]\\.\\d{4} ± n/a \\|");
    }

    @Test
    void shouldTrainEveryMethodOverTheGridAndKeepTheRunBestOnValidation() throws Exception {
        Path schema = Path.of(getClass().getResource("/census-slice/schema.json").toURI());
        Path out = dir.resolve("grid");
        assertThat(MptrecCommand.execute("benchmark", "--protocol", "census", "--seeds", "1", "--quick", "--grid",
                "--schema", schema.toString(), "--out", out.toString())).isZero();

        JsonNode records = new ObjectMapper().readTree(out.resolve("census-results.json").toFile());
        Set<String> networkPoints = Set.of("0.001/3", "0.001/5", "0.003/3", "0.003/5");
        Set<String> treePoints = Set.of("0.1/20", "0.1/50", "0.05/20", "0.05/50");
        int trained = 0;
        for (JsonNode r : records) {
            if (r.get("trainable_params").asLong() == 0) {
                assertThat(r.has("grid")).as("nothing trained, nothing tuned: " + r).isFalse();
                continue;
            }
            trained++;
            Set<String> expected = r.get("model").asText().equals("gbdt") ? treePoints : networkPoints;
            Set<String> points = new HashSet<>();
            double best = Double.NEGATIVE_INFINITY;
            double chosen = Double.NaN;
            for (JsonNode t : r.get("grid")) {
                String point = TuningGrid.Point.format(t.get("learning_rate").asDouble(), t.get("patience").asInt());
                points.add(point);
                best = Math.max(best, t.get("validation_auc").asDouble());
                if (point.equals(TuningGrid.Point.format(r.get("learning_rate").asDouble(), r.get("patience").asInt()))) {
                    chosen = t.get("validation_auc").asDouble();
                }
            }
            assertThat(points).as("every method ran every point of its grid: " + r).isEqualTo(expected);
            assertThat(chosen).as("the figures are the run best on validation: " + r).isEqualTo(best);
        }
        assertThat(trained).as("every trained record").isGreaterThan(20);
        // a one-task run is chosen by that task's validation AUC, so the record's validation AUC is the winning score
        JsonNode tuned = find(records, "mpt_rec", "new_task", "education");
        double max = 0;
        for (JsonNode t : tuned.get("grid")) {
            max = Math.max(max, t.get("validation_auc").asDouble());
        }
        assertThat(tuned.get("validation_auc").asDouble()).isEqualTo(max);

        String md = Files.readString(out.resolve("census.md"));
        assertThat(md).contains("--quick --grid --schema")
                .contains("- Tuning grid (issue 16's fair harness): every method trained once per point, learning "
                        + "rate/patience: networks 0.001/3, 0.001/5, 0.003/3, 0.003/5 (patience in epochs), trees 0.1/20, "
                        + "0.1/50, 0.05/20, 0.05/50 (patience in boosting rounds)")
                .containsPattern("Chosen, per seed: mpt_rec \\(stage 1\\) income 0\\.00\\d/\\d; mpt_rec \\(stage 1\\) "
                        + "marital 0\\.00\\d/\\d; ")
                .containsPattern("gbdt \\(stage 1\\) income 0\\.[01]5?/[25]0; gbdt \\(stage 1\\) marital ")
                .contains("patience and learning rate from the tuning grid");
    }

    private static JsonNode find(JsonNode records, String model, String setting, String task) {
        for (JsonNode r : records) {
            if (r.get("model").asText().equals(model) && r.get("setting").asText().equals(setting)
                    && r.get("task").asText().equals(task)) {
                return r;
            }
        }
        throw new AssertionError("no record " + model + "/" + setting + "/" + task);
    }

    /** The report's line of the targets' comparisons paired by test row. */
    private static String pairedByRow(String md) {
        return md.lines().filter(l -> l.startsWith("- The same comparisons paired by test row")).findFirst()
                .orElseThrow(() -> new AssertionError("no comparison paired by test row in\n" + md));
    }
}
