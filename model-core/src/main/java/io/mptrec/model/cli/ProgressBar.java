package io.mptrec.model.cli;

import io.mptrec.model.format.Figures;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Training progress: on a terminal, a one-line bar with ETA redrawn in place; elsewhere (a log file, a pipe) one plain
 * line per epoch, since carriage-return redraws fill a log with tens of kilobytes of partial lines.
 */
final class ProgressBar implements io.mptrec.model.training.TrainingListener {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private long epochStart;
    private int maxEpochs;

    ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** On standard error, drawn as a bar only when the process is attached to a terminal. */
    static ProgressBar onStandardError() {
        return new ProgressBar(System.err, System.console() != null);
    }

    @Override
    public void epochStarted(int epoch, int maxEpochs, int steps) {
        this.maxEpochs = maxEpochs;
        this.epochStart = System.nanoTime();
    }

    @Override
    public void stepDone(int epoch, int step, int steps, double loss) {
        if (!terminal || step % 10 != 0 && step != steps) {
            return;
        }
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        double eta = elapsed / step * (steps - step);
        int filled = (int) Math.round(WIDTH * (double) step / steps);
        out.printf(Locale.ROOT, "\repoch %2d/%d [%s%s] %5d/%d loss %s  %.0fs left   ", epoch, maxEpochs, "#".repeat(filled),
                " ".repeat(WIDTH - filled), step, steps, Figures.estimate(loss), eta);
        out.flush();
    }

    @Override
    public void epochFinished(int epoch, Map<String, Double> validationAuc, boolean improved) {
        String aucs = validationAuc.entrySet().stream()
                .map(e -> e.getKey() + " " + Figures.estimate(e.getValue())).collect(Collectors.joining(", "));
        out.printf(Locale.ROOT, "%sepoch %2d/%d done in %.1fs: validation AUC %s%s%n", terminal ? "\r" : "", epoch, maxEpochs,
                (System.nanoTime() - epochStart) / 1e9, aucs, improved ? " (best so far)" : "");
    }
}
