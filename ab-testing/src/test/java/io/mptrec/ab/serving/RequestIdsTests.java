package io.mptrec.ab.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.kernel.security.Names;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RequestIdsTests {

    @Test
    void shouldGiveEveryRequestOfAUnitItsUnitsKey() {
        String unit = "user-\u00e9t\u00e9-42";
        String first = RequestIds.issue(unit);
        String second = RequestIds.issue(unit);

        assertThat(first).isNotEqualTo(second);
        assertThat(RequestIds.partitionKey(first)).isEqualTo(RequestIds.unitKey(unit))
                .isEqualTo(RequestIds.partitionKey(second)).hasSize(16);
        assertThat(RequestIds.partitionKey(RequestIds.issue("user-43"))).isNotEqualTo(RequestIds.unitKey(unit));
    }

    @Test
    void shouldIssueIdsThatTheEdgeAcceptsForTheLongestUnitId() {
        String id = RequestIds.issue("u".repeat(200));

        assertThat(id).hasSize(53);
        Names.requireText(id, 64, "requestId"); // throws when the KPI endpoint would refuse the id
    }

    @Test
    void shouldIssueIdsInTheOrderOfTheirMillisecond() {
        String earlier = RequestIds.timeOrderedUuid(1_796_400_000_000L);
        String later = RequestIds.timeOrderedUuid(1_796_400_000_001L);

        assertThat(earlier).isLessThan(later).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(java.util.UUID.fromString(later).version()).isEqualTo(7);
        assertThat(java.util.UUID.fromString(later).variant()).isEqualTo(2);
        assertThat(earlier.substring(0, 8) + earlier.substring(9, 13)).as("the millisecond, in hex")
                .isEqualTo(String.format("%012x", 1_796_400_000_000L));
        String first = RequestIds.issue("user-1");
        String second = RequestIds.issue("user-2");
        assertThat(first.substring(0, 13)).as("issued later, never sorted earlier")
                .isLessThanOrEqualTo(second.substring(0, 13));
    }

    @Test
    void shouldStillKeyAnIdOfTheEarlierUnitFirstFormByItsUnit() {
        String unit = "user-42";
        String earlierForm = RequestIds.unitKey(unit) + ".5b0e1f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

        assertThat(RequestIds.partitionKey(earlierForm)).isEqualTo(RequestIds.unitKey(unit));
    }

    @Test
    void shouldKeyAnIdItDidNotIssueByTheIdItself() {
        String uuid = "5b0e1f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
        for (String foreign : new String[] {"never-scored", "0123456789abcdef", "0123456789ABCDEF." + uuid,
                "0123456789abcdef-" + uuid, uuid, "0123456789abcdef." + uuid + "x"}) {
            assertThat(RequestIds.partitionKey(foreign)).isEqualTo(foreign);
        }
    }

    @Test
    void shouldSpreadUnitsOverKeys() {
        Set<String> keys = new HashSet<>();
        for (int u = 0; u < 10_000; u++) {
            keys.add(RequestIds.unitKey("unit-" + u));
        }
        assertThat(keys).hasSize(10_000);
    }
}
