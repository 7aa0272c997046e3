package io.mptrec.governance.ui;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The figures check the browser tests run on every page: what it flags and what it lets pass. */
class RawFiguresTests {

    @Test
    void shouldFlagRawDecimalsTimesWithSecondsAndWholeHashes() {
        assertThat(RawFigures.in("-0.020641922084266517 (-0.1723957777134066 – 0.13111193354487358), p = 0.7918108422484955"))
                .hasSize(4);
        assertThat(RawFigures.in("AUC 0.85576")).containsExactly("number 0.85576 in \"AUC 0.85576\"");
        assertThat(RawFigures.in("at 2026-12-01T11:27:03.123456Z")).hasSize(1);
        assertThat(RawFigures.in("at 11:27:03.123456")).containsExactly("time 11:27:03");  // once, not as a decimal too
        assertThat(RawFigures.in("encoder " + "7ae863f661dc".repeat(5) + "abcd")).hasSize(1);
    }

    @Test
    void shouldPassFiguresByThePolicy() {
        assertThat(RawFigures.in("AUC 0.8558, log-loss 0.02064, 12,350 rows, 1.000, 1.235e-05, -2.1 % [-17.2 %, +13.1 %],"
                + " p = 0.79, p < 0.001, 2026-12-01 11:27 UTC, hash 7ae863f661dc, mptrec-model-core 0.1.0-SNAPSHOT"))
                .isEmpty();
    }
}
