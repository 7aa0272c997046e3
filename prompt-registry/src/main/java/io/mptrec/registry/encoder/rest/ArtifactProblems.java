package io.mptrec.registry.encoder.rest;

import io.mptrec.kernel.problem.Problem;
import io.mptrec.kernel.problem.ProblemMappers;
import io.mptrec.model.artifact.ArtifactException;
import io.mptrec.model.artifact.MalformedArrayException;
import io.mptrec.registry.api.ArtifactRefusals;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** An artifact that model-core refuses is the client's error: a 400 on its body ({@link ArtifactRefusals}). */
public class ArtifactProblems {

    @ServerExceptionMapper
    public RestResponse<Problem> artifact(ArtifactException e) {
        return ProblemMappers.respond(ArtifactRefusals.problem(e));
    }

    /** A malformed array file: the field names the array inside the uploaded body ({@code body/prompt}). */
    @ServerExceptionMapper
    public RestResponse<Problem> array(MalformedArrayException e) {
        return ProblemMappers.respond(Problem.of(400, "invalid-artifact", "Invalid artifact", e.getMessage(),
                "body/" + e.array().substring(e.array().lastIndexOf('/') + 1)));
    }
}
