package io.mptrec.governance.seed;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** First-start seeding ({@code mptrec.seed.*}). */
@ConfigMapping(prefix = "mptrec.seed")
public interface SeedConfig {

    @WithDefault("true")
    boolean enabled();

    /** A folder with {@code encoder/} and {@code prompt-*} artifact folders (relative to the working directory). */
    @WithDefault("data/census-income-kdd/artifacts")
    String dir();
}
