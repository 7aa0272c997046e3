package io.mptrec.model.cli;

import io.mptrec.model.benchmark.BenchmarkRecord;
import io.mptrec.model.benchmark.BenchmarkReport;
import io.mptrec.model.benchmark.CensusProtocol;
import io.mptrec.model.benchmark.ProcessCpu;
import io.mptrec.model.benchmark.TestPredictions;
import io.mptrec.model.benchmark.TuningGrid;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the canonical benchmark protocol of method.md on Census or KuaiRand and writes {@code <out>/<protocol>-results.json}
 * and {@code <out>/<protocol>.md}, rewritten after every finished run so that an interrupted benchmark keeps what it
 * finished (the .md then says which seed was running).
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        header = "Run the canonical Census or KuaiRand protocol against the baselines and write the results.",
        description = {"Run the canonical protocol: MPT-Rec against single-task, Shared-Bottom, MMoE, PLE and joint",
            "retraining, then the new task on each frozen model; write <protocol>-results.json and <protocol>.md",
            "(census: income, marital, then education; kuairand: click, long_view, like, then profile_enter, with GAUC)."})
final class BenchmarkCommand implements Callable<Integer> {

    /** A dataset with its tasks: the schema it reads by default and the settings of method.md for it. */
    enum Protocol {
        census("data/census-income-kdd/schema.json", "Census-Income", 1.0),
        kuairand("data/kuairand-pure/schema.json", "KuaiRand-Pure", 0.99);

        final String defaultSchema;
        final String title;
        /** Issue 16's target for the new task, as a share of joint retraining's AUC (and GAUC). */
        final double newTaskTarget;

        Protocol(String defaultSchema, String title, double newTaskTarget) {
            this.defaultSchema = defaultSchema;
            this.title = title;
            this.newTaskTarget = newTaskTarget;
        }

        CensusProtocol.Settings settings(int maxEpochs) {
            return this == census ? CensusProtocol.Settings.census(maxEpochs) : CensusProtocol.Settings.kuairand(maxEpochs);
        }
    }

    @Option(names = "--protocol", required = true, description = "Benchmark protocol: ${COMPLETION-CANDIDATES}.")
    Protocol protocol;

    @Option(names = "--seeds", defaultValue = "3", description = "How many seeds: F..F+N-1, F from --first-seed (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "1", description = {"The first seed (default ${DEFAULT-VALUE}):"
            + " runs of one seed depend on nothing else, so processes side by side (one per seed, each with its --out)"
            + " share a multi-core machine's work; --merge then writes one report from their folders."})
    long firstSeed;

    @Option(names = "--workers", defaultValue = "1", description = {"Processes to run the seeds in, side by side"
            + " (default ${DEFAULT-VALUE}: this one). More than one: each seed runs in a process of its own, the seeds"
            + " left over when the workers' last round would not be full run as their parts (--methods), and one"
            + " report is merged from them; each process's folder and log are under <out>/workers."})
    int workers;

    @Option(names = "--methods", split = ",", paramLabel = "PART", description = {"Run only these parts of each"
            + " seed's runs: ${COMPLETION-CANDIDATES} (default all; --merge joins the parts' folders)."})
    List<CensusProtocol.Methods> methods;

    @Option(names = "--quick", description = "Smoke test of the harness: experts 32 -> 16 and 1 epoch per run (use with a small --schema).")
    boolean quick;

    @Option(names = "--max-epochs", description = "Cap on the epochs of every run (default 30; --quick: 1).")
    Integer maxEpochs;

    @Option(names = "--schema", description = "Dataset schema (default: the protocol's, data/census-income-kdd/schema.json "
            + "or data/kuairand-pure/schema.json).")
    Path schema;

    @Option(names = "--data", description = "Data file; default: the schema's own \"file\".")
    Path data;

    @Option(names = "--out", defaultValue = "benchmarks", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--grid", description = {"Issue 16's fair harness: train every method once per point of the same"
            + " small grid of learning rate x patience (TuningGrid.standard(), listed in model-core/README.md) and keep"
            + " the run with the best validation AUC sum. A network trains once per learning rate (its run with the"
            + " shorter patience is the start of the longer one), so about twice the networks' training; the trees"
            + " four times theirs."})
    boolean grid;

    @Option(names = "--merge", arity = "2..*", paramLabel = "FOLDER", description = {"Write one report into --out from"
            + " the finished runs in these folders (each the --out of a run of other seeds, e.g. side by side with"
            + " --first-seed); trains nothing."})
    List<Path> merge;

    @Option(names = "--note", description = "A remark written into <protocol>.md (e.g. why fewer seeds were run).")
    String note;

    private final Clock clock;

    BenchmarkCommand() {
        this(Clock.systemUTC());
    }

    BenchmarkCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        MptrecCommand.folderOption(out, "--out");
        MptrecCommand.wholeOption(seeds, 1, Integer.MAX_VALUE, "--seeds");
        if (firstSeed < 1) {
            throw new IllegalArgumentException("--first-seed must be at least 1, was " + firstSeed);
        }
        MptrecCommand.wholeOption(workers, 1, WorkerProcesses.MAX_WORKERS, "--workers");
        if (merge != null) {
            return merged();
        }
        int epochs = maxEpochs != null ? MptrecCommand.wholeOption(maxEpochs, 1, Integer.MAX_VALUE, "--max-epochs")
                : quick ? 1 : 30;
        Path schemaFile = schema != null ? schema : Path.of(protocol.defaultSchema);
        if (workers > 1) {
            if (methods != null) {
                throw new IllegalArgumentException("--methods is for one process; --workers chooses the parts itself");
            }
            DatasetSchema.load(schemaFile); // a bad schema is refused here, not once per worker
            List<Path> folders = new WorkerProcesses(workers, System.err).run(this::workerArguments,
                    LongStream.range(firstSeed, firstSeed + seeds).boxed().toList(), out.resolve("workers"));
            if (folders == null) {
                return 1;
            }
            merge = folders;
            return merged(commandLine());
        }
        Dataset dataset = DatasetOptions.reportJoins(Dataset.load(DatasetSchema.load(schemaFile), schemaFile, data));
        CensusProtocol.Settings settings = (quick ? protocol.settings(epochs).quick() : protocol.settings(epochs))
                .withGrid(grid ? TuningGrid.standard() : TuningGrid.none());
        CensusProtocol census = new CensusProtocol(dataset, settings, System.err,
                (record, rows) -> TestPredictions.write(out, record, rows));
        List<Long> planned = LongStream.range(firstSeed, firstSeed + seeds).boxed().toList();
        Set<CensusProtocol.Methods> run = methods == null ? EnumSet.allOf(CensusProtocol.Methods.class)
                : EnumSet.copyOf(methods);
        String machine = Machine.describe();
        System.err.printf("benchmark %s on %s (%d rows), seeds %s, at most %d epochs per run%n", protocol,
                dataset.schema().name(), dataset.rowCount(), planned, epochs);
        Instant started = clock.instant();
        List<BenchmarkRecord> records = new ArrayList<>();
        for (long seed : planned) {
            String running = "written while seed " + seed + " was running: the tables hold the runs finished so far; "
                    + "a model or task missing from them was not run";
            census.runSeed(seed, run, record -> {
                records.add(record);
                write(records, settings, planned, epochs, machine, started, running);
            });
            write(records, settings, planned, epochs, machine, started, null);
            System.err.printf("seed %d done; results in %s%n", seed, out.resolve(protocol + ".md"));
        }
        System.out.println(out.resolve(protocol + "-results.json"));
        System.out.println(out.resolve(protocol + ".md"));
        return 0;
    }

    /** The report of runs of separate seeds, from their folders. */
    private int merged() {
        return merged("mptrec benchmark --protocol " + protocol + " --merge " + String.join(" ",
                merge.stream().map(BenchmarkCommand::shown).toList())
                + (out.toString().equals("benchmarks") ? "" : " --out " + shown(out)));
    }

    /** The report of the runs in {@link #merge}'s folders, under {@code command}. */
    private int merged(String command) {
        List<BenchmarkReport.Part> parts = merge.stream().map(f -> BenchmarkReport.Part.read(f, protocol.name()))
                .toList();
        BenchmarkReport.Part all = BenchmarkReport.merge(parts, command, clock.instant());
        BenchmarkReport.Run run = all.run();
        if (note != null) {
            run = new BenchmarkReport.Run(run.command(), run.date(), run.machine(), run.plannedSeeds(), run.maxEpochs(),
                    run.wallSeconds(), run.cpuSeconds(), run.loadAverage(), run.quick(), note + "; " + run.note(),
                    run.peakResidentBytes());
        }
        CensusProtocol.Settings settings = protocol.settings(run.maxEpochs());
        new BenchmarkReport(all.records(), settings.existingTasks(), settings.newTask(), protocol.title,
                protocol.newTaskTarget, r -> TestPredictions.read(merge, r)).write(out, protocol.name(), run);
        System.out.println(out.resolve(protocol + "-results.json"));
        System.out.println(out.resolve(protocol + ".md"));
        return 0;
    }

    /** Rewrites both files (atomically) with the records so far; {@code progress} says what is still running. */
    private void write(List<BenchmarkRecord> records, CensusProtocol.Settings settings, List<Long> planned, int epochs,
                       String machine, Instant started, String progress) {
        Instant now = clock.instant();
        String remark = progress == null ? note : note == null ? progress : note + "; " + progress;
        new BenchmarkReport(records, settings.existingTasks(), settings.newTask(), protocol.title,
                protocol.newTaskTarget, r -> TestPredictions.read(List.of(out), r)).write(out,
                protocol.name(), new BenchmarkReport.Run(commandLine(), now.truncatedTo(ChronoUnit.SECONDS).toString(),
                        machine, planned, epochs, (now.toEpochMilli() - started.toEpochMilli()) / 1000.0,
                        ProcessCpu.seconds(), ProcessCpu.loadAverage(), quick, remark, ProcessCpu.peakResidentBytes()));
    }

    /** This command as the report records it. */
    private String commandLine() {
        return "mptrec benchmark " + String.join(" ", options(seeds, firstSeed, workers, methods, out,
                BenchmarkCommand::shown));
    }

    /** The arguments of a worker process: this command's, for one seed (or one part of it), into {@code folder}. */
    private List<String> workerArguments(long seed, CensusProtocol.Methods part, Path folder) {
        List<String> a = new ArrayList<>(List.of("benchmark"));
        a.addAll(options(1, seed, 1, part == null ? null : List.of(part), folder, Path::toString));
        return a;
    }

    /**
     * This command's options for {@code count} seeds from {@code first}, on {@code workerCount} processes, running
     * {@code parts} (all when null), into {@code folder}; each path written by {@code path}. Options at their
     * defaults are left out.
     */
    private List<String> options(int count, long first, int workerCount, List<CensusProtocol.Methods> parts,
                                 Path folder, Function<Path, String> path) {
        List<String> o = new ArrayList<>(List.of("--protocol", protocol.name(), "--seeds", Integer.toString(count)));
        if (first != 1) {
            o.addAll(List.of("--first-seed", Long.toString(first)));
        }
        if (workerCount > 1) {
            o.addAll(List.of("--workers", Integer.toString(workerCount)));
        }
        if (parts != null) {
            o.addAll(List.of("--methods", String.join(",", EnumSet.copyOf(parts).stream().map(Enum::name).toList())));
        }
        if (quick) {
            o.add("--quick");
        }
        if (maxEpochs != null) {
            o.addAll(List.of("--max-epochs", maxEpochs.toString()));
        }
        if (grid) {
            o.add("--grid");
        }
        if (schema != null && !schema.toString().equals(protocol.defaultSchema)) {
            o.addAll(List.of("--schema", path.apply(schema)));
        }
        if (data != null) {
            o.addAll(List.of("--data", path.apply(data)));
        }
        if (!folder.toString().equals("benchmarks")) {
            o.addAll(List.of("--out", path.apply(folder)));
        }
        return o;
    }

    /** A path as given when relative; an absolute one by its file name only, so no machine's layout gets recorded. */
    private static String shown(Path path) {
        return path.isAbsolute() ? ".../" + path.getFileName() : path.toString();
    }
}
