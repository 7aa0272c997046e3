package io.mptrec.model.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The one way the command line writes a file: whole or not at all. The bytes go to a new file beside the target,
 * created as any file the user writes (the umask applies: a temporary file of the JDK's is rw------- whatever it),
 * then moved over the target in one step.
 */
public final class AtomicFile {

    /** What writes a file's content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    public static void write(Path target, Content content) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = parent.resolve("." + target.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            try (OutputStream out = Files.newOutputStream(staging, StandardOpenOption.CREATE_NEW)) {
                content.writeTo(out);
            }
            try {
                Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(staging);
        }
    }
}
