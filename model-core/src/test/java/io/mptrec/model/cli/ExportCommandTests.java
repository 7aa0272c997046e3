package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mptrec export}'s refusals: each a one-line reason and exit code 2, and no model file left behind. */
class ExportCommandTests {

    static final Path ARTIFACTS = Path.of("../data/census-income-kdd/artifacts");

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAnUnknownFormat() {
        String err = refused("--format", "tflite", "--encoder", encoder(), "--prompt", prompt());

        assertThat(err).contains("unknown format 'tflite': the only format is onnx");
    }

    @Test
    void shouldRefuseMissingFolders() {
        assertThat(refused("--format", "onnx", "--encoder", dir.resolve("nothing").toString(), "--prompt", prompt()))
                .contains("no encoder folder " + dir.resolve("nothing"));
        assertThat(refused("--format", "onnx", "--encoder", encoder(), "--prompt", dir.resolve("nothing").toString()))
                .contains("no task prompt folder " + dir.resolve("nothing"));
    }

    @Test
    void shouldRefuseAPromptTrainedOnAnotherEncoder() throws Exception {
        Path foreign = Path.of(getClass().getResource("/golden/v1/prompt-income").toURI());

        assertThat(refused("--format", "onnx", "--encoder", encoder(), "--prompt", foreign.toString()))
                .contains("for task income was trained against encoder");
    }

    @Test
    void shouldRefuseAnOutputFolderThatDoesNotExist() {
        Path out = dir.resolve("missing/model.onnx");

        assertThat(refused("--format", "onnx", "--encoder", encoder(), "--prompt", prompt(), "--out", out.toString()))
                .contains("no folder " + dir.resolve("missing"));
    }

    /** Runs export with {@code options} (and --out model.onnx in the temporary folder unless given). */
    private String refused(String... options) {
        List<String> args = new ArrayList<>(List.of("export"));
        args.addAll(List.of(options));
        if (!args.contains("--out")) {
            args.addAll(List.of("--out", dir.resolve("model.onnx").toString()));
        }
        String err = ConsoleCapture.err(() -> assertThat(MptrecCommand.execute(args.toArray(String[]::new))).isEqualTo(2));
        assertThat(dir.resolve("model.onnx")).doesNotExist();
        assertThat(err.lines()).hasSize(1);
        return err;
    }

    private static String encoder() {
        return ARTIFACTS.resolve("encoder").toString();
    }

    private static String prompt() {
        return ARTIFACTS.resolve("prompt-income").toString();
    }
}
