package io.mptrec.registry.events.service;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code mptrec.registry.webhooks.urls} may hold, checked at start (plain JUnit: pure logic). */
class WebhookUrlsTests {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://hooks.example.org/registry", "http://127.0.0.1:8081/hook?team=ml",
            "HTTPS://Example.org/a", "http://[::1]:9000/", "http://169.254.169.254/latest"})
    void shouldAcceptAnAbsoluteHttpOrHttpsUrlWithAHost(String url) {
        assertThat(WebhookUrls.check(List.of("https://other.example.org/x", url)))
                .containsExactly("https://other.example.org/x", url);
    }

    static Stream<Arguments> refusals() {
        String longUrl = "https://example.org/" + "a".repeat(WebhookUrls.MAX_LENGTH - 19);
        return Stream.of(
                Arguments.of("a file URL", "file:///etc/passwd", "'file:///etc/passwd' is not an http or https URL"),
                Arguments.of("another scheme", "ftp://example.org/x", "is not an http or https URL"),
                Arguments.of("no scheme", "example.org/hook", "is not an http or https URL"),
                Arguments.of("no host", "http:///hook", "has no host"),
                Arguments.of("opaque", "https:hook", "has no host"),
                Arguments.of("over the column", longUrl, "is 2001 characters long, at most 2000"),
                Arguments.of("a line break", "https://example.org/\nx", "'https://example.org/\\u000Ax' holds U+000A"),
                Arguments.of("a NUL", "https://example.org/\u0000", "holds U+0000 at index 20"),
                Arguments.of("a space", " https://example.org/", "holds U+0020 at index 0"),
                Arguments.of("not a URL", "https://exa mple.org/", "holds U+0020"),
                Arguments.of("a bad escape", "https://example.org/%zz", "is not a URL (Malformed escape pair"),
                Arguments.of("empty", "", "entry 2 '' is empty"),
                Arguments.of("credentials", "https://ops:s3cret@example.org/hook",
                        "'https://***@example.org/hook' holds credentials (user:password@), which are never sent"),
                Arguments.of("a user name", "http://ops@127.0.0.1:8081/hook", "'http://***@127.0.0.1:8081/hook' holds"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void shouldRefuseAnEntryNamingTheSettingAndTheEntry(String name, String url, String why) {
        assertThatThrownBy(() -> WebhookUrls.check(List.of("https://ok.example.org/", url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mptrec.registry.webhooks.urls: entry 2 '")
                .hasMessageContaining(why)
                .hasMessageNotContaining("s3cret"); // a password never reaches the log
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://example.org/hook", "HTTPS://EXAMPLE.org/hook"})
    void shouldRefuseAUrlTwice(String again) {
        assertThatThrownBy(() -> WebhookUrls.check(List.of("https://example.org/hook", "http://b.example.org/", again)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mptrec.registry.webhooks.urls: entry 3 '" + again
                        + "' repeats entry 1 (each event would be written to it twice)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://example.org/hook", "https://example.org/hook?x=1", "https://example.org/Hook"})
    void shouldKeepUrlsThatDifferInPathOrQuery(String other) {
        assertThat(WebhookUrls.check(List.of("https://example.org/hook/", other))).hasSize(2);
    }
}
