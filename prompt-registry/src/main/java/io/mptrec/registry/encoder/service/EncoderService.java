package io.mptrec.registry.encoder.service;

import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.audit.Ledger;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.registry.encoder.RegisteredEncoder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Registers encoder artifacts (verified by model-core) and hands out the parsed encoder for shape checks. */
@ApplicationScoped
@Transactional
public class EncoderService {

    /** Parsed encoders by content hash: immutable, and parsing builds ND4J arrays, so keep them. */
    private final Map<String, EncoderArtifact> parsed = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Ledger ledger;

    public EncoderService(Clock clock, Ledger ledger) {
        this.clock = clock;
        this.ledger = ledger;
    }

    public record Registration(RegisteredEncoder encoder, boolean created) {
    }

    /** Verifies and stores an encoder artifact; identical content returns the stored one. */
    public Registration registerEncoder(ArtifactBundle bundle, String actor) {
        StoredJson.requireNoControl(bundle.manifest(), "manifest");
        EncoderArtifact artifact = EncoderArtifact.from(bundle);
        StoredJson.requireCounts(artifact.metadata().lineage(), "manifest.metadata.lineage");
        Optional<RegisteredEncoder> existing = RegisteredEncoder.findByHash(bundle.contentSha256());
        if (existing.isPresent()) {
            return new Registration(existing.get(), false);
        }
        RegisteredEncoder encoder = new RegisteredEncoder();
        encoder.contentSha256 = bundle.contentSha256();
        encoder.manifest = bundle.manifest().toString();
        encoder.artifact = bundle.toZip();
        encoder.registeredBy = actor;
        encoder.registeredAt = clock.instant();
        encoder.persist();
        RegisteredEncoder.flush();
        parsed.putIfAbsent(encoder.contentSha256, artifact);
        ledger.record(Change.of(actor, AuditAction.REGISTER_ENCODER, null).to(encoder.contentSha256));
        return new Registration(encoder, true);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<RegisteredEncoder> findEncoderByHash(String contentSha256) {
        return RegisteredEncoder.findByHash(contentSha256);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<RegisteredEncoder> findAllEncoders() {
        return RegisteredEncoder.listAllOrdered();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public EncoderArtifact parsedEncoder(RegisteredEncoder encoder) {
        return parsed.computeIfAbsent(encoder.contentSha256,
                hash -> EncoderArtifact.from(ArtifactBundle.fromZip(encoder.artifact, "encoder " + hash)));
    }
}
