package io.mptrec.registry.audit.service;

import io.mptrec.registry.api.AuditView;

import java.util.List;

/** RFC 4180 CSV of audit rows; cells that a spreadsheet would run as a formula are prefixed with a quote. */
final class AuditCsv {

    private AuditCsv() {
    }

    static String write(List<AuditView> rows) {
        StringBuilder out = new StringBuilder("id,at,actor,action,task,version,before,after,reason,adminBypass\r\n");
        for (AuditView r : rows) {
            out.append(r.id()).append(',').append(cell(r.at().toString())).append(',').append(cell(r.actor()))
                    .append(',').append(cell(r.action())).append(',').append(cell(r.task())).append(',')
                    .append(r.version() == null ? "" : r.version()).append(',').append(cell(r.before())).append(',')
                    .append(cell(r.after())).append(',').append(cell(r.reason())).append(',').append(r.adminBypass())
                    .append("\r\n");
        }
        return out.toString();
    }

    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
