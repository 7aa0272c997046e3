package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** REST calls as the embedded users (HTTP Basic, password = user name in the default configuration). */
public final class Api {

    private Api() {
    }

    /** The {@code Authorization} header of an embedded user, for clients other than RestAssured. */
    public static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
    }

    public static RequestSpecification as(String user) {
        RequestSpecification spec = RestAssured.given();
        return user == null ? spec : spec.auth().preemptive().basic(user, user);
    }

    public static Response uploadEncoder(ArtifactBundle encoder) {
        return as("alice").contentType("application/zip").body(encoder.toZip()).post("/api/v1/encoders");
    }

    public static Response uploadPrompt(String user, String task, ArtifactBundle prompt) {
        return as(user).contentType("application/zip").body(prompt.toZip()).post("/api/v1/tasks/" + task + "/versions");
    }

    public static Response transition(String user, String task, int version, String action, String body) {
        return as(user).contentType("application/json").body(body == null ? "{}" : body)
                .post("/api/v1/tasks/" + task + "/versions/" + version + "/" + action);
    }

    /** Uploads and takes a version to APPROVED (alice authors, bob approves); returns its number. */
    public static int approved(String task, ArtifactBundle prompt) {
        int number = uploadPrompt("alice", task, prompt).then().statusCode(201).extract().path("number");
        transition("alice", task, number, "submit", null).then().statusCode(200);
        transition("bob", task, number, "approve", "{\"comment\":\"looks good\"}").then().statusCode(200);
        return number;
    }

    public static int released(String task, ArtifactBundle prompt) {
        int number = approved(task, prompt);
        transition("carol", task, number, "release", null).then().statusCode(200);
        return number;
    }

    /** A two-arm experiment (control v1, treatment v2, half each) created by erin; its id. */
    public static long experiment(String task, String name, int v1, int v2) {
        return as("erin").contentType("application/json").body(java.util.Map.of("name", name, "task", task,
                        "arms", java.util.List.of(java.util.Map.of("name", "control", "version", v1, "weight", 0.5),
                                java.util.Map.of("name", "treatment", "version", v2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** An experiment's status as the API reports it. */
    public static String experimentStatus(long id) {
        return as("erin").get("/api/v1/experiments/" + id).then().statusCode(200).extract().path("status");
    }
}
