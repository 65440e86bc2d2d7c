package dev.prepaid.port.in;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryIds;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.ValidationException;

/**
 * Give back the credits of a deduction whose work failed: all of them ({@code amount} null) or a part.
 * Without an idempotency key a deduction has one refund; with keys it may have several partial ones,
 * never adding up to more than was deducted.
 */
public record RefundUsageCommand(String deductionId, String reason, Credits amount, IdempotencyKey idempotencyKey) {

    public RefundUsageCommand {
        if (deductionId == null || deductionId.isEmpty() || deductionId.length() > 300
                || !EntryIds.isUsage(deductionId)) {
            throw new ValidationException("invalid_deduction_id", "deductionId is not a deduction id");
        }
        reason = Texts.required(reason, "reason", Texts.MAX_DESCRIPTION);
        if (amount != null && !amount.isPositive()) {
            throw new ValidationException("invalid_amount", "amount must be greater than 0");
        }
    }
}
