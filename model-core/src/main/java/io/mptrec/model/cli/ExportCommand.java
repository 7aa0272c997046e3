package io.mptrec.model.cli;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.onnx.OnnxExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        header = "Export the frozen encoder and one task prompt as one model for another runtime.",
        description = {"Writes the encoder plus one task prompt as a standard ONNX model (opset 13).",
            "Inputs: numeric float32 [N, numeric fields] (scaled as the encoder's feature transform does) and",
            "categories int64 [N, categorical fields] (vocabulary indices, 0 for unseen or missing).",
            "Output: probability float32 [N, 1]. The model's metadata names the task, both artifacts' content hashes",
            "and the input fields in order."})
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--format", required = true, description = "Model format: onnx (the only one).")
    String format;

    @Option(names = "--encoder", required = true, description = "Encoder artifact folder.")
    Path encoder;

    @Option(names = "--prompt", required = true, description = "Task prompt artifact folder, trained on that encoder.")
    Path prompt;

    @Option(names = "--out", required = true, description = "Model file to write, e.g. model.onnx.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!"onnx".equals(format)) {
            throw new IllegalArgumentException("unknown format '" + format + "': the only format is onnx");
        }
        requireFolder(encoder, "encoder");
        requireFolder(prompt, "task prompt");
        MptrecCommand.fileOption(out, "--out");
        EncoderArtifact encoderArtifact = EncoderArtifact.read(encoder);
        TaskPromptArtifact promptArtifact = TaskPromptArtifact.read(prompt);
        byte[] model = OnnxExport.export(encoderArtifact, promptArtifact);
        io.mptrec.model.format.AtomicFile.write(out, model);
        System.err.printf("exported task %s (encoder %s, task prompt %s) as ONNX opset %d, %,d bytes -> %s%n",
                promptArtifact.task(), encoderArtifact.contentSha256().substring(0, 12),
                promptArtifact.contentSha256().substring(0, 12), OnnxExport.OPSET, model.length, out);
        return 0;
    }

    private static void requireFolder(Path path, String what) {
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("no " + what + " folder " + path);
        }
    }
}
