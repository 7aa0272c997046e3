package io.mptrec.governance.fuzz;

import io.mptrec.governance.Api;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;

import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;

/**
 * The seeded state one slice of the fuzz run works against: a task whose versions are in every status (RELEASED,
 * APPROVED, IN_REVIEW, DRAFT, REJECTED), a free label, a DRAFT and a RUNNING experiment. Accepted mutations change
 * it, so the run seeds a fresh one every few hundred requests.
 */
record World(String task, String encoderSha256, List<Integer> versions, int released, int approved,
             List<Long> experiments, String label) {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    static World seed(String task, long seed, boolean first) {
        if (first) {
            int status = Api.uploadEncoder(ENCODER).statusCode();
            if (status != 200 && status != 201) {
                throw new IllegalStateException("seeding: encoder upload answered " + status);
            }
        }
        int released = Api.released(task, TestArtifacts.prompt(ENCODER, task, seed + 1));
        int approved = Api.approved(task, TestArtifacts.prompt(ENCODER, task, seed + 2));
        int inReview = upload(task, seed + 3);
        Api.transition("alice", task, inReview, "submit", null).then().statusCode(200);
        int draft = upload(task, seed + 4);
        int rejected = upload(task, seed + 5);
        Api.transition("alice", task, rejected, "submit", null).then().statusCode(200);
        Api.transition("bob", task, rejected, "reject", "{\"comment\":\"no\"}").then().statusCode(200);
        as("alice").contentType("application/json").body(Map.of("version", approved))
                .put("/api/v1/tasks/" + task + "/labels/candidate").then().statusCode(204);
        long draftExperiment = experiment(task, task + "-draft", released, approved);
        long running = experiment(task, task + "-running", released, approved);
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + running + "/start")
                .then().statusCode(200);
        return new World(task, ENCODER.contentSha256(), List.of(released, approved, inReview, draft, rejected),
                released, approved, List.of(draftExperiment, running), "candidate");
    }

    private static int upload(String task, long seed) {
        return Api.uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, seed)).then().statusCode(201)
                .extract().path("number");
    }

    private static long experiment(String task, String name, int control, int treatment) {
        return as("erin").contentType("application/json").body(Map.of("name", name, "task", task,
                        "arms", List.of(Map.of("name", "control", "version", control, "weight", 0.5),
                                Map.of("name", "treatment", "version", treatment, "weight", 0.5)),
                        "successMetrics", List.of(Map.of("name", "click", "kind", "PROPORTION",
                                "direction", "HIGHER_IS_BETTER"))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
