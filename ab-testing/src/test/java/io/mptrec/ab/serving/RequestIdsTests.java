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
