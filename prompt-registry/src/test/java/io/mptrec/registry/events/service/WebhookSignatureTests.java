package io.mptrec.registry.events.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook signature is plain HMAC-SHA256, so any receiver's library checks it (plain JUnit: pure logic). */
class WebhookSignatureTests {

    @Test
    void shouldBeHmacSha256InLowerCaseHex() {
        // RFC 4231, test case 2
        assertThat(WebhookSignature.of("Jefe", "what do ya want for nothing?"))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void shouldSignTheUtf8BytesOfKeyAndBody() {
        assertThat(WebhookSignature.of("clé", "{\"reason\":\"naïve\"}"))
                .isNotEqualTo(WebhookSignature.of("cle", "{\"reason\":\"naïve\"}"))
                .isNotEqualTo(WebhookSignature.of("clé", "{\"reason\":\"naive\"}"))
                .matches("sha256=[0-9a-f]{64}");
    }
}
