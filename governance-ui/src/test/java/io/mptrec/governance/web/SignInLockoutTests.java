package io.mptrec.governance.web;

import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.ui.UiSession;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong passwords lock a user name out (and, more of them, a client address), on HTTP Basic and the sign-in form
 * alike, with small limits so the test is quick: 3 per name, 8 per address, 6 seconds (long enough for a loaded machine to send them within one window).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(SignInLockoutTests.SmallLimits.class)
class SignInLockoutTests {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mptrec.sign-in.max-failures", "3", "mptrec.sign-in.max-failures-per-address", "8",
                    "mptrec.sign-in.lockout", "PT6S",
                    // as behind a TLS-terminating proxy (see shouldMarkEveryCookieSecureOverHttps)
                    "quarkus.http.proxy.proxy-address-forwarding", "true", "quarkus.http.proxy.allow-x-forwarded", "true");
        }
    }

    @BeforeEach
    void letEarlierLockoutsExpire() throws InterruptedException {
        Thread.sleep(6_100);
    }

    @Test
    void shouldLockAUserNameOutOfBasicAfterRepeatedWrongPasswordsWith429AndRetryAfter() throws Exception {
        for (int i = 0; i < 3; i++) {
            // refused credentials are a problem with the API's challenge, as missing ones (the body was empty)
            RestAssured.given().auth().preemptive().basic("carol", "guess" + i).get("/api/v1/tasks").then()
                    .statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", "Basic realm=\"mptrec\"")
                    .body("detail", org.hamcrest.Matchers.startsWith("the credentials were refused"));
        }
        Response locked = as("carol").get("/api/v1/tasks");
        assertThat(locked.statusCode()).as("the right password while locked out").isEqualTo(429);
        assertThat(locked.contentType()).startsWith("application/problem+json");
        assertThat(locked.jsonPath().getString("title")).isEqualTo("Too many failed sign-ins");
        assertThat(Integer.parseInt(locked.header("Retry-After"))).isBetween(1, 7);
        as("dave").get("/api/v1/tasks").then().statusCode(200); // another user name is not locked out

        Thread.sleep(6_100);
        as("carol").get("/api/v1/tasks").then().statusCode(200);
    }

    @Test
    void shouldLockAUserNameOutOfTheSignInFormAndSaySoOnTheSignInPage() throws Exception {
        for (int i = 0; i < 3; i++) {
            Response wrong = UiSession.signInPage().post("bob", "guess" + i);
            assertThat(wrong.header("Location")).endsWith("/login?error=true");
        }
        Response locked = UiSession.signInPage().post("bob", "bob");
        assertThat(locked.statusCode()).isEqualTo(302);
        assertThat(locked.header("Location")).contains("/login?locked=");
        assertThat(locked.getCookie("quarkus-credential")).as("no session while locked out").isNull();
        assertThat(RestAssured.get(locked.header("Location")).asString()).contains("Too many failed sign-ins");
        // Basic for the same name is locked out as well
        as("bob").get("/api/v1/tasks").then().statusCode(429);
    }

    @Test
    void shouldLockAClientAddressOutAfterWrongPasswordsForManyUserNames() {
        for (int i = 0; i < 8; i++) {
            RestAssured.given().auth().preemptive().basic("nobody" + i, "guess").get("/api/v1/tasks").then()
                    .statusCode(401);
        }
        as("erin").get("/api/v1/tasks").then().statusCode(429);
        assertThat(UiSession.signInPage().post("erin", "erin").header("Location")).contains("/login?locked=");
    }

    /** Served over HTTPS (here: a proxy that terminates TLS says so), the cookies are Secure; over HTTP they are not. */
    @Test
    void shouldMarkEveryCookieSecureOverHttpsOnly() {
        Response page = RestAssured.given().header("X-Forwarded-Proto", "https").get("/login");
        assertThat(page.getDetailedCookie("mptrec-sign-in").isSecured()).isTrue();
        Response signedIn = RestAssured.given().redirects().follow(false).header("X-Forwarded-Proto", "https")
                .cookie("mptrec-sign-in", page.getCookie("mptrec-sign-in")).formParam("j_username", "erin")
                .formParam("j_password", "erin").post("/j_security_check?sign-in-token=" + page.getCookie("mptrec-sign-in"));
        assertThat(signedIn.getDetailedCookie("quarkus-credential").isSecured()).as(signedIn.headers().toString())
                .isTrue();
        assertThat(signedIn.getDetailedCookie("mptrec-session").isSecured()).isTrue();
        Response ui = RestAssured.given().header("X-Forwarded-Proto", "https")
                .cookie("quarkus-credential", signedIn.getCookie("quarkus-credential"))
                .cookie("mptrec-session", signedIn.getCookie("mptrec-session")).get("/ui");
        assertThat(ui.getDetailedCookie("csrf-token").isSecured()).isTrue();

        assertThat(RestAssured.get("/login").getDetailedCookie("mptrec-sign-in").isSecured()).isFalse();
        assertThat(UiSession.signInPage().post("erin", "erin").getDetailedCookie("quarkus-credential").isSecured())
                .isFalse();
    }

    @Test
    void shouldNotLetAWrongPasswordCountAsASuccessWhereBasicIsNotUsed() {
        for (int i = 0; i < 2; i++) {
            RestAssured.given().auth().preemptive().basic("amy", "guess").get("/api/v1/tasks").then().statusCode(401);
            // the pages ignore Basic: carrying the name there must not reset its count
            RestAssured.given().redirects().follow(false).auth().preemptive().basic("amy", "guess").get("/ui");
        }
        RestAssured.given().auth().preemptive().basic("amy", "guess").get("/api/v1/tasks").then().statusCode(401);
        as("amy").get("/api/v1/tasks").then().statusCode(429);
    }
}
