package dev.prepaid.port.in;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import java.util.Objects;

/**
 * An audited manual adjustment, positive or negative: the only way to change a balance by hand.
 *
 * @param actor who asked (the service token's subject), recorded on the entry
 */
public record GrantCreditsCommand(UserId userId, Credits amount, String reason, IdempotencyKey idempotencyKey, String actor) {

    public GrantCreditsCommand {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if (amount.isZero()) {
            throw new ValidationException("invalid_amount", "amount must not be 0");
        }
        reason = Texts.required(reason, "reason", Texts.MAX_DESCRIPTION);
        actor = actor == null ? "unknown" : actor;
    }
}
