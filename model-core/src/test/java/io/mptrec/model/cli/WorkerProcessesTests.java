package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.benchmark.CensusProtocol.Methods;
import io.mptrec.model.cli.WorkerProcesses.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerProcessesTests {

    @Test
    void shouldRunWholeSeedsWhileTheyFillEveryWorkerAndTheRestAsParts() {
        assertThat(WorkerProcesses.plan(List.of(1L, 2L, 3L), 2)).containsExactly(new Job(1, null), new Job(2, null),
                new Job(3, Methods.baselines), new Job(3, Methods.mpt_rec), new Job(3, Methods.references));
        assertThat(WorkerProcesses.plan(List.of(1L, 2L, 3L), 3)).containsExactly(new Job(1, null), new Job(2, null),
                new Job(3, null));
        assertThat(WorkerProcesses.plan(List.of(4L, 5L, 6L, 7L), 2)).extracting(Job::name)
                .containsExactly("seed-4", "seed-5", "seed-6", "seed-7");
        assertThat(WorkerProcesses.plan(List.of(1L), 2)).extracting(Job::name)
                .containsExactly("seed-1-baselines", "seed-1-mpt_rec", "seed-1-references");
        assertThat(WorkerProcesses.plan(List.of(1L, 2L), 1)).extracting(Job::name).containsExactly("seed-1", "seed-2");
    }
}
