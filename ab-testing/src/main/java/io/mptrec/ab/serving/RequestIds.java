package io.mptrec.ab.serving;

import io.mptrec.ab.assignment.Assigner;

import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The ids {@code /score} gives its requests, and the key under which a request's records travel on the event topic.
 *
 * <p>An id is the unit's key (16 hex digits of {@link Assigner#hash64} over the unit id) and a random UUID:
 * {@code 3f2a…9c01.5b0e…}. A KPI event names only its request, yet through the id it carries its unit's key, so an
 * exposure, its KPI events and every other request of the same unit share one key, hence one partition, in the order
 * they were published (ab-testing/README.md, "Keys"). A request id not of this form (issued before it, or made up
 * by a client, when it joins no exposure) is its own key, which still keeps a request's exposure and events together.
 */
public final class RequestIds {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern ISSUED = Pattern.compile("[0-9a-f]{16}\\.[0-9a-f-]{36}");

    private RequestIds() {
    }

    /** A new request id for a request of {@code unitId}: 53 characters, within the 64 a request id may have. */
    public static String issue(String unitId) {
        return unitKey(unitId) + "." + UUID.randomUUID();
    }

    /** The topic key of every record of this unit's requests. */
    public static String unitKey(String unitId) {
        return HEX.toHexDigits(Assigner.hash64(unitId));
    }

    /** The topic key of a record of this request: its unit's key when {@link #issue} made the id, else the id. */
    public static String partitionKey(String requestId) {
        return ISSUED.matcher(requestId).matches() ? requestId.substring(0, 16) : requestId;
    }
}
