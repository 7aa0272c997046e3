package io.mptrec.ab.assignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AssignerTests {

    private static final String DISPLAY = "[{0}] {1}";
    private final Assigner assigner = new Assigner();

    @Test
    void shouldMatchVectorChecksum() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(AssignmentVectors.bytes(AssignmentVectors.VECTORS));
        String expected = new String(AssignmentVectors.bytes(AssignmentVectors.CHECKSUM), StandardCharsets.US_ASCII).trim();
        assertThat(HexFormat.of().formatHex(digest)).isEqualTo(expected);
    }

    @Test
    void shouldDeclareSpecVersion() {
        assertThat(AssignmentVectors.ROOT.get("specVersion").asText()).isEqualTo("1.0.0");
        assertThat(AssignmentVectors.ROOT.get("algorithm").asText()).isEqualTo("assignment-v1");
    }

    static Stream<Arguments> hash() {
        return AssignmentVectors.suite("hash");
    }

    @ParameterizedTest(name = DISPLAY)
    @MethodSource("hash")
    void shouldHashAsSpecified(int index, String name, JsonNode row) {
        String input = row.get("input").asText();
        assertThat(HexFormat.of().formatHex(input.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(row.get("inputUtf8Hex").asText());
        Optional<Long> hash = Assigner.hash(row.get("hashVersion").asInt(), input);
        assertThat(hash).isPresent();
        assertThat(Long.toUnsignedString(hash.get())).isEqualTo(row.get("expected").asText());
        assertThat(String.format("%016x", hash.get())).isEqualTo(row.get("expectedHex").asText());
    }

    static Stream<Arguments> bucket() {
        return AssignmentVectors.suite("bucket");
    }

    @ParameterizedTest(name = DISPLAY)
    @MethodSource("bucket")
    void shouldBucketAsSpecified(int index, String name, JsonNode row) {
        assertThat(Assigner.bucket(row.get("hashVersion").asInt(), row.get("salt").asText(), row.get("unitId").asText()))
                .hasValue(row.get("expected").asInt());
    }

    static Stream<Arguments> bucketRanges() {
        return AssignmentVectors.suite("bucketRanges");
    }

    @ParameterizedTest(name = DISPLAY)
    @MethodSource("bucketRanges")
    void shouldComputeBucketRangesAsSpecified(int index, String name, JsonNode row) {
        List<Arm> arms = new ArrayList<>();
        for (int i = 0; i < row.get("weights").size(); i++) {
            arms.add(new Arm("arm-" + i, row.get("weights").get(i).asDouble()));
        }
        List<Allocation.BucketRange> expected = new ArrayList<>();
        for (JsonNode range : row.get("expected")) {
            expected.add(new Allocation.BucketRange(range.get(0).asInt(), range.get(1).asInt()));
        }
        assertThat(new Allocation("s", 1, arms, 1.0).bucketRanges()).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> inclusion() {
        return AssignmentVectors.suite("inclusion");
    }

    @ParameterizedTest(name = DISPLAY)
    @MethodSource("inclusion")
    void shouldIncludeAsSpecified(int index, String name, JsonNode row) {
        String salt = row.get("salt").asText();
        String unitId = row.get("unitId").asText();
        assertThat(Assigner.inclusionBucket(row.get("hashVersion").asInt(), salt, unitId))
                .hasValue(row.get("expectedInclusionBucket").asInt());
        Allocation allocation = new Allocation(salt, Assigner.HASH_VERSION_1,
                List.of(new Arm("control", 0.5), new Arm("treatment", 0.5)), row.get("ramp").asDouble());
        assertThat(assigner.assign(allocation, unitId).isPresent()).isEqualTo(row.get("expectedIncluded").asBoolean());
    }

    static Stream<Arguments> assignment() {
        return AssignmentVectors.suite("assignment");
    }

    @ParameterizedTest(name = DISPLAY)
    @MethodSource("assignment")
    void shouldAssignAsSpecified(int index, String name, JsonNode row) {
        Allocation allocation = AssignmentVectors.allocation(row.get("allocation"));
        Optional<Assignment> actual = assigner.assign(allocation, row.get("unitId").asText());
        JsonNode expected = row.get("expected");
        if (expected.isNull()) {
            assertThat(actual).isEmpty();
        } else {
            assertThat(actual).contains(new Assignment(expected.get("arm").asText(), expected.get("armIndex").asInt(),
                    expected.get("bucket").asInt(), expected.get("inclusionBucket").asInt(), Assigner.HASH_VERSION_1));
        }
    }

    static Stream<Arguments> invalidAllocation() {
        return AssignmentVectors.suite("invalidAllocation");
    }

    @ParameterizedTest(name = DISPLAY)
    @MethodSource("invalidAllocation")
    void shouldRejectInvalidAllocation(int index, String name, JsonNode row) {
        assertThatThrownBy(() -> AssignmentVectors.allocation(row.get("allocation")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(row.get("expectedErrorField").asText() + ":");
    }

    static Stream<Arguments> invalidUnitId() {
        return AssignmentVectors.suite("invalidUnitId");
    }

    @ParameterizedTest(name = DISPLAY)
    @MethodSource("invalidUnitId")
    void shouldRejectInvalidUnitId(int index, String name, JsonNode row) {
        String unitId;
        if (row.has("unitIdUtf16Hex")) {
            byte[] units = HexFormat.of().parseHex(row.get("unitIdUtf16Hex").asText());
            unitId = new String(new char[] {(char) (((units[0] & 0xFF) << 8) | (units[1] & 0xFF))});
        } else {
            unitId = row.get("unitId").isNull() ? null : row.get("unitId").asText();
        }
        Allocation allocation = new Allocation("exp-1", 1, List.of(new Arm("control", 0.5), new Arm("treatment", 0.5)), 1.0);
        assertThatThrownBy(() -> assigner.assign(allocation, unitId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(row.get("expectedErrorField").asText() + ":");
    }

    @Test
    void shouldKeepEveryIncludedUnitInItsArmWhenTheRampGrows() {
        Allocation base = new Allocation("exp-sticky", 1,
                List.of(new Arm("control", 0.5), new Arm("treatment-a", 0.3), new Arm("treatment-b", 0.2)), 0.0);
        double[] ramps = {0.01, 0.05, 0.10, 0.25, 0.50, 1.00};
        int units = 100_000;
        String[] armBefore = new String[units];
        int[] includedCount = new int[ramps.length];
        for (int step = 0; step < ramps.length; step++) {
            Allocation allocation = base.withRamp(ramps[step]);
            for (int u = 0; u < units; u++) {
                Optional<Assignment> a = assigner.assign(allocation, "user-" + u);
                if (armBefore[u] != null) {
                    // Once in, always in, and always the same arm.
                    assertThat(a).as("unit %d at ramp %s", u, ramps[step]).isPresent();
                    assertThat(a.get().arm()).as("unit %d at ramp %s", u, ramps[step]).isEqualTo(armBefore[u]);
                }
                if (a.isPresent()) {
                    armBefore[u] = a.get().arm();
                    includedCount[step]++;
                }
            }
            // Inclusion is Binomial(units, ramp); 5 standard deviations (plus one bucket of rounding) is a safe bound.
            double sd = Math.sqrt(units * ramps[step] * (1 - ramps[step]));
            assertThat((double) includedCount[step]).isCloseTo(units * ramps[step], org.assertj.core.api.Assertions.within(5 * sd + 10));
        }
        assertThat(includedCount[ramps.length - 1]).isEqualTo(units);
    }

    @Test
    void shouldSplitIncludedUnitsInConfiguredProportions() {
        double[] weights = {0.5, 0.3, 0.2};
        Allocation allocation = new Allocation("exp-proportions", 1,
                List.of(new Arm("control", weights[0]), new Arm("treatment-a", weights[1]), new Arm("treatment-b", weights[2])), 0.4);
        long[] counts = new long[weights.length];
        long included = 0;
        SplittableRandom random = new SplittableRandom(20240501L);
        for (int u = 0; u < 100_000; u++) {
            // Random-looking ids, so the test does not depend on one id pattern.
            Optional<Assignment> a = assigner.assign(allocation, Long.toHexString(random.nextLong()));
            if (a.isPresent()) {
                counts[a.get().armIndex()]++;
                included++;
            }
        }
        for (int i = 0; i < weights.length; i++) {
            double sd = Math.sqrt(included * weights[i] * (1 - weights[i]));
            assertThat((double) counts[i]).as("arm %d", i)
                    .isCloseTo(included * weights[i], org.assertj.core.api.Assertions.within(5 * sd));
        }
        // Chi-square goodness of fit as a second, joint check (df = 2, p < 1e-4 would be a failure).
        double chi = 0;
        for (int i = 0; i < weights.length; i++) {
            double e = included * weights[i];
            chi += (counts[i] - e) * (counts[i] - e) / e;
        }
        assertThat(chi).isLessThan(18.42);
    }

    @Test
    void shouldGiveTheSameArmFromManyThreads() throws Exception {
        Allocation allocation = new Allocation("exp-threads", 1, List.of(new Arm("control", 0.5), new Arm("treatment", 0.5)), 1.0);
        String[] expected = new String[2_000];
        for (int u = 0; u < expected.length; u++) {
            expected[u] = assigner.assign(allocation, "user-" + u).orElseThrow().arm();
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (int u = 0; u < expected.length; u++) {
                        assertThat(assigner.assign(allocation, "user-" + u).orElseThrow().arm()).isEqualTo(expected[u]);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }
}
