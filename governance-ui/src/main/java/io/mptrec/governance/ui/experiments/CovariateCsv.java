package io.mptrec.governance.ui.experiments;

import io.mptrec.ab.covariate.CovariateRequests.CovariateValue;
import io.mptrec.ab.covariate.service.CovariateService;
import io.mptrec.ab.kpi.KpiValues;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.problem.Problem;
import io.mptrec.kernel.security.Names;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The covariate file of the experiment page: one line per unit and metric, {@code unitId,metric,value}, as a CSV
 * export of a pre-period query gives it. A first line {@code unitId,metric,value} (any case) is a header; blank lines
 * are skipped; a unit id cannot hold a comma. The whole file is checked before anything is stored, with the API's checks
 * of the unit id and the value ({@link Names#requireText}, {@link KpiValues#requireValue}), so a refusal names the line.
 * It is read line by line and refused at the first bad line or at the first value beyond the batch's 10,000, without
 * reading the rest.
 */
final class CovariateCsv {

    private CovariateCsv() {
    }

    /**
     * @throws ApiException a bad line, too many values or none (field {@code file, line N} or {@code file})
     * @throws java.nio.charset.MalformedInputException the file is not UTF-8 (from a reader with a reporting decoder)
     */
    static Lines parse(BufferedReader lines) throws IOException {
        List<CovariateValue> values = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        int number = 0;
        for (String raw = lines.readLine(); raw != null; raw = lines.readLine()) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || (number == 1 && line.replace(" ", "").equalsIgnoreCase("unitId,metric,value"))) {
                continue;
            }
            String at = "file, line " + number;
            String[] cells = line.split(",", -1);
            if (cells.length != 3) {
                throw ApiException.badRequest("invalid-input", "expected unitId,metric,value, got " + cells.length
                        + " comma-separated cells", at);
            }
            double value;
            try {
                value = Double.parseDouble(cells[2].strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid-input", "'" + cells[2].strip() + "' is not a number", at);
            }
            Names.requireText(cells[0].strip(), 200, at);
            KpiValues.requireValue(value, at);
            values.add(new CovariateValue(cells[0].strip(), cells[1].strip(), value));
            numbers.add(number);
            if (values.size() > CovariateService.MAX_BATCH) {
                throw ApiException.badRequest("invalid-input", "a file holds at most " + CovariateService.MAX_BATCH
                        + " values; split it", "file");
            }
        }
        if (values.isEmpty()) {
            throw ApiException.badRequest("invalid-input", "the file holds no unitId,metric,value line", "file");
        }
        return new Lines(values, numbers);
    }

    /** The values read, and the file's line of each. */
    record Lines(List<CovariateValue> values, List<Integer> numbers) {

        private static final Pattern VALUE = Pattern.compile("covariates\\[(\\d+)].*");

        /**
         * The service's refusal of value i ({@code covariates[i].metric}) as the page names it, by the file's line
         * ({@code file, line N}), as the parser names its own refusals.
         */
        ApiException onLines(ApiException e) {
            Problem p = e.problem();
            Matcher m = p.field() == null || p.status() != 400 ? null : VALUE.matcher(p.field());
            if (m == null || !m.matches() || Integer.parseInt(m.group(1)) >= numbers.size()) {
                return e;
            }
            return ApiException.badRequest(p.type().substring(p.type().lastIndexOf('/') + 1), p.detail(),
                    "file, line " + numbers.get(Integer.parseInt(m.group(1))));
        }
    }
}
