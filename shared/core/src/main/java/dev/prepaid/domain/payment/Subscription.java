package dev.prepaid.domain.payment;

import dev.prepaid.domain.UserId;
import java.time.Instant;

/**
 * A user's plan at a provider. {@code status} is the provider's word (active, past_due, canceled, ...);
 * {@code customerRef} opens the provider's billing portal. {@code eventAt} is when the provider created the
 * latest state event applied to this record (null before the first): an older event is stale and must not
 * overwrite what a newer one said (a late {@code updated} resurrecting a {@code deleted} subscription).
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
        Instant updatedAt,
        Instant eventAt) {

    /** A record no provider state event has touched yet. */
    public Subscription(UserId userId, String provider, String subscriptionId, String productId, String status,
                        Instant currentPeriodEnd, boolean cancelAtPeriodEnd, String customerRef, Instant updatedAt) {
        this(userId, provider, subscriptionId, productId, status, currentPeriodEnd, cancelAtPeriodEnd, customerRef,
                updatedAt, null);
    }

    /** Ended for good: no later event of the same age may make it active again. */
    public boolean isTerminal() {
        return "canceled".equals(status) || "expired".equals(status) || "incomplete_expired".equals(status);
    }

    /** The same record with another plan (a plan change), everything else kept. */
    public Subscription withProduct(String newProductId, Instant at) {
        return new Subscription(userId, provider, subscriptionId, newProductId, status, currentPeriodEnd,
                cancelAtPeriodEnd, customerRef, at, eventAt);
    }

    public boolean isActive() {
        return "active".equals(status) || "trialing".equals(status) || "past_due".equals(status);
    }
}
