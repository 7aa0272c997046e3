package io.mptrec.model.data;

/**
 * Encoded rows a network reads in batches: held in memory ({@link EncodedRows}) or streamed from a file on disk
 * ({@link EncodedFile}), so that training and evaluation never need a whole split in memory.
 */
public interface EncodedSource {

    int rows();

    /** The rows at these positions, in this order. */
    EncodedRows select(int[] positions);

    /** Rows start (inclusive) to end (exclusive). */
    EncodedRows range(int start, int end);
}
