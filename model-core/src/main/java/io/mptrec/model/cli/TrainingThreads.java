package io.mptrec.model.cli;

import io.mptrec.model.nn.DataParallel;
import picocli.CommandLine.Option;

/** The {@code --threads} option of the commands that train: how many threads share each step's batch. */
final class TrainingThreads {

    @Option(names = "--threads", description = "Threads that share each step's batch (default: the machine's cores; "
            + "each takes at least " + DataParallel.MIN_ROWS_PER_PART + " rows of it). The weights depend on it "
            + "only through rounding: the same seed and thread count give the same weights bit for bit.")
    Integer threads;

    /** The thread count asked for, or every core; refuses less than 1. */
    int resolve() {
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, was " + threads);
        }
        return threads == null ? DataParallel.defaultThreads() : threads;
    }
}
