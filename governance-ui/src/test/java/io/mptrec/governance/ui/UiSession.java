package io.mptrec.governance.ui;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A signed-in browser session without a browser: the form sign-in cookie, plus the CSRF cookie and form token. */
public final class UiSession {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    private final String session;
    private String csrfCookie;
    private String csrfToken;

    private UiSession(String session) {
        this.session = session;
    }

    public static UiSession signIn(String user) {
        Response r = RestAssured.given().redirects().follow(false)
                .formParam("j_username", user).formParam("j_password", user)
                .post("/j_security_check");
        assertThat(r.statusCode()).as("sign-in of " + user).isEqualTo(302);
        String cookie = r.getCookie("quarkus-credential");
        assertThat(cookie).as("session cookie of " + user).isNotBlank();
        return new UiSession(cookie);
    }

    public RequestSpecification given() {
        RequestSpecification spec = RestAssured.given().redirects().follow(false).cookie("quarkus-credential", session);
        return csrfCookie == null ? spec : spec.cookie("csrf-token", csrfCookie);
    }

    /** GET a page and keep its CSRF token for the next form post. */
    public Response get(String path) {
        Response r = given().get(path);
        String cookie = r.getCookie("csrf-token");
        if (cookie != null) {
            csrfCookie = cookie;
        }
        Matcher m = TOKEN.matcher(r.asString());
        if (m.find()) {
            csrfToken = m.group(1);
        }
        return r;
    }

    /** POST a form with this session's CSRF token; fields as name, value pairs. */
    public Response post(String path, String... fields) {
        RequestSpecification spec = given().contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParam("csrf-token", csrfToken);
        for (int i = 0; i < fields.length; i += 2) {
            spec = spec.formParam(fields[i], fields[i + 1]);
        }
        return spec.post(path);
    }

    public String csrfToken() {
        return csrfToken;
    }
}
