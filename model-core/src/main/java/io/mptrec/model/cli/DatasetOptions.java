package io.mptrec.model.cli;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.SideTable;
import io.mptrec.model.data.StreamedDataset;
import io.mptrec.model.training.TrainingData;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --schema and --data, shared by the commands that read a dataset. */
final class DatasetOptions {

    @Option(names = "--schema", required = true, description = "Dataset schema file (JSON), e.g. data/census-income-kdd/schema.json.")
    Path schema;

    @Option(names = "--data", description = "Data file; default: the schema's own \"file\".")
    Path data;

    /**
     * The dataset for training, streamed from its file (it may be larger than memory), its splits encoded to temporary
     * files; with an encoder, its schema's input columns are checked against the encoder's first.
     */
    TrainingData stream(EncoderArtifact encoder) {
        DatasetSchema parsed = DatasetSchema.load(schema);
        if (encoder != null) {
            encoder.metadata().transform().requireInputs(parsed.numericFeatures(), parsed.categoricalFeatures());
        }
        StreamedDataset streamed = StreamedDataset.open(parsed, schema, data);
        reportJoins(streamed.joins(), streamed.rowCount());
        return TrainingData.streamed(streamed);
    }

    static Dataset reportJoins(Dataset data) {
        reportJoins(data.joins(), data.rowCount());
        return data;
    }

    /** A side table that misses keys leaves features missing: say how many rows, so that a wrong join shows. */
    private static void reportJoins(java.util.List<SideTable.Match> joins, int rows) {
        for (SideTable.Match join : joins) {
            System.err.printf("joined %s on %s (%d rows): %d of %d rows (%d distinct keys) have no match, its columns"
                    + " are missing there%n", join.file(), join.key(), join.tableRows(), join.unmatchedRows(),
                    rows, join.unmatchedKeys());
        }
    }
}
