package io.mptrec.model.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTests {

    @Test
    void shouldWritePlainLinesWhenNotOnATerminal() {
        String log = run(false);

        assertThat(log).doesNotContain("\r").doesNotContain("#");
        assertThat(log.lines()).hasSize(2).allMatch(line -> line.matches("epoch +\\d/2 done in .*validation AUC t 0\\.7.*"));
    }

    @Test
    void shouldRedrawTheBarInPlaceOnATerminal() {
        String screen = run(true);

        assertThat(screen).contains("\r").contains("[" + "#".repeat(30) + "]");
    }

    private static String run(boolean terminal) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal);
        for (int epoch = 1; epoch <= 2; epoch++) {
            bar.epochStarted(epoch, 2, 100);
            for (int step = 1; step <= 100; step++) {
                bar.stepDone(epoch, step, 100, 0.5);
            }
            bar.epochFinished(epoch, Map.of("t", 0.7), epoch == 1);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
