package io.mptrec.registry.seed;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.registry.encoder.RegisteredEncoder;
import io.mptrec.registry.encoder.service.EncoderService;
import io.mptrec.registry.version.service.ReportService;
import io.mptrec.kernel.security.Actor;
import io.mptrec.registry.version.service.LifecycleService;
import io.mptrec.registry.version.service.VersionService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * At first start (empty registry), registers the shipped encoders and their task prompts as released versions,
 * audited as the actor {@code system}, so a new user sees a populated registry. Absent folder: a log line.
 */
@ApplicationScoped
public class RegistrySeeder {

    private static final Logger LOG = Logger.getLogger(RegistrySeeder.class);

    private final SeedConfig config;
    private final EncoderService encoders;
    private final VersionService versions;
    private final LifecycleService lifecycle;
    private final ReportService reports;

    public RegistrySeeder(SeedConfig config, EncoderService encoders, VersionService versions,
                          LifecycleService lifecycle, ReportService reports) {
        this.reports = reports;
        this.config = config;
        this.encoders = encoders;
        this.versions = versions;
        this.lifecycle = lifecycle;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        List<Path> dirs = config.dirs().stream().map(Path::of).filter(dir -> {
            boolean present = Files.isDirectory(dir.resolve("encoder"));
            if (!present) {
                LOG.infof("no seed artifacts at %s; not seeding from there", dir.toAbsolutePath());
            }
            return present;
        }).toList();
        if (dirs.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            if (RegisteredEncoder.count() > 0) {
                return;
            }
            dirs.forEach(this::seed);
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void seed(Path dir) {
        encoders.registerEncoder(ArtifactBundle.read(dir.resolve("encoder")), Actor.SYSTEM.name());
        List<Path> prompts;
        try (Stream<Path> list = Files.list(dir)) {
            prompts = list.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("prompt-"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path p : prompts) {
            ArtifactBundle bundle = ArtifactBundle.read(p);
            String task = bundle.metadata().path("task").asText();
            var upload = versions.uploadVersion(task, bundle, Actor.SYSTEM.name());
            lifecycle.seedRelease(task, upload.version().number);
            // the contribution report mptrec wrote beside the artifact folder, when there is one
            Path report = p.resolveSibling(p.getFileName() + ".report.json");
            if (Files.isRegularFile(report)) {
                reports.attachReport(task, upload.version().number, read(report), Actor.SYSTEM.name());
            }
        }
        LOG.infof("seeded the registry from %s: 1 encoder, %d task prompts released", dir, prompts.size());
    }
}
