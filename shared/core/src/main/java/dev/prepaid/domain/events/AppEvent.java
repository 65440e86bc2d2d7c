package dev.prepaid.domain.events;

import dev.prepaid.domain.UserId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event for the app, written as an outbox item in the same transaction as the posting that caused it.
 * {@code id} is a pure function of the cause ({@link #idFor}): a retried posting names the same event, so its
 * outbox put (under {@code attribute_not_exists}) cannot write a second one, and the app can dedupe on it.
 * {@code data} holds strings, numbers ({@code Long}, {@code java.math.BigDecimal} credits) and booleans, in order.
 */
public record AppEvent(String id, AppEventType type, UserId userId, String sourceId, Instant created,
                       Map<String, Object> data) {

    public AppEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(created, "created");
        created = created.truncatedTo(ChronoUnit.MILLIS);
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /**
     * {@code evt_} and 32 hex digits of SHA-256 over the source (a ledger entry id) and the type: stable across
     * retries, distinct per type, and it reveals nothing of the idempotency key inside the entry id.
     */
    public static String idFor(String sourceId, AppEventType type) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((sourceId + "\n" + type.wireName()).getBytes(StandardCharsets.UTF_8));
            return "evt_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
