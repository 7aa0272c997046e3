package io.mptrec.ab.serving;

import io.mptrec.ab.assignment.Assigner;

import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The ids {@code /score} gives its requests, and the key under which a request's records travel on the event topic.
 *
 * <p>An id is a time-ordered UUID (version 7: the millisecond first, then random bits) and the unit's key (16 hex
 * digits of {@link Assigner#hash64} over the unit id): {@code 019a…5b0e.3f2a…9c01}. A KPI event names only its
 * request, yet through the id it carries its unit's key, so an exposure, its KPI events and every other request of the
 * same unit share one key, hence one partition, in the order they were published (ab-testing/README.md, "Keys").
 *
 * <p>Why time first: the exposure table's unique index on the request id then takes each new id at its right edge,
 * so a batch of exposures changes one or two of its pages instead of one page per row. With the unit's key first (the
 * form before 2026-12-04) every stored exposure replaced a page of its own: with H2 most of the exposure writer's CPU
 * (ab-testing/BENCHMARK.md). An id of that earlier form ({@code <unit key>.<uuid>}) still gives its unit's key; any
 * other id (made up by a client, when it joins no exposure) is its own key, which still keeps a request's exposure and
 * events together.
 */
public final class RequestIds {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern ISSUED = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
            + "[0-9a-f]{12}\\.[0-9a-f]{16}");
    private static final Pattern ISSUED_UNIT_FIRST = Pattern.compile("[0-9a-f]{16}\\.[0-9a-f-]{36}");

    private RequestIds() {
    }

    /** A new request id for a request of {@code unitId}: 53 characters, within the 64 a request id may have. */
    public static String issue(String unitId) {
        return timeOrderedUuid(System.currentTimeMillis()) + "." + unitKey(unitId);
    }

    /** The topic key of every record of this unit's requests. */
    public static String unitKey(String unitId) {
        return HEX.toHexDigits(Assigner.hash64(unitId));
    }

    /** The topic key of a record of this request: its unit's key when {@link #issue} made the id, else the id. */
    public static String partitionKey(String requestId) {
        if (ISSUED.matcher(requestId).matches()) {
            return requestId.substring(37);
        }
        return ISSUED_UNIT_FIRST.matcher(requestId).matches() ? requestId.substring(0, 16) : requestId;
    }

    /**
     * A version-7 UUID (RFC 9562): 48 bits of Unix milliseconds, the version, 74 random bits and the variant, so that
     * ids sort by the millisecond they were issued in.
     */
    static String timeOrderedUuid(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
