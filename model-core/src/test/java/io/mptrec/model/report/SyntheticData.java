package io.mptrec.model.report;

import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic dataset whose labels each depend on one known feature field. A label may not read a feature
 * column, so each driving field has an ignored copy that the label expression reads:
 * {@code bycolor} = color in {red, green} (categorical driver), {@code byamount} = amount > 0.5 (numeric driver),
 * {@code byredblue} = color in {red, blue} (for a stage-2 task: it can only use what the frozen encoder learned,
 * so its driver must be a field a stage-1 task needs). Every other field is noise.
 */
final class SyntheticData {

    static final String SCHEMA = """
            {
              "name": "synthetic",
              "format": {"delimiter": ","},
              "columns": [
                {"name": "amount", "role": "numeric"},
                {"name": "noise", "role": "numeric"},
                {"name": "color", "role": "categorical"},
                {"name": "shape", "role": "categorical"},
                {"name": "city", "role": "categorical"},
                {"name": "amount_copy", "role": "ignored"},
                {"name": "color_copy", "role": "ignored"}
              ],
              "labels": {
                "bycolor": "color_copy in [\\"red\\", \\"green\\"]",
                "byamount": "amount_copy > 0.5",
                "byredblue": "color_copy in [\\"red\\", \\"blue\\"]"
              },
              "split": {"type": "modulo", "modulus": 10, "validation": [8], "test": [9]}
            }
            """;

    private static final String[] COLORS = {"red", "green", "blue", "yellow", "black"};
    private static final String[] SHAPES = {"circle", "square", "triangle", "star", "hexagon"};
    private static final String[] CITIES = {"paris", "lima", "oslo", "rome", "kyiv", "bern"};

    private SyntheticData() {
    }

    static Dataset write(Path folder, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            String amount = String.format(Locale.ROOT, "%.3f", random.nextDouble());
            String noise = String.format(Locale.ROOT, "%.3f", random.nextDouble());
            String color = COLORS[random.nextInt(COLORS.length)];
            String shape = SHAPES[random.nextInt(SHAPES.length)];
            String city = CITIES[random.nextInt(CITIES.length)];
            lines.add(String.join(",", amount, noise, color, shape, city, amount, color));
        }
        try {
            Path schema = Files.writeString(folder.resolve("schema.json"), SCHEMA);
            Path data = folder.resolve("data.csv");
            Files.write(data, lines);
            return Dataset.load(DatasetSchema.load(schema), schema, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
