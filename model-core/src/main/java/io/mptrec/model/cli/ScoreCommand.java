package io.mptrec.model.cli;

import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.DelimitedReader;
import io.mptrec.model.data.RowStream;
import io.mptrec.model.scoring.Scorer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
        header = "Score the rows of a CSV file for one task.",
        description = {"Score rows for one task: CSV in (a header row with column names, raw values as in the data),",
            "CSV out (row, score)."})
final class ScoreCommand implements Callable<Integer> {

    @Option(names = "--artifacts", required = true, description = "Folder with encoder/ and prompt-<task>/.")
    Path artifacts;

    @Option(names = "--task", required = true, description = "Task to score.")
    String task;

    @Option(names = "--prompt", description = "A task prompt folder to use instead of <artifacts>/prompt-<task>.")
    Path prompt;

    @Option(names = "--in", required = true, description = "Input CSV with a header row.")
    Path in;

    @Option(names = "--out", required = true, description = "Output CSV.")
    Path out;

    @Option(names = "--schema", description = {"A dataset schema whose side tables (joins) add their columns to each",
            "input row by its keys, as in training: rows then need only the keys and the data file's own columns."})
    Path schema;

    @Override
    public Integer call() throws IOException {
        MptrecCommand.fileOption(out, "--out");
        ArtifactFolder folder = new ArtifactFolder(artifacts);
        var taskPrompt = folder.prompt(task, prompt);
        Scorer scorer = new Scorer(folder.encoder(), taskPrompt);
        List<Map<String, String>> rows = readCsv(in);
        if (schema != null) {
            var join = new RowStream(DatasetSchema.load(schema), schema, in).sideTableJoin();
            rows = rows.stream().map(join).toList();
        }
        if (!rows.isEmpty()) {
            folder.encoder().metadata().transform().requireColumns(rows.get(0).keySet());
        }
        float[] scores = scorer.score(rows);
        io.mptrec.model.format.AtomicFile.write(out, stream -> {
            BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8));
            w.write("row,score\n");
            for (int i = 0; i < scores.length; i++) {
                w.write(i + "," + scores[i] + "\n");
            }
            w.flush();
        });
        System.err.printf("scored %d rows for %s with task prompt %s -> %s%n", scores.length, task,
                taskPrompt.contentSha256().substring(0, 12), out);
        return 0;
    }

    /** A CSV file with a header row (RFC 4180 quoting, fields stripped of surrounding whitespace), as rows by name. */
    static List<Map<String, String>> readCsv(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             DelimitedReader records = new DelimitedReader(r, ",", true)) {
            String[] header = next(records, file);
            if (header == null) {
                throw new IllegalArgumentException(file + ":1: empty file, expected a header row");
            }
            if (header.length > 0 && header[0].startsWith("\uFEFF")) {
                header[0] = header[0].substring(1); // the byte order mark a spreadsheet writes first
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            for (String name : header) {
                if (!names.add(name)) {
                    throw new IllegalArgumentException(file + ":1: column '" + name + "' appears twice in the header");
                }
            }
            List<Map<String, String>> rows = new ArrayList<>();
            String[] values;
            while ((values = next(records, file)) != null) {
                if (values.length != header.length) {
                    throw new IllegalArgumentException(file + ":" + records.line() + ": expected " + header.length
                            + " fields, found " + values.length);
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], values[i]);
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String[] next(DelimitedReader records, Path file) {
        try {
            return records.next();
        } catch (DelimitedReader.MalformedException e) {
            throw new IllegalArgumentException(file + ":" + e.line() + ": " + e.getMessage(), e);
        }
    }
}
