package io.mptrec.governance.ui.page;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.Problem;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.Locale;
import java.util.Map;

/**
 * A refused form, in the form's words, for the page that shows the form again with every value as it was typed: what
 * was not done, the refused field by the form's label (a service names the field of its own request, e.g.
 * {@code successMetrics[0].name}), and the service's reason. The rules stay where they are (the services, the
 * permissions); this only words their refusal.
 *
 * <p>The status is the problem's, but a value typed into the form that names nothing (404 naming one of the form's
 * fields, e.g. a version number) is the form's 400: the page's address is fine.
 *
 * @param field   the refused field as the service or the page named it, or null
 * @param message "Nothing was changed (ramp): a number, got 'abc'."
 */
public record Refusal(int status, String field, String message) {

    /**
     * @param nothing what was not done, e.g. "Nothing was changed"
     * @param labels  the form's label of each field a refusal of it may name (the form's own fields and the fields of
     *                the service's request it fills); a field not listed is named as the refusal names it
     */
    public static Refusal of(ApiException e, String nothing, Map<String, String> labels) {
        Problem p = e.problem();
        String field = p.field();
        String label = field == null ? null : labels.getOrDefault(field, field);
        String reason = reason(p.detail(), field, label);
        int status = p.status() == 404 && field != null && labels.containsKey(field) ? 400 : p.status();
        return new Refusal(status, field, nothing + (label == null ? "" : " (" + label + ")") + ": " + reason
                + (reason.endsWith(".") ? "" : "."));
    }

    /** The form's page again, with this refusal's status. */
    public <T> RestResponse<T> page(T page) {
        return RestResponse.ResponseBuilder.<T>create(status).entity(page).build();
    }

    /**
     * The detail without a subject that repeats the field named before it: the services' "successMetrics[0].name must
     * match ..." reads "must match ...", a page's "Ramp: a number ..." reads "a number ...".
     */
    private static String reason(String detail, String field, String label) {
        if (field == null) {
            return detail;
        }
        String lower = detail.toLowerCase(Locale.ROOT);
        for (String subject : new String[] {field + " must ", field + " holds ", label + ": "}) {
            if (lower.startsWith(subject.toLowerCase(Locale.ROOT))) {
                int from = subject.endsWith(": ") ? subject.length() : field.length() + 1;
                return detail.substring(from);
            }
        }
        return detail;
    }
}
