package io.mptrec.model.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.stream.Collectors;

/** A one-line progress bar with ETA for training epochs, drawn on standard error. */
final class ProgressBar implements io.mptrec.model.training.TrainingListener {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private long epochStart;
    private int maxEpochs;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void epochStarted(int epoch, int maxEpochs, int steps) {
        this.maxEpochs = maxEpochs;
        this.epochStart = System.nanoTime();
    }

    @Override
    public void stepDone(int epoch, int step, int steps, double loss) {
        if (step % 10 != 0 && step != steps) {
            return;
        }
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        double eta = elapsed / step * (steps - step);
        int filled = (int) Math.round(WIDTH * (double) step / steps);
        out.printf("\repoch %2d/%d [%s%s] %5d/%d loss %.4f  %.0fs left   ", epoch, maxEpochs, "#".repeat(filled),
                " ".repeat(WIDTH - filled), step, steps, loss, eta);
        out.flush();
    }

    @Override
    public void epochFinished(int epoch, Map<String, Double> validationAuc, boolean improved) {
        String aucs = validationAuc.entrySet().stream()
                .map(e -> String.format("%s %.4f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
        out.printf("\repoch %2d/%d done in %.1fs: validation AUC %s%s%n", epoch, maxEpochs,
                (System.nanoTime() - epochStart) / 1e9, aucs, improved ? " (best so far)" : "");
    }
}
