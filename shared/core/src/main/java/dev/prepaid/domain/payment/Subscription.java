package dev.prepaid.domain.payment;

import dev.prepaid.domain.UserId;
import java.time.Instant;

/**
 * A user's plan at a provider. {@code status} is the provider's word (active, past_due, canceled, ...);
 * {@code customerRef} opens the provider's billing portal.
 */
public record Subscription(
        UserId userId,
        String provider,
        String subscriptionId,
        String productId,
        String status,
        Instant currentPeriodEnd,
        boolean cancelAtPeriodEnd,
        String customerRef,
        Instant updatedAt) {

    public boolean isActive() {
        return "active".equals(status) || "trialing".equals(status) || "past_due".equals(status);
    }
}
