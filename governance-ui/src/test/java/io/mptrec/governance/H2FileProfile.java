package io.mptrec.governance;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The default set-up (embedded H2 file) instead of PostgreSQL. {@link First} starts on a fresh file, {@link Second}
 * is a separate profile, so Quarkus stops the first application and starts a new one on the same file. Quarkus
 * runs test classes grouped by profile, profiles sorted by class name: First before Second.
 */
public abstract class H2FileProfile implements QuarkusTestProfile {

    static final Path DIR = Path.of("target", "h2-restart");

    @Override
    public Map<String, String> getConfigOverrides() {
        // the default set-up seeds the shipped Census artifacts; here the opt-in KuaiRand ones too (surefire runs in
        // the module folder)
        return Map.of("mptrec.seed.enabled", "true",
                "mptrec.seed.dirs", "../data/census-income-kdd/artifacts,../data/kuairand-pure/artifacts",
                "quarkus.datasource.db-kind", "h2",
                "quarkus.datasource.username", "sa",
                "quarkus.datasource.jdbc.url", "jdbc:h2:file:./" + DIR.resolve("registry").toString().replace('\\', '/'));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    public static class First extends H2FileProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FreshDirectory.class));
        }
    }

    public static class Second extends H2FileProfile {
    }

    /** Deletes the H2 files of an earlier build before the first start. */
    public static class FreshDirectory implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            if (Files.exists(DIR)) {
                try (Stream<Path> walk = Files.walk(DIR)) {
                    for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                        Files.delete(p);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }
    }
}
