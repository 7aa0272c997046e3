package io.mptrec.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelExpressionTests {

    private static final Set<String> COLUMNS = Set.of("age", "sex", "edu", "income_50k", "_x1");

    /** The row every case is evaluated on; "edu" is missing. */
    private static final Map<String, String> ROW = new HashMap<>(Map.of(
            "age", "42", "sex", "Female", "income_50k", "50000+.", "_x1", "a \"quoted\" \\ value"));

    @ParameterizedTest(name = "{index}: {0} -> {1}")
    @CsvSource(delimiter = ';', textBlock = """
            income_50k == "50000+."                 ; true
            income_50k == "- 50000."                ; false
            income_50k != "- 50000."                ; true
            sex=="Female"&&age>=42                  ; true
            age == 42                               ; true
            age == 42.0                             ; true
            age == 4.2e1                            ; true
            age != 42                               ; false
            age < 42                                ; false
            age <= 42                               ; true
            age > -1                                ; true
            age >= 43                               ; false
            sex in ["Male", "Female"]               ; true
            sex in ["Male"]                         ; false
            age in [41, 42]                         ; true
            !(sex == "Male")                        ; true
            !sex == "Male"                          ; true
            !!(sex == "Male")                       ; false
            sex == "Male" || age > 40               ; true
            sex == "Male" || age > 40 && age < 41   ; false
            (sex == "Male" || age > 40) && age < 41 ; false
            sex == "Male" || sex == "Female" && age < 41 ; false
            ( ( sex == "Female" ) )                 ; true
            edu == "Bachelors"                      ; false
            edu != "Bachelors"                      ; true
            edu < 3                                 ; false
            edu in ["Bachelors"]                    ; false
            !(edu == "Bachelors")                   ; true
            _x1 == "a \\"quoted\\" \\\\ value"      ; true
            """)
    void shouldEvaluateExpression(String expression, boolean expected) {
        LabelExpression parsed = LabelExpression.parse(expression, COLUMNS);

        assertThat(parsed.test(ROW::get)).isEqualTo(expected);
        assertThat(parsed.source()).isEqualTo(expression);
    }

    @Test
    void shouldListReadColumnsInOrderOfUse() {
        LabelExpression parsed = LabelExpression.parse("sex == \"F\" && (age > 3 || sex == \"M\")", COLUMNS);

        assertThat(parsed.columns()).containsExactly("sex", "age");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            nope == "x"               | unknown column 'nope' at position 0
            age > 3 && Age > 3        | unknown column 'Age' at position 11
            ``                        | expected a column name at position 0
            age                       | expected ==, !=, <, <=, >, >= or in after 'age'
            age = 3                   | expected ==, !=, <, <=, >, >= or in after 'age'
            sex < "F"                 | '<' needs a number at position 6
            sex == F                  | expected a string or a number at position 7
            sex == "F                 | unterminated string at position 7
            sex == "\\n"              | only \\" and \\\\ are escapes
            sex in []                 | expected a string or a number
            sex in ["a" "b"]          | expected ']'
            (sex == "F"               | expected ')'
            sex == "F" &&             | expected a column name
            sex == "F" & age > 3      | unexpected '& age > 3'
            age > 3.                  | expected digits after '.'
            age > 1e                  | expected an exponent
            9age > 3                  | expected a column name at position 0
            """)
    void shouldRejectInvalidExpression(String expression, String message) {
        assertThatThrownBy(() -> LabelExpression.parse(expression, COLUMNS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    /** A label is a short rule: 2,000 parentheses or 20,000 "!" overflowed the stack instead of a refusal. */
    @Test
    void shouldRefuseExpressionsDeeperOrLongerThanALabelNeeds() {
        String deepest = "(".repeat(LabelExpression.MAX_NESTING) + "age > 3" + ")".repeat(LabelExpression.MAX_NESTING);
        assertThat(LabelExpression.parse(deepest, COLUMNS).test(ROW::get)).isEqualTo(LabelExpression.parse("age > 3",
                COLUMNS).test(ROW::get));
        for (String hostile : List.of("(".repeat(2000) + "age > 3" + ")".repeat(2000), "!".repeat(20_000) + "age > 3",
                "(".repeat(101) + "age > 3" + ")".repeat(101))) {
            assertThatThrownBy(() -> LabelExpression.parse(hostile, COLUMNS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("nested deeper than 100 ! and (, at position ");
        }
        String longest = String.join(" && ",
                java.util.Collections.nCopies(LabelExpression.MAX_OPERATORS + 1, "age > 3"));
        assertThat(LabelExpression.parse(longest, COLUMNS).test(ROW::get)).isTrue();
        assertThatThrownBy(() -> LabelExpression.parse(longest + " || age > 3", COLUMNS))
                .hasMessageStartingWith("more than 1000 && and || operators");
    }

    @Test
    void shouldRejectNumberComparisonWithTextValue() {
        LabelExpression parsed = LabelExpression.parse("sex > 3", COLUMNS);

        assertThatThrownBy(() -> parsed.test(ROW::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 'sex' has value 'Female', which is not a number");
    }
}
