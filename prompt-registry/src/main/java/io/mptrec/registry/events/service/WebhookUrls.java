package io.mptrec.registry.events.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one rule of what {@code mptrec.registry.webhooks.urls} may hold, checked when the application starts: a bad entry
 * stops the start, since every registry change writes one delivery row per URL in its own transaction (a duplicate
 * made every change 409 on the unique constraint, an over-long URL every change 500) and a non-HTTP one
 * ({@code file:///etc/passwd}) is no webhook. Addresses are not restricted: a link-local or cloud metadata address
 * ({@code 169.254.169.254}) is accepted, as whoever sets the configuration already runs the application.
 */
public final class WebhookUrls {

    public static final String SETTING = "mptrec.registry.webhooks.urls";
    /** {@code webhook_delivery.url} is VARCHAR(2000) (migrations, V1__registry.sql); UTF-16 units, never more. */
    public static final int MAX_LENGTH = 2000;

    private WebhookUrls() {
    }

    /**
     * Returns the URLs when every entry is an absolute http or https URL with a host and no credentials, at most
     * {@link #MAX_LENGTH} characters, without a control character or white space, and none twice (scheme and host
     * compared without case); otherwise throws, naming the setting, the entry's position and the entry (its
     * credentials masked).
     */
    public static List<String> check(List<String> urls) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get(i);
            URI uri = parse(url, i + 1);
            String key = uri.getScheme().toLowerCase(Locale.ROOT) + "://"
                    + uri.getRawAuthority().toLowerCase(Locale.ROOT) + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            Integer first = seen.putIfAbsent(key, i + 1);
            if (first != null) {
                throw refused(i + 1, url, "repeats entry " + first + " (each event would be written to it twice)");
            }
        }
        return List.copyOf(urls);
    }

    private static URI parse(String url, int entry) {
        if (url == null || url.isBlank()) {
            throw refused(entry, "", "is empty");
        }
        if (url.length() > MAX_LENGTH) {
            throw refused(entry, url, "is " + url.length() + " characters long, at most " + MAX_LENGTH);
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw refused(entry, url, "holds " + String.format("U+%04X", (int) c) + " at index " + i
                        + " (no control character or white space)");
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused(entry, url, "is not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused(entry, url, "is not an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw refused(entry, url, "has no host");
        }
        if (uri.getRawUserInfo() != null) {
            // the JDK's HTTP client sends no credentials from a URL (the receiver would answer 401 for good), and
            // GET /api/v1/events shows each delivery's URL to auditors: refused, and not printed either
            throw refused(entry, url.replaceFirst(Pattern.quote(uri.getRawUserInfo() + "@"), "***@"),
                    "holds credentials (user:password@), which are never sent; a receiver authenticates deliveries "
                            + "by their signature (mptrec.registry.webhooks.secret)");
        }
        return uri;
    }

    private static IllegalArgumentException refused(int entry, String url, String why) {
        return new IllegalArgumentException(SETTING + ": entry " + entry + " '" + shown(url) + "' " + why);
    }

    /** The entry as a log line may show it: control characters by their code, a long one cut. */
    private static String shown(String url) {
        StringBuilder out = new StringBuilder();
        int end = Math.min(url.length(), 100);
        for (int i = 0; i < end; i++) {
            char c = url.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return end < url.length() ? out + "..." : out.toString();
    }
}
