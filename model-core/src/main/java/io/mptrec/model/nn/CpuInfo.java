package io.mptrec.model.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Linux's /proc/cpuinfo, read for the first processor: what chooses OpenBLAS's kernels and names the machine. */
public final class CpuInfo {

    private CpuInfo() {
    }

    /**
     * The first processor's fields ("model name", "cpu family", "flags", ...), each value trimmed with its runs of
     * white space made one space; empty where the file cannot be read (not Linux).
     */
    public static Map<String, String> firstProcessor(Path cpuinfo) {
        Map<String, String> fields = new HashMap<>();
        if (!Files.isReadable(cpuinfo)) {
            return fields;
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isBlank()) {
                    break; // the first processor's block ends
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.putIfAbsent(line.substring(0, colon).trim(),
                            line.substring(colon + 1).trim().replaceAll("\\s+", " "));
                }
            }
        } catch (IOException | RuntimeException e) {
            fields.clear();
        }
        return fields;
    }
}
