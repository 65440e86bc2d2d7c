package dev.prepaid.port.in;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import java.util.Map;
import java.util.Objects;

/**
 * Spend credits for one operation: either a fixed {@code amount} or an {@code operation} priced by the
 * catalog from its {@code params}. Validates itself: a command that exists is a command that is valid.
 */
public record DeductCreditsCommand(
        UserId userId,
        Credits amount,
        String operation,
        Map<String, Object> params,
        IdempotencyKey idempotencyKey,
        String description,
        Map<String, String> metadata) {

    public DeductCreditsCommand {
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
                // Map.copyOf would throw NullPointerException (a 500) on a JSON null: refuse it as a 400.
                if (name == null || value == null) {
                    throw new ValidationException("invalid_params", "params may not hold null names or values");
                }
            });
        }
        params = params == null ? Map.of() : Map.copyOf(params);
        description = Texts.optional(description, "description", Texts.MAX_DESCRIPTION);
        metadata = Texts.metadata(metadata);
    }
}
