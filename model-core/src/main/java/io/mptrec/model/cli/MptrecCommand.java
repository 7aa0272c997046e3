package io.mptrec.model.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import io.mptrec.model.nn.NativeThreads;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mptrec} command line: train, tune, evaluate, score and inspect MPT-Rec artifacts. */
// scope INHERIT: every subcommand's --version prints the version too (it printed nothing)
@Command(name = "mptrec", mixinStandardHelpOptions = true, versionProvider = MptrecCommand.Version.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = {
            "Multi-task prompt tuning for recommendation (MPT-Rec).",
            "",
            "Typical use:",
            "  mptrec pretrain --schema data/census-income-kdd/schema.json --tasks income,marital --out artifacts",
            "  mptrec tune --schema data/census-income-kdd/schema.json --artifacts artifacts --task education",
            "  mptrec evaluate --schema data/census-income-kdd/schema.json --artifacts artifacts --task education",
            "  mptrec score --artifacts artifacts --task education --in rows.csv --out scores.csv",
            "  mptrec report --schema data/census-income-kdd/schema.json --artifacts artifacts --task education --out r.json",
            "  mptrec inspect artifacts/prompt-education",
            "  mptrec export --format onnx --encoder artifacts/encoder --prompt artifacts/prompt-education --out model.onnx",
            "  mptrec push artifacts/prompt-education --user alice --password alice",
            "  mptrec pilot --experiment 1 --rows 2000 --rate 100 --user erin --password erin",
            "  mptrec benchmark --protocol census --seeds 3"},
        subcommands = {PretrainCommand.class, TuneCommand.class, EvaluateCommand.class, ScoreCommand.class,
            InspectCommand.class, ExportCommand.class, ReportCommand.class, PushCommand.class, PilotCommand.class, BenchCommand.class,
            BenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class MptrecCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command; bad input ends with exit code 2 and a one-line reason, never a stack trace. */
    public static int execute(String... args) {
        NativeThreads.configureProcess();
        CommandLine line = new CommandLine(new MptrecCommand());
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("mptrec: " + reason(e));
            return e instanceof RuntimeException && !(e instanceof IllegalStateException) ? 2 : 1;
        });
        return line.execute(args);
    }

    /** A failure in words: a file system refusal says what it was about, never a bare path or "null". */
    static String reason(Exception e) {
        return io.mptrec.model.format.Failures.reason(e);
    }

    /**
     * A whole-number option checked at the command line's edge, so that a refusal names the option as the user typed
     * it (the model's own checks name its settings, {@code maxEpochs}); null when the option was not given.
     */
    static Integer wholeOption(Integer value, int min, int max, String option) {
        if (value != null && (value < min || value > max)) {
            throw new IllegalArgumentException(option + " must be " + (max == Integer.MAX_VALUE ? "at least " + min
                    : "between " + min + " and " + max) + ", was " + value);
        }
        return value;
    }

    /** A positive number option (a rate), checked as {@link #wholeOption}: NaN and infinity are refused too. */
    static Double positiveOption(Double value, String option) {
        if (value != null && !(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(option + " must be a positive number, was " + value);
        }
        return value;
    }

    /** An {@code --out} that must be a folder (made if absent): refused before any work when it is a file. */
    static Path folderOption(Path out, String option) {
        if (out != null && out.toString().isBlank()) {
            throw new IllegalArgumentException(option + ": give a folder (an empty name would write into this one)");
        }
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(option + ": " + out + " is a file; give a folder");
        }
        return out;
    }

    /** An {@code --out} that must be a file: refused before any work when it is a folder or its folder is missing. */
    static Path fileOption(Path out, String option) {
        if (out == null) {
            return null;
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException(option + ": " + out + " is a folder; give a file name");
        }
        Path folder = out.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + ": no folder " + folder + " to write " + out.getFileName()
                    + " into");
        }
        return out;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {io.mptrec.model.training.CodeVersion.get()};
        }
    }
}
