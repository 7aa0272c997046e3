package io.mptrec.model.artifact;

import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.nn.Subnormals;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Conversions between stored arrays and ND4J arrays. */
final class Arrays {

    private Arrays() {
    }

    static Map<String, FloatArray> toStored(Map<String, INDArray> arrays) {
        Map<String, FloatArray> stored = new TreeMap<>();
        arrays.forEach((name, a) -> stored.put(name,
                new FloatArray(java.util.Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray(), FloatVectors.of(a))));
        return stored;
    }

    /**
     * ND4J copies to compute with, values below {@link Subnormals#NEGLIGIBLE} zero, as the serving kernel and the ONNX
     * export read them; the stored arrays stay as they are.
     */
    static Map<String, INDArray> toNd4j(Map<String, FloatArray> arrays) {
        Map<String, INDArray> out = new TreeMap<>();
        arrays.forEach((name, a) -> out.put(name, NativeFloats.array(Subnormals.negligibleFlushed(a.data()),
                java.util.Arrays.stream(a.shape()).asLongStream().toArray())));
        return out;
    }

    static void requireShape(ArtifactBundle bundle, String name, int... shape) {
        FloatArray array = bundle.array(name);
        if (!array.hasShape(shape)) {
            throw new ArtifactException(bundle.kind() + " artifact " + bundle.shortHash() + ": array " + name + " has shape "
                    + java.util.Arrays.toString(array.shape()) + ", expected " + java.util.Arrays.toString(shape));
        }
    }
}
