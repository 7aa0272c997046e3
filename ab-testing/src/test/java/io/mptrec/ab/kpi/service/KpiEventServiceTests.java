package io.mptrec.ab.kpi.service;

import io.mptrec.ab.kpi.KpiRequests.KpiEventRequest;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The edge's rules for a KPI batch: a refusal names the field (with the event's index) and the reason. */
class KpiEventServiceTests {

    @ParameterizedTest(name = "[{index}] {0} = \"{1}\"")
    @CsvSource(value = {
            "eventId | '' | events[1].eventId must have 1 to 100 characters",
            "eventId | '   ' | events[1].eventId must have 1 to 100 characters, not only white space",
            "requestId | '' | events[1].requestId must have 1 to 64 characters",
            "requestId | ' ' | events[1].requestId must have 1 to 64 characters, not only white space"
    }, delimiter = '|')
    void shouldRefuseAnEmptyTextNamingTheFieldInTheDetail(String field, String value, String detail) {
        KpiEventRequest bad = "eventId".equals(field) ? new KpiEventRequest(value, "request-1", "click", 1.0)
                : new KpiEventRequest("event-2", value, "click", 1.0);

        Problem problem = refusal(List.of(new KpiEventRequest("event-1", "request-1", "click", 1.0), bad));

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.field()).isEqualTo("events[1]." + field);
        assertThat(problem.detail()).isEqualTo(detail);
    }

    @Test
    void shouldRefuseAnOverlongEventIdAsTheOtherTextFieldsAre() {
        Problem problem = refusal(List.of(new KpiEventRequest("e".repeat(101), "request-1", "click", 1.0)));

        assertThat(problem.field()).isEqualTo("events[0].eventId");
        assertThat(problem.detail()).isEqualTo("events[0].eventId must have 1 to 100 characters");
    }

    @Test
    void shouldKeepTheFirstOfRepeatedIdsInIdOrder() {
        KpiEventRequest first = new KpiEventRequest("b", "request-1", "click", 1.0);
        KpiEventRequest again = new KpiEventRequest("b", "request-1", "click", 5.0);
        KpiEventRequest other = new KpiEventRequest("a", "request-2", "click", 1.0);

        assertThat(KpiEventService.validate(List.of(first, again, other)).values()).containsExactly(other, first);
    }

    private static Problem refusal(List<KpiEventRequest> events) {
        ApiException refused = catchThrowableOfType(ApiException.class, () -> KpiEventService.validate(events));
        assertThat(refused).as("refused").isNotNull();
        return refused.problem();
    }
}
