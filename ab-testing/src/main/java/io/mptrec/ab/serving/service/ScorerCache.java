package io.mptrec.ab.serving.service;

import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.data.NumericScaling;
import io.mptrec.model.data.Vocabulary;
import io.mptrec.model.scoring.Scorer;
import io.mptrec.registry.api.PromptRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Scorers by (encoder hash, task prompt hash). Versions are immutable, so an entry never goes stale: a release or
 * rollback changes which hash the serving path asks for, never what a hash means. One entry per version ever
 * served (a task prompt is about 50 KB of weights; the encoder is parsed once and shared by the registry).
 */
@ApplicationScoped
public class ScorerCache {

    private final Map<String, VersionScorer> scorers = new ConcurrentHashMap<>();
    private final PromptRegistry registry;

    public ScorerCache(PromptRegistry registry) {
        this.registry = registry;
    }

    /**
     * A version's scorer and the columns its encoder reads (its numeric and categorical fields), found once per
     * version: a request's other columns are ignored, and the response names them.
     */
    public record VersionScorer(Scorer scorer, Set<String> columns) {
    }

    /** The scorer of a version, loading its artifacts from the registry (in a transaction of its own) on first use. */
    public VersionScorer scorerFor(String encoderSha256, String contentSha256, long versionId) {
        String key = encoderSha256 + ":" + contentSha256;
        VersionScorer cached = scorers.get(key);
        if (cached != null) {
            return cached;
        }
        return scorers.computeIfAbsent(key, k -> {
            PromptRegistry.Servable servable = registry.servable(versionId);
            FeatureTransform transform = servable.encoder().metadata().transform();
            Set<String> columns = Stream.concat(transform.numeric().stream().map(NumericScaling::field),
                    transform.categorical().stream().map(Vocabulary::field)).collect(Collectors.toUnmodifiableSet());
            return new VersionScorer(new Scorer(servable.encoder(), servable.prompt()), columns);
        });
    }

    public int size() {
        return scorers.size();
    }
}
