package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineTests {

    @TempDir
    Path dir;

    @Test
    void shouldNameTheFirstProcessorsModelFamilyAndModelNumber() throws IOException {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"), """
                processor\t: 0
                vendor_id\t: AuthenticAMD
                cpu family\t: 25
                model\t\t: 17
                model name\t: AMD EPYC   9B14 96-Core Processor
                flags\t\t: fpu avx2

                processor\t: 1
                cpu family\t: 26
                model\t\t: 2
                model name\t: another
                """);

        assertThat(Machine.cpuModel(cpuinfo)).contains("AMD EPYC 9B14 96-Core Processor, family 25, model 17");
    }

    @Test
    void shouldSayNothingOfAProcessorWithoutAModelName() throws IOException {
        Path noName = Files.writeString(dir.resolve("cpuinfo"), "processor\t: 0\ncpu family\t: 6\n");

        assertThat(Machine.cpuModel(noName)).isEmpty();
        assertThat(Machine.cpuModel(dir.resolve("absent"))).isEmpty();
    }

    @Test
    void shouldDescribeCoresProcessorKernelsAndJava() {
        assertThat(Machine.describe(2, Optional.of("AMD EPYC, family 25, model 17"), "SkylakeX (chosen for this CPU)"))
                .startsWith("2 cores (AMD EPYC, family 25, model 17), OpenBLAS kernels SkylakeX (chosen for this CPU), "
                        + "Java " + System.getProperty("java.version") + " (");
        assertThat(Machine.describe(4, Optional.empty(), "Zen (chosen for this CPU)"))
                .startsWith("4 cores, OpenBLAS kernels Zen (chosen for this CPU), Java ");
    }
}
