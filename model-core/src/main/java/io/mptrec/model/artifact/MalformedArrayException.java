package io.mptrec.model.artifact;

/** An array file ({@code .npy}) of an artifact that cannot be read: its header or data is malformed. */
public class MalformedArrayException extends ArtifactException {

    private final String array;

    public MalformedArrayException(String array, String reason) {
        super(array + ": " + reason);
        this.array = array;
    }

    /** The array as the reader was told to name it (the artifact's source and the array's name). */
    public String array() {
        return array;
    }
}
