package io.mptrec.governance.ui.experiments;

import io.mptrec.ab.covariate.CovariateRequests.CovariateValue;
import io.mptrec.ab.covariate.service.CovariateService;
import io.mptrec.ab.kpi.KpiValues;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
    static List<CovariateValue> parse(BufferedReader lines) throws IOException {
        List<CovariateValue> values = new ArrayList<>();
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
            if (values.size() > CovariateService.MAX_BATCH) {
                throw ApiException.badRequest("invalid-input", "a file holds at most " + CovariateService.MAX_BATCH
                        + " values; split it", "file");
            }
        }
        if (values.isEmpty()) {
            throw ApiException.badRequest("invalid-input", "the file holds no unitId,metric,value line", "file");
        }
        return values;
    }
}
