package io.mptrec.registry.events.service;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The signature of a webhook body ({@code X-Mptrec-Signature: sha256=<hex>}): HMAC-SHA256 of the body's UTF-8
 * bytes, keyed with the UTF-8 bytes of {@code mptrec.registry.webhooks.secret}, in lower-case hex. A receiver computes
 * the same over the raw body it read and compares in constant time.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Mptrec-Signature";

    private WebhookSignature() {
    }

    public static String of(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
