package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class StepWorkspaceTests {

    /**
     * A step's arrays are the step before's, asked for in the same order with the same shapes: no new array, so
     * nothing new for ND4J's deallocator. A different shape at a point of the step (a split's last, shorter batch) gets
     * an array kept for that shape as well, and the first stays; a third shape there (another model) replaces the one
     * asked for least recently. A step of another id, and code outside any step, get arrays of their own.
     */
    @Test
    void shouldHandTheStepBeforesArraysToTheNextStep() {
        List<INDArray> first = StepWorkspace.run("test-step", () -> List.of(StepWorkspace.uninitialized(4, 3),
                StepWorkspace.uninitialized(2, 5), StepWorkspace.zeros(4, 3)));
        List<INDArray> second = StepWorkspace.run("test-step", () -> List.of(StepWorkspace.uninitialized(4, 3),
                StepWorkspace.uninitialized(2, 5), StepWorkspace.zeros(4, 3)));
        for (int i = 0; i < 3; i++) {
            assertThat(second.get(i)).isSameAs(first.get(i));
        }
        assertThat(first.get(0)).isNotSameAs(first.get(2));

        List<INDArray> shorter = StepWorkspace.run("test-step", () -> {
            INDArray[] arrays = {StepWorkspace.uninitialized(4, 3), StepWorkspace.uninitialized(1, 5),
                StepWorkspace.zeros(4, 3)};
            assertThat(arrays[1].shape()).containsExactly(1, 5);
            return List.of(arrays);
        });
        assertThat(shorter.get(0)).isSameAs(first.get(0));
        assertThat(shorter.get(1)).isNotSameAs(first.get(1));
        assertThat(shorter.get(2)).isSameAs(first.get(2));
        INDArray again = secondOf("test-step", 2, 5);
        assertThat(again).as("the kept array stays for the steps after a shorter one").isSameAs(first.get(1));
        assertThat(secondOf("test-step", 1, 5)).as("the shorter one's is kept too").isSameAs(shorter.get(1));

        INDArray third = secondOf("test-step", 3, 5);
        assertThat(third).isNotSameAs(first.get(1)).isNotSameAs(shorter.get(1));
        assertThat(secondOf("test-step", 1, 5)).as("asked for last before the third").isSameAs(shorter.get(1));
        assertThat(secondOf("test-step", 3, 5)).isSameAs(third);
        assertThat(secondOf("test-step", 2, 5)).as("asked for least recently: replaced").isNotSameAs(first.get(1));

        INDArray other = StepWorkspace.run("other-step", () -> StepWorkspace.uninitialized(4, 3));
        assertThat(other).isNotSameAs(first.get(0));
        assertThat(StepWorkspace.uninitialized(4, 3)).isNotSameAs(StepWorkspace.uninitialized(4, 3));
    }

    /** The second array a step of {@code id} asks for, of rows x columns, after one of 4 x 3. */
    private static INDArray secondOf(String id, long rows, long columns) {
        return StepWorkspace.run(id, () -> {
            StepWorkspace.uninitialized(4, 3);
            return StepWorkspace.uninitialized(rows, columns);
        });
    }

    /** A kept array asked for as zeros is zero again, whatever the step before wrote into it. */
    @Test
    void shouldZeroAKeptArrayAskedForAsZeros() {
        INDArray written = StepWorkspace.run("zero-step", () -> StepWorkspace.zeros(40, 30).addi(7));
        INDArray again = StepWorkspace.run("zero-step", () -> StepWorkspace.zeros(40, 30));
        assertThat(again).isSameAs(written);
        assertThat(FloatVectors.of(again)).containsOnly(0f);
    }

    /** A step run within a step of the same id asks for arrays after the outer step's, not for the outer's own. */
    @Test
    void shouldGiveAStepWithinAStepOfTheSameIdArraysOfItsOwn() {
        StepWorkspace.run("nested-step", () -> {
            INDArray outer = StepWorkspace.uninitialized(2, 2);
            INDArray inner = StepWorkspace.run("nested-step", () -> StepWorkspace.uninitialized(2, 2));
            assertThat(inner).isNotSameAs(outer);
            assertThat(StepWorkspace.uninitialized(2, 2)).isNotSameAs(outer).isNotSameAs(inner);
            return null;
        });
    }

    /**
     * A view a step asks for (a block of columns, a reshape) is the step before's when asked of the same array at the
     * same place, and shows that array's values; asked of another array, or of other bounds, it is a new one. A
     * reshape that is no view (of an array that is not dense and row-major) is not kept.
     */
    @Test
    void shouldKeepAViewOfTheSameArrayFromStepToStep() {
        INDArray m = org.nd4j.linalg.factory.Nd4j.arange(12).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                .reshape('c', 3, 4);
        List<INDArray> first = StepWorkspace.run("view-step", () -> List.of(StepWorkspace.columns(m, 2, 4),
                StepWorkspace.reshaped(m, 6, 2)));
        List<INDArray> second = StepWorkspace.run("view-step", () -> List.of(StepWorkspace.columns(m, 2, 4),
                StepWorkspace.reshaped(m, 6, 2)));
        assertThat(second.get(0)).isSameAs(first.get(0));
        assertThat(second.get(1)).isSameAs(first.get(1));
        m.putScalar(1, 3, 70f);
        assertThat(second.get(0).getFloat(1, 1)).isEqualTo(70f);
        assertThat(second.get(1).getFloat(3, 1)).isEqualTo(70f);

        INDArray other = m.dup();
        INDArray ofOther = StepWorkspace.run("view-step", () -> StepWorkspace.columns(other, 2, 4));
        assertThat(ofOther).isNotSameAs(first.get(0));
        assertThat(ofOther.getFloat(1, 1)).isEqualTo(70f);
        INDArray otherBounds = StepWorkspace.run("view-step", () -> StepWorkspace.columns(other, 1, 3));
        assertThat(otherBounds).isNotSameAs(ofOther);
        assertThat(otherBounds.getFloat(0, 0)).isEqualTo(1f);

        assertThat(StepWorkspace.columns(m, 0, 4)).as("all of it").isSameAs(m);
        INDArray columnMajor = m.dup('f');
        INDArray copied = StepWorkspace.run("view-step", () -> StepWorkspace.reshaped(columnMajor, 6, 2));
        assertThat(StepWorkspace.run("view-step", () -> StepWorkspace.reshaped(columnMajor, 6, 2)))
                .isNotSameAs(copied);
    }
}
