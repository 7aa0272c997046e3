package io.mptrec.registry.encoder.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** An encoder as the API shows it: its hash, tasks and label definitions, configuration and lineage. */
public record EncoderView(String contentSha256, String registeredBy, Instant registeredAt, List<String> tasks,
                          List<String> labelExpressions, JsonNode config, JsonNode lineage,
                          List<String> registeredTasks) {
}
