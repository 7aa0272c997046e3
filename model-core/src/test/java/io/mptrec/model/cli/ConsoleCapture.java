package io.mptrec.model.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What a command printed: standard output or error captured while an action runs. */
final class ConsoleCapture {

    private ConsoleCapture() {
    }

    static String out(Runnable action) {
        return capture(action, () -> System.out, System::setOut);
    }

    static String err(Runnable action) {
        return capture(action, () -> System.err, System::setErr);
    }

    private static String capture(Runnable action, Supplier<PrintStream> current, Consumer<PrintStream> set) {
        PrintStream original = current.get();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        set.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            set.accept(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
