package io.mptrec.ab.serving.service;

import io.mptrec.model.scoring.Scorer;
import io.mptrec.registry.api.PromptRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scorers by (encoder hash, task prompt hash). Versions are immutable, so an entry never goes stale: a release or
 * rollback changes which hash the serving path asks for, never what a hash means. One entry per version ever
 * served (a task prompt is about 50 KB of weights; the encoder is parsed once and shared by the registry).
 */
@ApplicationScoped
public class ScorerCache {

    private final Map<String, Scorer> scorers = new ConcurrentHashMap<>();
    private final PromptRegistry registry;

    public ScorerCache(PromptRegistry registry) {
        this.registry = registry;
    }

    /** The scorer of a version, loading its artifacts from the registry (in a transaction of its own) on first use. */
    public Scorer scorerFor(String encoderSha256, String contentSha256, long versionId) {
        String key = encoderSha256 + ":" + contentSha256;
        Scorer cached = scorers.get(key);
        if (cached != null) {
            return cached;
        }
        return scorers.computeIfAbsent(key, k -> {
            PromptRegistry.Servable servable = registry.servable(versionId);
            return new Scorer(servable.encoder(), servable.prompt());
        });
    }

    public int size() {
        return scorers.size();
    }
}
