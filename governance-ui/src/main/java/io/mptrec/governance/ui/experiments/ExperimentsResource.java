package io.mptrec.governance.ui.experiments;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Experiments. The A/B module (assignment, pilots, statistics) is not part of this application yet; the page says
 * so instead of offering actions that cannot work.
 */
@Path("/ui/experiments")
@Produces(MediaType.TEXT_HTML)
public class ExperimentsResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance experiments();
    }

    @GET
    public TemplateInstance getExperiments() {
        return Templates.experiments();
    }
}
