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
import org.nd4j.linalg.indexing.NDArrayIndex;

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
            arrays.nextView = 0;
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
     * Columns {@code [from, to)} of the matrix {@code m} as a view, or {@code m} itself when that is all of it. In a step
     * the view is kept for the next steps while it is asked of the same array at the same place (ND4J makes, and
     * registers with its deallocator, a new array for every view, even in a workspace).
     */
    public static INDArray columns(INDArray m, long from, long to) {
        if (from == 0 && to == m.columns()) {
            return m;
        }
        return view(m, 'k', from, to, () -> m.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)));
    }

    /**
     * A dense row-major (c-order) array's values as a {@code rows} x {@code columns} matrix, a view kept as
     * {@link #columns}'s are, or {@code m} itself when it has that shape. Any other array is reshaped by ND4J, which may
     * copy it, and nothing is kept.
     */
    public static INDArray reshaped(INDArray m, long rows, long columns) {
        if (m.rank() == 2 && m.rows() == rows && m.columns() == columns) {
            return m;
        }
        if (!NativeFloats.dense(m) || m.ordering() != 'c') {
            return m.reshape('c', rows, columns);
        }
        return view(m, 'r', rows, columns, () -> m.reshape('c', rows, columns));
    }

    private static INDArray view(INDArray source, char kind, long a, long b, Supplier<INDArray> make) {
        StepArrays arrays = RUNNING.get();
        return arrays == null ? make.get() : arrays.view(source, kind, a, b, make);
    }

    /** A view a step asked for at one place: of which array, which kind ('k' columns, 'r' reshaped) and bounds. */
    private record KeptView(INDArray source, char kind, long a, long b, INDArray view) {
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
        private final List<KeptView> views = new ArrayList<>();
        private int nextView;

        /** The view asked for at this place, kept if the last step asked the same of the same array there. */
        INDArray view(INDArray source, char kind, long a, long b, Supplier<INDArray> make) {
            int at = nextView++;
            KeptView kept = at < views.size() ? views.get(at) : null;
            if (kept != null && kept.source() == source && kept.kind() == kind && kept.a() == a && kept.b() == b) {
                return kept.view();
            }
            INDArray view;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                view = make.get();
            }
            KeptView fresh = new KeptView(source, kind, a, b, view);
            if (kept == null) {
                views.add(fresh);
            } else {
                views.set(at, fresh);
            }
            return view;
        }

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
