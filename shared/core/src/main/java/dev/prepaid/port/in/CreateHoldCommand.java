package dev.prepaid.port.in;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import java.util.Map;
import java.util.Objects;

/**
 * Reserve credits for work in progress: a fixed {@code amount} or an {@code operation} priced by the catalog
 * from its {@code params} (as a deduct), for {@code ttlSeconds} (default {@link #DEFAULT_TTL_SECONDS}, at most
 * {@link #MAX_TTL_SECONDS}). Validates itself.
 */
public record CreateHoldCommand(
        UserId userId,
        Credits amount,
        String operation,
        Map<String, Object> params,
        IdempotencyKey idempotencyKey,
        Long ttlSeconds,
        String description) {
    public static final long DEFAULT_TTL_SECONDS = 900;
    public static final long MAX_TTL_SECONDS = 86_400;

    public CreateHoldCommand {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if ((amount == null) == (operation == null)) {
            throw new ValidationException("invalid_request", "name either amount or operation, not both");
        }
        if (amount != null && !amount.isPositive()) {
            throw new ValidationException("invalid_amount", "amount must be greater than 0");
        }
        if (amount != null && params != null && !params.isEmpty()) {
            throw new ValidationException("invalid_request", "params go with operation, not with amount");
        }
        if (params != null) {
            params.forEach((name, value) -> {
                if (name == null || value == null) {
                    throw new ValidationException("invalid_params", "params may not hold null names or values");
                }
            });
        }
        params = params == null ? Map.of() : Map.copyOf(params);
        ttlSeconds = ttlSeconds == null ? DEFAULT_TTL_SECONDS : ttlSeconds;
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new ValidationException("invalid_ttl", "ttlSeconds must be a whole number from 1 to " + MAX_TTL_SECONDS);
        }
        description = Texts.optional(description, "description", Texts.MAX_DESCRIPTION);
    }
}
