package io.mptrec.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mptrec.model.format.Figures;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs a pilot against a DRAFT or RUNNING experiment of a running registry: the server replays held-out labelled rows as traffic
 * (score, then the row's true outcome as KPI events); this command starts it, draws its progress, and prints the
 * experiment's verdict when it is done.
 */
@Command(name = "pilot", mixinStandardHelpOptions = true,
        header = "Replay held-out rows as traffic against an experiment, then print its results.",
        description = {"Replay held-out labelled rows as traffic against a DRAFT or RUNNING experiment (POST .../pilot),",
            "show the progress, then print the experiment's results: verdict, SRM check and per-arm units and exposures."})
final class PilotCommand implements Callable<Integer> {

    private static final int WIDTH = 30;

    @Option(names = "--experiment", required = true, description = "Experiment id.")
    long experiment;

    @Option(names = "--rows", required = true, description = "Held-out rows to replay.")
    int rows;

    @Option(names = "--rate", defaultValue = "0",
            description = "Requests per second; 0 for as fast as the server scores (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the row order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--label", description = "The dataset label posted as the outcome; default the experiment's task.")
    String label;

    @Option(names = "--poll-millis", defaultValue = "500", hidden = true)
    long pollMillis;

    @Mixin
    RegistryConnection connection;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() throws IOException, InterruptedException {
        String path = "/api/v1/experiments/" + experiment;
        ObjectNode body = json.createObjectNode().put("rows", rows).put("ratePerSecond", rate).put("seed", seed);
        if (label != null) {
            body.put("label", label);
        }
        HttpResponse<String> started = connection.send(connection.request(path + "/pilot")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build());
        if (started.statusCode() != 202) {
            return refused("start the pilot", started);
        }
        PrintStream err = System.err;
        long begin = System.nanoTime();
        JsonNode progress = json.readTree(started.body());
        while ("RUNNING".equals(progress.path("state").asText())) {
            draw(err, progress, (System.nanoTime() - begin) / 1e9);
            Thread.sleep(pollMillis);
            HttpResponse<String> polled = connection.send(connection.request(path + "/pilot").GET().build());
            if (polled.statusCode() != 200) {
                err.println();
                return refused("follow the pilot", polled);
            }
            progress = json.readTree(polled.body());
        }
        draw(err, progress, (System.nanoTime() - begin) / 1e9);
        err.println();
        if (!"DONE".equals(progress.path("state").asText())) {
            err.printf("mptrec: the pilot %s: %s%n", progress.path("state").asText().toLowerCase(Locale.ROOT),
                    progress.path("error").asText("no reason given"));
            return 2;
        }
        HttpResponse<String> results = connection.send(connection.request(path + "/results").GET().build());
        if (results.statusCode() != 200) {
            return refused("read the results", results);
        }
        printResults(json.readTree(results.body()));
        return 0;
    }

    private static void draw(PrintStream out, JsonNode progress, double seconds) {
        long requested = Math.max(1, progress.path("requested").asLong());
        long scored = progress.path("scored").asLong();
        int filled = (int) Math.min(WIDTH, Math.round(WIDTH * (double) scored / requested));
        double perSecond = seconds > 0 ? scored / seconds : 0;
        String left = perSecond > 0 && scored < requested
                ? String.format(Locale.ROOT, ", %.0fs left", (requested - scored) / perSecond) : "";
        out.printf(Locale.ROOT, "\rpilot [%s%s] %s/%s rows, %s KPI events, %.0f rows/s%s   ", "#".repeat(filled),
                " ".repeat(WIDTH - filled), Figures.count(scored), Figures.count(requested),
                Figures.count(progress.path("events").asLong()), perSecond, left);
        out.flush();
    }

    private static void printResults(JsonNode results) {
        System.out.printf("experiment %s (%s, task %s): verdict %s%n", results.path("experimentId").asText(),
                results.path("name").asText(), results.path("task").asText(), results.path("verdict").asText());
        System.out.println("  " + results.path("explanation").asText());
        JsonNode srm = results.path("srm");
        System.out.printf(Locale.ROOT, "  sample ratio of units: %s%s%n", Figures.p(srm.path("pValue").asDouble()),
                srm.path("mismatch").asBoolean() ? " (MISMATCH)" : "");
        long crossed = results.path("unitsInMoreThanOneArm").asLong();
        if (crossed > 0) {
            System.out.printf(Locale.ROOT, "  %s units in more than one arm, left out of the analysis%n",
                    Figures.count(crossed));
        }
        for (JsonNode arm : results.path("arms")) {
            JsonNode auc = arm.path("model").path("auc");
            System.out.printf(Locale.ROOT, "  arm %s (version %d): %s units, %s exposures%s%n",
                    arm.path("name").asText(), arm.path("version").asInt(), Figures.count(arm.path("units").asLong()),
                    Figures.count(arm.path("exposures").asLong()),
                    auc.isNumber() ? ", online AUC " + Figures.estimate(auc.asDouble()) : "");
        }
    }

    private static int refused(String what, HttpResponse<String> response) {
        System.err.printf("mptrec: could not %s (HTTP %d): %s%n", what, response.statusCode(), response.body());
        return 2;
    }
}
