package io.mptrec.registry.api;

import java.util.List;

/** The append-only audit log, read: oldest first, filtered, paged, exported. */
public interface AuditTrail {

    List<AuditView> page(AuditFilter filter, int page, int size);

    long count(AuditFilter filter);

    /** Every action the log holds, sorted: what a filter by action can find. */
    List<String> actions();

    /** Every entry the filter selects. */
    List<AuditView> all(AuditFilter filter);

    /** {@code format}: csv (also when null) or json; anything else is 400 {@code invalid-format}. */
    Export export(AuditFilter filter, String format);

    /** The file: its body, media type and name. */
    record Export(String body, String mediaType, String fileName) {
    }
}
