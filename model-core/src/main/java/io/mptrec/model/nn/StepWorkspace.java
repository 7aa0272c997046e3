package io.mptrec.model.nn;

import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs one training step inside an ND4J workspace: every array the step creates (activations, gradients of
 * activations, temporaries) is carved from one native block that the next step reuses, instead of a native
 * allocation each that is freed only after a garbage collection. (ND4J 1.0.0-M2.1 still registers a small Java
 * wrapper per array and per shape with its deallocator; those hold no step data.) The block learns its size on the
 * first step. Parameters, their gradients and the optimizer's state live outside and are only written in
 * place; nothing created inside may escape the step (results leave as Java values).
 */
public final class StepWorkspace {

    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.2)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private StepWorkspace() {
    }

    /** Runs {@code step} in the calling thread's workspace {@code id}; its result must hold no array of the step. */
    public static <T> T run(String id, Supplier<T> step) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id)) {
            return step.get();
        }
    }
}
