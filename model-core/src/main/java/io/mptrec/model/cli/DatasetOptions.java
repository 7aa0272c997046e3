package io.mptrec.model.cli;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.SideTable;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --schema and --data, shared by the commands that read a dataset. */
final class DatasetOptions {

    @Option(names = "--schema", required = true, description = "Dataset schema file (JSON), e.g. data/census-income-kdd/schema.json.")
    Path schema;

    @Option(names = "--data", description = "Data file; default: the schema's own \"file\".")
    Path data;

    Dataset load() {
        return reportJoins(Dataset.load(DatasetSchema.load(schema), schema, data));
    }

    /**
     * The dataset, once its schema's input columns are known to be {@code encoder}'s: checked before the data file is
     * read, so that a mismatch fails at once, naming the first differing column.
     */
    Dataset loadFor(EncoderArtifact encoder) {
        DatasetSchema parsed = DatasetSchema.load(schema);
        encoder.metadata().transform().requireInputs(parsed.numericFeatures(), parsed.categoricalFeatures());
        return reportJoins(Dataset.load(parsed, schema, data));
    }

    /** A side table that misses keys leaves features missing: say how many rows, so that a wrong join shows. */
    static Dataset reportJoins(Dataset data) {
        for (SideTable.Match join : data.joins()) {
            System.err.printf("joined %s on %s (%d rows): %d of %d rows (%d distinct keys) have no match, its columns"
                    + " are missing there%n", join.file(), join.key(), join.tableRows(), join.unmatchedRows(),
                    data.rowCount(), join.unmatchedKeys());
        }
        return data;
    }
}
