package io.mptrec.model.cli;

import io.mptrec.model.benchmark.CensusProtocol;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a benchmark's seeds in processes side by side, at most {@code workers} at once, each a JVM like this one
 * writing its own folder: the training is single-threaded, so one process per core uses the machine. Whole seeds go
 * first; the seeds left over when the last round would not fill every worker run as their three parts
 * ({@link CensusProtocol.Methods}), so that 3 seeds on 2 cores end close together instead of leaving one core idle
 * for a whole seed.
 */
final class WorkerProcesses {

    static final int MAX_WORKERS = 64;
    /** The order a split seed's parts start in. */
    private static final List<CensusProtocol.Methods> START_ORDER = List.of(CensusProtocol.Methods.baselines,
            CensusProtocol.Methods.mpt_rec, CensusProtocol.Methods.references);

    /** One process's work: a seed, or one part of it ({@code methods} null: the whole seed). */
    record Job(long seed, CensusProtocol.Methods methods) {

        /** The folder name: {@code seed-3}, or {@code seed-3-mpt_rec}. */
        String name() {
            return "seed-" + seed + (methods == null ? "" : "-" + methods);
        }
    }

    /** The arguments of a job's process, after the JVM's own. */
    @FunctionalInterface
    interface Arguments {
        List<String> of(long seed, CensusProtocol.Methods methods, Path folder);
    }

    private final int workers;
    private final PrintStream log;

    WorkerProcesses(int workers, PrintStream log) {
        this.workers = workers;
        this.log = log;
    }

    /** The jobs for {@code seeds} on {@code workers} processes, in the order they start. */
    static List<Job> plan(List<Long> seeds, int workers) {
        int whole = workers == 1 ? seeds.size() : seeds.size() - seeds.size() % workers;
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            if (i < whole) {
                jobs.add(new Job(seeds.get(i), null));
            } else {
                // the largest part first (on KuaiRand's grid, 2026-12-05: the baselines about 15 min, MPT-Rec 11.5 and
                // the references about 6 of a seed's 32), so that the workers end close together
                for (CensusProtocol.Methods part : START_ORDER) {
                    jobs.add(new Job(seeds.get(i), part));
                }
            }
        }
        return jobs;
    }

    /**
     * Runs the jobs of {@code seeds}, each into its folder under {@code root} with its log beside it, and returns the
     * folders in the order of a whole run's records; null if a job failed (the others are stopped, the log says which).
     */
    List<Path> run(Arguments arguments, List<Long> seeds, Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create " + root + ": " + e.getMessage(), e);
        }
        List<Job> jobs = plan(seeds, workers);
        Deque<Job> waiting = new ArrayDeque<>(jobs);
        Map<Process, Job> running = new ConcurrentHashMap<>();
        Map<Process, Instant> started = new HashMap<>();
        // an interrupted benchmark (Ctrl-C) takes its workers with it
        Thread stopWorkers = new Thread(() -> running.keySet().forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(stopWorkers);
        // the folders in the order of a whole run's records: by seed, then the parts in the order a seed runs them
        List<Path> folders = jobs.stream().sorted(Comparator.comparingLong(Job::seed).thenComparing(job ->
                job.methods() == null ? -1 : job.methods().ordinal())).map(job -> root.resolve(job.name())).toList();
        log.printf("benchmark: %d processes for %d seeds on %d workers: %s%n", jobs.size(), seeds.size(), workers,
                jobs.stream().map(Job::name).toList());
        try {
            while (!waiting.isEmpty() || !running.isEmpty()) {
                while (!waiting.isEmpty() && running.size() < workers) {
                    Job job = waiting.removeFirst();
                    Path folder = root.resolve(job.name());
                    Path logFile = root.resolve(job.name() + ".log");
                    ProcessBuilder builder = new ProcessBuilder(command(arguments.of(job.seed(), job.methods(),
                            folder))).redirectErrorStream(true).redirectOutput(logFile.toFile());
                    // the environment this JVM started with: untouched, a worker would inherit the OpenBLAS core this
                    // process set for itself (OpenBlasCore) and report it as the user's choice
                    builder.environment();
                    Process process = builder.start();
                    running.put(process, job);
                    started.put(process, Instant.now());
                    log.printf("benchmark: %s started (log %s)%n", job.name(), logFile);
                }
                CompletableFuture.anyOf(running.keySet().stream().map(Process::onExit)
                        .toArray(CompletableFuture[]::new)).join();
                for (Process done : running.keySet().stream().filter(p -> !p.isAlive()).toList()) {
                    Job job = running.remove(done);
                    Duration took = Duration.between(started.remove(done), Instant.now());
                    if (done.exitValue() != 0) {
                        log.printf("benchmark: %s failed with exit code %d after %.1f min; see %s%n", job.name(),
                                done.exitValue(), took.toMillis() / 60_000.0, root.resolve(job.name() + ".log"));
                        return null;
                    }
                    log.printf("benchmark: %s done in %.1f min%n", job.name(), took.toMillis() / 60_000.0);
                }
            }
            return folders;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a worker process: " + e.getMessage(), e);
        } finally {
            running.keySet().forEach(Process::destroy);
            Runtime.getRuntime().removeShutdownHook(stopWorkers);
        }
    }

    /** This JVM's command line (its options but a debugger's or a recording's) for the worker's arguments. */
    private static List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // one debugger port and one recording file cannot serve several processes
            if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-XX:StartFlightRecording")) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MptrecCommand.class.getName());
        command.addAll(arguments);
        return command;
    }
}
