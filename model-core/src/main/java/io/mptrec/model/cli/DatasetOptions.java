package io.mptrec.model.cli;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --schema and --data, shared by the commands that read a dataset. */
final class DatasetOptions {

    @Option(names = "--schema", required = true, description = "Dataset schema file (JSON), e.g. data/census-income-kdd/schema.json.")
    Path schema;

    @Option(names = "--data", description = "Data file; default: the schema's own \"file\".")
    Path data;

    Dataset load() {
        return Dataset.load(DatasetSchema.load(schema), schema, data);
    }
}
