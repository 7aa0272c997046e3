package io.mptrec.kernel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptrec.kernel.problem.ApiException;
import org.junit.jupiter.api.Test;

/** The text rule at the edges of its fast path for printable ASCII (U+0020-U+007E) and beyond it. */
class NamesTests {

    @Test
    void printableAsciiAndTextBeyondTheControlRangesPass() {
        assertThat(Names.requireNoControl(" ~az AZ 09 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}", "f")).startsWith(" ~");
        assertThat(Names.requireNoControl("\u00A0Zürich \u00FF \u20AC", "f")).contains("Zürich");
        assertThat(Names.requireNoControl("a\uD83D\uDE00b", "f")).as("a surrogate pair is one code point").hasSize(4);
        assertThat(Names.requireNoControl("", "f")).isEmpty();
    }

    @Test
    void controlCharactersAndUnpairedSurrogatesAreRefusedNamingFieldCodeAndIndex() {
        refused("ab\u0000", "U+0000 at index 2");
        refused("\u001F", "U+001F at index 0");
        refused("abc\u007F", "U+007F at index 3");
        refused("x\u0085", "U+0085 at index 1");
        refused("\u009F", "U+009F at index 0");
        refused("a\tb", "U+0009 at index 1");
        refused("a\uD83D", "an unpaired surrogate U+D83D at index 1");
        refused("\uDE00a", "an unpaired surrogate U+DE00 at index 0");
    }

    @Test
    void proseAllowsLineBreaksAndTabsOnly() {
        assertThat(Names.requireProse("line one\r\nline two\tend", 100, "reason")).contains("\t");
        assertThatThrownBy(() -> Names.requireProse("bell\u0007", 100, "reason"))
                .hasMessageContaining("U+0007 at index 4");
    }

    @Test
    void theFieldNameIsMadeOnlyWhenTheTextIsRefused() {
        assertThat(Names.requireNoControl("fine", () -> {
            throw new AssertionError("asked for the field's name of a text that passes");
        })).isEqualTo("fine");
        assertThatThrownBy(() -> Names.requireNoControl("bad\u0001", () -> "rows[3].age"))
                .isInstanceOf(ApiException.class).hasMessageStartingWith("rows[3].age holds the control character U+0001");
    }

    @Test
    void printableAsciiIsTheRangeEveryCheckPassesWithoutLooking() {
        char[] text = " ~az\u001F09\u007F".toCharArray();
        assertThat(Names.isPrintableAscii(text, 0, 4)).isTrue();
        assertThat(Names.isPrintableAscii(text, 5, 7)).isTrue();
        assertThat(Names.isPrintableAscii(text, 3, 3)).as("nothing").isTrue();
        assertThat(Names.isPrintableAscii(text, 0, 5)).as("U+001F").isFalse();
        assertThat(Names.isPrintableAscii(text, 5, 8)).as("U+007F").isFalse();
        // outside the range, but allowed: the caller then checks value by value
        assertThat(Names.isPrintableAscii("Zoë".toCharArray(), 0, 3)).isFalse();
        for (char c = 0; c < 0x100; c++) {
            char[] one = {c};
            boolean passes = true;
            try {
                Names.requireNoControl(one, 0, 1, () -> "f");
            } catch (ApiException e) {
                passes = false;
            }
            assertThat(!Names.isPrintableAscii(one, 0, 1) || passes).as("U+%04X", (int) c).isTrue();
        }
    }

    @Test
    void aValueInsideALongerTextIsCheckedWithinItsBoundsOnly() {
        char[] text = "\u0001ok\uD83Dx\uDE00no\u0007".toCharArray();  // a control, then "ok", a high surrogate, x and a low one, "no" and a bell
        Names.requireNoControl(text, 1, 3, () -> "columns.sex[0]");
        Names.requireNoControl(text, 3, 3, () -> "columns.sex[1]");
        assertThatThrownBy(() -> Names.requireNoControl(text, 3, 4, () -> "columns.sex[1]"))
                .as("a high surrogate at the end of its value is unpaired, whatever follows it")
                .hasMessageContaining("columns.sex[1] holds an unpaired surrogate U+D83D at index 0");
        assertThatThrownBy(() -> Names.requireNoControl(text, 4, 6, () -> "columns.sex[2]"))
                .hasMessageContaining("an unpaired surrogate U+DE00 at index 1");
        assertThatThrownBy(() -> Names.requireNoControl(text, 6, 9, () -> "columns.sex[3]"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.problem().field()).isEqualTo("columns.sex[3]"))
                .hasMessageContaining("the control character U+0007 at index 2");
    }

    private static void refused(String text, String detail) {
        assertThatThrownBy(() -> Names.requireNoControl(text, "unitId"))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("unitId holds")
                .hasMessageContaining(detail)
                .hasMessageNotContaining(text);
    }
}
