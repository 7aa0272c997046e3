package io.mptrec.governance.identity;

import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.governance.ui.Browser;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The application with Keycloak (profile "keycloak") against a real Keycloak 26 started for this test: code-flow
 * sign-in of the pages (over HTTP, and in headless Chromium on Keycloak's own sign-in page), bearer tokens for the
 * API with roles from realm_access.roles, role checks, and tokens that must be refused (another issuer, a forged
 * signature, an expired one, HTTP Basic of the embedded users).
 */
@QuarkusTest
@TestProfile(KeycloakProfile.class)
@QuarkusTestResource(PostgresResource.class)
@WithTestResource(KeycloakResource.class)
class KeycloakSignInTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final Pattern LOGIN_FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");
    static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @TestHTTPResource("/")
    URL app;

    String keycloak;

    @BeforeEach
    void requireKeycloak() {
        var config = ConfigProvider.getConfig();
        var absent = config.getOptionalValue(KeycloakResource.ABSENT, String.class);
        if (absent.isPresent()) {
            String message = "KEYCLOAK TESTS NOT RUN: " + absent.get();
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message + " Under CI=true this is a failure.");
            }
            System.err.println("\n" + "!".repeat(100) + "\n" + message + "\n" + "!".repeat(100) + "\n");
            Assumptions.abort(message);
        }
        keycloak = config.getValue(KeycloakResource.URL, String.class);
    }

    @Test
    void shouldSignInThroughTheCodeFlowAndSignOutAgain() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new LoopbackCookies())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        String base = "http://127.0.0.1:" + app.getPort();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(base + "/ui")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.uri().toString()).startsWith(keycloak + "/realms/mptrec/protocol/openid-connect/auth");
        HttpResponse<String> page = submitLogin(browser, login.body(), "carol");
        assertThat(page.statusCode()).as(page.uri() + "\n" + page.body()).isEqualTo(200);
        assertThat(page.uri().toString()).startsWith(base + "/ui");
        assertThat(page.body()).contains("Signed in as <strong>carol</strong>").contains("release-manager")
                .contains("<h1>Tasks</h1>");

        // roles from the realm decide on the pages too: carol is no auditor
        HttpResponse<String> audit = browser.send(HttpRequest.newBuilder(URI.create(base + "/ui/audit")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(audit.statusCode()).isEqualTo(403);
        assertThat(audit.body()).contains("carol (release-manager) may not read the audit log");

        // sign out: a CSRF-checked form, then Keycloak's logout, back on our signed-out page
        Matcher token = CSRF.matcher(page.body());
        assertThat(token.find()).isTrue();
        HttpResponse<String> out = browser.send(HttpRequest.newBuilder(URI.create(base + "/ui/logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf-token=" + token.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(out.uri().toString()).startsWith(base + "/signed-out");
        assertThat(out.body()).contains("You are signed out");
        HttpResponse<String> again = browser.send(HttpRequest.newBuilder(URI.create(base + "/ui")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.uri().toString()).as("signed out of Keycloak too").startsWith(keycloak);
    }

    /** The same sign-in in a real browser: Keycloak's own page, typed credentials, role-appropriate pages, sign-out. */
    @Test
    void shouldSignInWithTheBrowserOnKeycloaksPageAndSignOut() throws Exception {
        String task = "kc-browser";
        String alice = token("mptrec-cli", "alice");
        assertThat(bearer(alice).contentType("application/zip").body(ENCODER.toZip()).post("/api/v1/encoders")
                .statusCode()).isIn(200, 201);
        int v = bearer(alice).contentType("application/zip").body(TestArtifacts.prompt(ENCODER, task, 71).toZip())
                .post("/api/v1/tasks/" + task + "/versions").then().statusCode(201).extract().path("number");
        transition(alice, task, v, "submit").statusCode(200);
        transition(token("mptrec-cli", "bob"), task, v, "approve").statusCode(200);

        // 127.0.0.1, as registered with Keycloak for this run; browsers send Keycloak's Secure cookies to it
        try (Browser b = Browser.start(new URL("http://127.0.0.1:" + app.getPort() + "/"))) {
            b.open("/ui/tasks/" + task + "/versions/" + v);
            new WebDriverWait(b.driver(), Duration.ofSeconds(20)).until(ExpectedConditions.urlContains(
                    keycloak + "/realms/mptrec/protocol/openid-connect/auth"));
            b.find(By.id("username")).sendKeys("carol");
            b.find(By.id("password")).sendKeys("carol");
            b.screenshot("20-keycloak-sign-in");
            b.find(By.id("kc-login")).click();

            // back on the page asked for, signed in with the realm's roles
            b.awaitH1(task + " v" + v);
            assertThat(b.driver().getCurrentUrl()).startsWith("http://127.0.0.1:" + app.getPort() + "/ui/tasks/" + task);
            assertThat(b.find(By.tagName("header")).getText()).contains("Signed in as carol").contains("release-manager");
            // a release manager is offered the release, not submit or the bypass; the review queue has no Approve
            assertThat(b.find(By.partialLinkText("Release to production")).isDisplayed()).isTrue();
            assertThat(b.driver().findElements(By.xpath("//button[text()='Submit for review']"))).isEmpty();
            assertThat(b.driver().findElements(By.cssSelector("a.bypass"))).isEmpty();
            b.assertAccessible("version page signed in through Keycloak");
            b.screenshot("21-keycloak-signed-in");
            b.open("/ui/tasks/" + task + "/labels");
            assertThat(b.find(By.id("labels-forbidden")).getText()).contains("needs the role prompt-author");
            b.open("/ui/audit");
            assertThat(b.text()).contains("carol (release-manager) may not read the audit log");

            // sign out: ours, then Keycloak's, back on the signed-out page; /ui asks Keycloak for a sign-in again
            b.open("/ui");
            b.find(By.xpath("//button[text()='Sign out']")).click();
            new WebDriverWait(b.driver(), Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/signed-out"));
            assertThat(b.text()).contains("You are signed out");
            b.open("/ui");
            new WebDriverWait(b.driver(), Duration.ofSeconds(20)).until(ExpectedConditions.urlContains(
                    keycloak + "/realms/mptrec/protocol/openid-connect/auth"));
            assertThat(b.find(By.id("kc-login")).isDisplayed()).isTrue();
        }
    }

    @Test
    void shouldTakeRolesFromBearerTokensAndRefuseWhatTheyDoNotAllow() {
        String alice = token("mptrec-cli", "alice");
        String bob = token("mptrec-cli", "bob");
        String dave = token("mptrec-cli", "dave");
        String task = "kc-roles";

        assertThat(bearer(alice).contentType("application/zip").body(ENCODER.toZip()).post("/api/v1/encoders")
                .statusCode()).isIn(200, 201);
        int v = bearer(alice).contentType("application/zip").body(TestArtifacts.prompt(ENCODER, task, 61).toZip())
                .post("/api/v1/tasks/" + task + "/versions").then().statusCode(201)
                .body("author", equalTo("alice")).extract().path("number");
        transition(alice, task, v, "submit").statusCode(200);

        // an author cannot approve (role), not even someone else's version
        transition(alice, task, v, "approve").statusCode(403);
        // an auditor can read and export, and change nothing
        bearer(dave).get("/api/v1/audit?task=" + task).then().statusCode(200);
        bearer(dave).get("/api/v1/audit/export?format=csv").then().statusCode(200);
        transition(dave, task, v, "approve").statusCode(403);
        transition(dave, task, v, "reject").statusCode(403);
        transition(dave, task, v, "release").statusCode(403);
        bearer(dave).contentType("application/json").body("{\"reason\":\"x\"}").post("/api/v1/tasks/" + task + "/rollback")
                .then().statusCode(403);
        bearer(dave).contentType("application/json").body("{\"version\":1}").put("/api/v1/tasks/" + task + "/labels/staging")
                .then().statusCode(403);
        bearer(dave).contentType("application/zip").body(TestArtifacts.prompt(ENCODER, task, 62).toZip())
                .post("/api/v1/tasks/" + task + "/versions").then().statusCode(403);
        // the approver approves; the audit log names people, not subject ids
        transition(bob, task, v, "approve").statusCode(200).body("status", equalTo("APPROVED"));
        List<String> actors = bearer(dave).get("/api/v1/audit?task=" + task).then().extract().path("items.actor");
        assertThat(actors).containsExactly("alice", "alice", "bob");
    }

    @Test
    void shouldRefuseTokensFromAnotherIssuerForgedExpiredOrBasic() throws Exception {
        // a genuine token of the same Keycloak, but another realm (issuer .../realms/master)
        String master = RestAssured.given().formParam("grant_type", "password").formParam("client_id", "admin-cli")
                .formParam("username", "admin").formParam("password", "admin")
                .post(keycloak + "/realms/master/protocol/openid-connect/token").then().statusCode(200)
                .extract().path("access_token");
        bearer(master).get("/api/v1/tasks").then().statusCode(401);

        // a token that claims our issuer and admin, signed with a key Keycloak never had
        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("forged");
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(keycloak + "/realms/mptrec");
        claims.setSubject("mallory");
        claims.setClaim("preferred_username", "mallory");
        claims.setClaim("realm_access", Map.of("roles", List.of("admin")));
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setIssuedAtToNow();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue("forged");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        bearer(jws.getCompactSerialization()).get("/api/v1/tasks").then().statusCode(401);

        // an expired token (the test client's tokens live 3 s)
        String shortLived = token(KeycloakResource.SHORT_CLIENT, "erin");
        bearer(shortLived).get("/api/v1/tasks").then().statusCode(200);
        Thread.sleep(5000);
        bearer(shortLived).get("/api/v1/tasks").then().statusCode(401);

        // with Keycloak configured, the embedded users' Basic credentials open nothing
        RestAssured.given().auth().preemptive().basic("admin", "admin").get("/api/v1/tasks").then().statusCode(401);
        RestAssured.given().get("/api/v1/tasks").then().statusCode(401);
    }

    /**
     * A cookie jar like a browser's on loopback: browsers treat http://127.0.0.1 as a secure context and send
     * Keycloak's Secure cookies there; java.net.CookieManager would drop them, so the flag is removed on the way in.
     */
    static final class LoopbackCookies extends java.net.CookieHandler {
        private final CookieManager delegate = new CookieManager();

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws java.io.IOException {
            return delegate.get(uri, headers);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws java.io.IOException {
            Map<String, List<String>> plain = new java.util.HashMap<>();
            headers.forEach((k, v) -> plain.put(k, k != null && k.equalsIgnoreCase("Set-Cookie")
                    ? v.stream().map(c -> c.replaceAll("(?i);\\s*Secure", "")).toList() : v));
            delegate.put(uri, plain);
        }
    }

    private HttpResponse<String> submitLogin(HttpClient browser, String loginPage, String user) throws Exception {
        Matcher m = LOGIN_FORM.matcher(loginPage);
        assertThat(m.find()).as("Keycloak's sign-in form").isTrue();
        String action = m.group(1).replace("&amp;", "&");
        String form = Map.of("username", user, "password", user, "credentialId", "").entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return browser.send(HttpRequest.newBuilder(URI.create(action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token(String client, String user) {
        return RestAssured.given().formParam("grant_type", "password").formParam("client_id", client)
                .formParam("username", user).formParam("password", user)
                .post(keycloak + "/realms/mptrec/protocol/openid-connect/token").then().statusCode(200)
                .extract().path("access_token");
    }

    private static RequestSpecification bearer(String token) {
        return RestAssured.given().auth().oauth2(token);
    }

    private static io.restassured.response.ValidatableResponse transition(String token, String task, int v, String action) {
        return bearer(token).contentType("application/json").body("reject".equals(action) ? "{\"comment\":\"no\"}" : "{}")
                .post("/api/v1/tasks/" + task + "/versions/" + v + "/" + action).then();
    }
}
