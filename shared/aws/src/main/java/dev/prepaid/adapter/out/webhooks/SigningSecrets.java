package dev.prepaid.adapter.out.webhooks;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Endpoint signing secrets: {@code whsec_} and 32 random bytes (hex), shown once at registration. */
public final class SigningSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SigningSecrets() {
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + HexFormat.of().formatHex(bytes);
    }

    /** Endpoint ids: {@code we_} and 16 random bytes (hex). */
    public static String newEndpointId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "we_" + HexFormat.of().formatHex(bytes);
    }
}
