package io.mptrec.model.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** A failure in words for the command line: what it was about, never a Java class name, a bare path or "null". */
public final class Failures {

    private Failures() {
    }

    public static String reason(Throwable e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file or folder: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "access denied: " + f.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        }
        if (e instanceof FileSystemException f) {
            return "cannot use " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason());
        }
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            // "cannot read x.csv" and why, once
            String cause = reason(u.getCause());
            if (u.getMessage() == null) {
                return cause;
            }
            return u.getMessage().contains(cause) ? u.getMessage() : u.getMessage() + ": " + cause;
        }
        if (e instanceof IOException && e.getMessage() != null) {
            return e.getMessage(); // e.g. "Is a directory"
        }
        if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException json && e.getMessage() != null
                && json.getMessage() != null && e.getMessage().endsWith(json.getMessage())) {
            // the parser's message appended (e.g. to "manifest.json is not valid JSON: "): its reason and where,
            // without its "[Source: REDACTED ...]"
            var at = json.getLocation();
            return e.getMessage().substring(0, e.getMessage().length() - json.getMessage().length())
                    + json.getOriginalMessage().split("\n", 2)[0]
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        return e.getMessage() != null ? e.getMessage() : "failed (" + e.getClass().getSimpleName() + ")";
    }
}
