package io.mptrec.model.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs one training step inside an ND4J workspace: every array the step creates (activations, gradients of
 * activations, temporaries) is carved from one native block that the next step reuses, instead of a native
 * allocation each that is freed only after a garbage collection. The block learns its size on the first step.
 * Parameters, their gradients and the optimizer's state live outside and are only written in place; nothing created
 * inside may escape the step (results leave as Java values).
 *
 * <p>ND4J 1.0.0-M2.1 still makes a Java array object, a native shape and a registration with its deallocator for
 * every array, in a workspace too: about 4 us of the step's thread and as much again of the deallocator's and the
 * collector's (model-core/BENCHMARKS.md). So the arrays the step's own code asks for ({@link #uninitialized},
 * {@link #zeros}) are kept from one step to the next: the n-th array a step asks for is an n-th array an earlier step
 * was given when its shape is the same (see {@link StepArrays}). They obey the workspace's rule: none outlives the
 * step that asked for it.
 */
public final class StepWorkspace {

    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.2)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    /** The arrays of each workspace id's steps, per thread. */
    private static final ThreadLocal<Map<String, StepArrays>> ARRAYS = ThreadLocal.withInitial(HashMap::new);
    /** The arrays of the step running on this thread, or null outside a step. */
    private static final ThreadLocal<StepArrays> RUNNING = new ThreadLocal<>();

    private StepWorkspace() {
    }

    /** Runs {@code step} in the calling thread's workspace {@code id}; its result must hold no array of the step. */
    public static <T> T run(String id, Supplier<T> step) {
        StepArrays outer = RUNNING.get();
        StepArrays arrays = ARRAYS.get().computeIfAbsent(id, ignored -> new StepArrays());
        if (arrays != outer) {
            arrays.next = 0;
        } // else a step run within a step of the same id: it asks for arrays after the outer step's
        RUNNING.set(arrays);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id)) {
            return step.get();
        } finally {
            RUNNING.set(outer);
        }
    }

    /** A float matrix of {@code rows} x {@code columns}, its values undefined: the step's own, or a new one outside a step. */
    public static INDArray uninitialized(long rows, long columns) {
        StepArrays arrays = RUNNING.get();
        return arrays == null ? Nd4j.createUninitialized(DataType.FLOAT, rows, columns) : arrays.take(rows, columns);
    }

    /** As {@link #uninitialized}, every value zero. */
    public static INDArray zeros(long rows, long columns) {
        StepArrays arrays = RUNNING.get();
        return arrays == null ? Nd4j.zeros(DataType.FLOAT, rows, columns)
                : NativeFloats.zero(arrays.take(rows, columns));
    }

    /**
     * The arrays one workspace id's steps ask for, in the order they ask: at each place the array of the shape asked for
     * last and the one before, so that a split's last, shorter batch and the full batches keep theirs, and another model
     * trained on the same thread (a grid's next point) replaces them within two steps. Before, a shape other than the
     * first step's came from the workspace at every step, registered anew.
     */
    private static final class StepArrays {
        private final List<INDArray[]> places = new ArrayList<>();
        private int next;

        INDArray take(long rows, long columns) {
            int at = next++;
            if (at == places.size()) {
                places.add(new INDArray[2]);
            }
            INDArray[] place = places.get(at); // [0] the shape asked for last, [1] the one before
            if (fits(place[0], rows, columns)) {
                return place[0];
            }
            if (!fits(place[1], rows, columns)) {
                // outside the workspace, so that it lives on into the next steps; the array dropped here is freed
                // after a collection, as any array outside a workspace
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    place[1] = Nd4j.createUninitialized(DataType.FLOAT, rows, columns);
                }
            }
            INDArray taken = place[1];
            place[1] = place[0];
            place[0] = taken;
            return taken;
        }

        private static boolean fits(INDArray kept, long rows, long columns) {
            return kept != null && kept.rows() == rows && kept.columns() == columns;
        }
    }
}
