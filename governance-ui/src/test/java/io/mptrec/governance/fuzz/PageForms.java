package io.mptrec.governance.fuzz;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pages' forms (url-encoded and multipart) as the fuzzer sends them: a signed-in session with its CSRF cookie and
 * token (every post carries them, so that what is tested is the field, not the CSRF check), form values with one
 * field mutated, and the multipart parts of the upload and covariate forms.
 */
final class PageForms {

    private PageForms() {
    }

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    /** A form sign-in: the session cookie, the CSRF cookie and the form token of a page. */
    record Session(String cookies, String token) {

        static Session signIn(String base, String user) throws Exception {
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            // as a browser: the sign-in page's token cookie, and the form's action that repeats it
            io.mptrec.governance.ui.UiSession.SignInPage form = io.mptrec.governance.ui.UiSession.signInPage();
            HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(URI.create(base + form.action()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", "mptrec-sign-in=" + form.cookie())
                    .POST(HttpRequest.BodyPublishers.ofString("j_username=" + user + "&j_password=" + user)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String credential = cookie(signIn, "quarkus-credential");
            if (credential == null) {
                throw new IllegalStateException("page sign-in of " + user + " answered " + signIn.statusCode());
            }
            String signedIn = "quarkus-credential=" + credential + "; mptrec-session=" + cookie(signIn, "mptrec-session");
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/upload"))
                    .header("Cookie", signedIn).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String csrf = cookie(page, "csrf-token");
            Matcher m = TOKEN.matcher(page.body());
            if (csrf == null || !m.find()) {
                throw new IllegalStateException("no CSRF token on /ui/upload (" + page.statusCode() + ")");
            }
            return new Session(signedIn + "; csrf-token=" + csrf, m.group(1));
        }

        private static String cookie(HttpResponse<?> response, String name) {
            for (String header : response.headers().allValues("Set-Cookie")) {
                if (header.startsWith(name + "=")) {
                    return header.substring(name.length() + 1, header.indexOf(';') < 0 ? header.length()
                            : header.indexOf(';'));
                }
            }
            return null;
        }
    }

    /** A form value mutation: the raw text (encoded per form kind), its family, whether it parses as text at all. */
    record Value(String family, String raw) {
    }

    static List<Value> values() {
        return List.of(new Value("empty", ""), new Value("blank", "   "), new Value("nul", "\u0000"),
                new Value("nul", "a\u0000b"), new Value("control-char", "\u001b[31mred"),
                new Value("control-char", "bell\u0007"), new Value("control-char", "c1\u0085"),
                new Value("string-4001", "r".repeat(4001)), new Value("string-100k", "x".repeat(100_000)),
                new Value("wrong-type", "abc"), new Value("number-1e309", "1e309"), new Value("non-finite", "NaN"),
                new Value("non-finite", "Infinity"), new Value("negative", "-1"),
                new Value("int-overflow", "2147483648"),
                new Value("long-overflow", "9223372036854775808"), new Value("fraction", "1.5"),
                new Value("minus-zero", "-0"), new Value("subnormal", "1e-320"), new Value("unicode", "Zoë-日本"),
                new Value("lone-surrogate", "a\ud800b"), new Value("unknown-id", "999999"),
                new Value("unknown-id", "no-such-thing"), new Value("far-date", "-999999999-01-01T00:00:00Z"));
    }

    static String urlEncoded(Map<String, String> fields, String token, String duplicate) {
        StringBuilder out = new StringBuilder("csrf-token=").append(encode(token));
        fields.forEach((k, v) -> out.append('&').append(encode(k)).append('=').append(v == null ? "" : encode(v)));
        if (duplicate != null) {
            out.append('&').append(encode(duplicate)).append("=other");
        }
        return out.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A multipart part: a text field, or a file with its name and content type. */
    record Part(String name, String filename, String contentType, byte[] content) {
        static Part text(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    static byte[] multipart(String boundary, List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(p.name()).append('"');
            if (p.filename() != null) {
                head.append("; filename=\"").append(p.filename()).append('"');
            }
            head.append("\r\n");
            if (p.contentType() != null) {
                head.append("Content-Type: ").append(p.contentType()).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Covariate files (unitId,metric,value lines) that the form must refuse or take, never fail on. */
    static List<Value> covariateFiles() {
        List<Value> files = new ArrayList<>();
        files.add(new Value("csv-nul", "unit-1\u0000,click,1\n"));
        files.add(new Value("csv-control-char", "unit-\u001b1,click,1\n"));
        files.add(new Value("csv-number-1e309", "unit-1,click,1e309\n"));
        files.add(new Value("csv-non-finite", "unit-1,click,NaN\nunit-2,click,-Infinity\n"));
        files.add(new Value("csv-huge-number", "unit-1,click,1e155\n"));
        files.add(new Value("csv-missing-column", "unit-1,click\n"));
        files.add(new Value("csv-extra-column", "unit-1,click,1,extra\n"));
        files.add(new Value("csv-long-unit", "u".repeat(201) + ",click,1\n"));
        files.add(new Value("csv-byte-order-mark", "\uFEFFunitId,metric,value\nunit-1,click,1\n"));
        files.add(new Value("csv-unknown-metric", "unit-1,no-such-metric,1\n"));
        files.add(new Value("csv-empty", ""));
        files.add(new Value("csv-header-only", "unitId,metric,value\n"));
        files.add(new Value("csv-quoted", "\"unit-1\",\"click\",\"1\"\n"));
        files.add(new Value("csv-lone-surrogate", "unit-\ud800,click,1\n"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            many.append("unit-").append(i).append(",click,1\n");
        }
        files.add(new Value("csv-100k-lines", many.toString()));
        files.add(new Value("csv-one-huge-line", "x".repeat(2_000_000)));
        return files;
    }

    static byte[] noise(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }
}
