package io.mptrec.registry.seed;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** First-start seeding ({@code mptrec.seed.*}). */
@ConfigMapping(prefix = "mptrec.seed")
public interface SeedConfig {

    @WithDefault("true")
    boolean enabled();

    /**
     * Folders, each with {@code encoder/} and {@code prompt-*} artifact folders (relative to the working directory),
     * seeded in order. The shipped KuaiRand encoder and its tasks are opt-in:
     * {@code data/census-income-kdd/artifacts,data/kuairand-pure/artifacts}.
     */
    @WithDefault("data/census-income-kdd/artifacts")
    java.util.List<String> dirs();
}
