package dev.prepaid.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A short digest of the parameters that define an operation. Stored on the entry; a retry whose
 * fingerprint differs is not a retry but a reuse of the key, and is refused with 409.
 */
public final class Fingerprint {
    private Fingerprint() {
    }

    public static String of(Object... parts) {
        StringBuilder canonical = new StringBuilder();
        for (Object part : parts) {
            canonical.append(canonicalize(part)).append('\u001f');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String canonicalize(Object part) {
        if (part instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder("{");
            new TreeMap<>(map).forEach((k, v) -> sb.append(escape(String.valueOf(k))).append('=')
                    .append(v instanceof Map ? canonicalize(v) : escape(String.valueOf(v))).append(';'));
            return sb.append('}').toString();
        }
        return String.valueOf(part);
    }

    /**
     * Escapes the map syntax inside keys and values, so {@code {a="1;b=2"}} and {@code {a="1", b="2"}} differ.
     * Text without those characters is unchanged, and so are the fingerprints already stored for it.
     */
    private static String escape(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == ';' || c == '=' || c == '{' || c == '}') {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                sb.append('\\');
            }
            if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }
}
