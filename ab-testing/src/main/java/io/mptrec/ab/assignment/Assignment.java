package io.mptrec.ab.assignment;

/**
 * The arm a unit is served, with the buckets that decided it (kept for exposure logs and audits).
 *
 * @param arm             arm name
 * @param armIndex        position of the arm in the allocation
 * @param bucket          arm bucket in [0, 10000)
 * @param inclusionBucket inclusion bucket in [0, 10000)
 * @param hashVersion     algorithm version that produced it
 */
public record Assignment(String arm, int armIndex, int bucket, int inclusionBucket, int hashVersion) {
}
