package io.mptrec.governance;

import io.mptrec.model.nn.NativeThreads;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The server's entry point: the model's native set-up (OpenBLAS's kernels, one native thread per request thread), then
 * Quarkus.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        NativeThreads.configureProcess();
        Quarkus.run(args);
    }
}
