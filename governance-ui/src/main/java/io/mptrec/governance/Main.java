package io.mptrec.governance;

import io.mptrec.model.nn.NativeThreads;
import io.mptrec.model.nn.OpenBlasCore;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The server's entry point: picks OpenBLAS's kernels and OpenMP's default of one thread per thread before anything loads
 * them, then starts Quarkus.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        OpenBlasCore.selectBeforeLoading();
        NativeThreads.defaultBeforeLoading();
        Quarkus.run(args);
    }
}
