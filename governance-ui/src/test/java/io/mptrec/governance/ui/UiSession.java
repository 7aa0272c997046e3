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
    private static final Pattern SIGN_IN_ACTION = Pattern.compile("action=\"(/j_security_check\\?[^\"]+)\"");

    private final String session;
    private final String live;
    private String csrfCookie;
    private String csrfToken;

    private UiSession(String session, String live) {
        this.session = session;
        this.live = live;
    }

    public static UiSession signIn(String user) {
        Response r = signInPage().post(user, user);
        assertThat(r.statusCode()).as("sign-in of " + user).isEqualTo(302);
        String cookie = r.getCookie("quarkus-credential");
        assertThat(cookie).as("session cookie of " + user).isNotBlank();
        String live = r.getCookie("mptrec-session");
        assertThat(live).as("server-side session of " + user).isNotBlank();
        return new UiSession(cookie, live);
    }

    /** The sign-in page as a browser gets it: its CSRF cookie and the form's action, which repeats the token. */
    public record SignInPage(String cookie, String action) {

        /** Posts the sign-in form of this page (no redirects followed). */
        public Response post(String user, String password) {
            return RestAssured.given().redirects().follow(false).cookie("mptrec-sign-in", cookie)
                    .formParam("j_username", user).formParam("j_password", password).post(action);
        }
    }

    public static SignInPage signInPage() {
        Response page = RestAssured.given().get("/login");
        Matcher m = SIGN_IN_ACTION.matcher(page.asString());
        assertThat(m.find()).as("sign-in form action").isTrue();
        return new SignInPage(page.getCookie("mptrec-sign-in"), m.group(1).replace("&amp;", "&"));
    }

    public RequestSpecification given() {
        RequestSpecification spec = RestAssured.given().redirects().follow(false).cookie("quarkus-credential", session)
                .cookie("mptrec-session", live);
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

    /** The session's cookies as one Cookie header, for clients other than REST Assured. */
    public String cookieHeader() {
        return "quarkus-credential=" + session + "; mptrec-session=" + live
                + (csrfCookie == null ? "" : "; csrf-token=" + csrfCookie);
    }

    public String csrfToken() {
        return csrfToken;
    }
}
