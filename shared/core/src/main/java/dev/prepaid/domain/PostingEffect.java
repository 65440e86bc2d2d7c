package dev.prepaid.domain;

import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Subscription;
import java.time.Instant;

/**
 * Something that must change in the same transaction as a posting, or not at all: a paid order is
 * completed exactly when its credits land, and the payment that bought them is linked so that a later
 * refund or dispute can find what to claw back.
 */
public sealed interface PostingEffect {

    /** The order becomes completed (from any non-completed status: a confirmed payment always wins). */
    record CompleteOrder(String orderId, String paymentRef, String subscriptionId, Instant at) implements PostingEffect {
    }

    /**
     * Remembers which entry a provider payment paid for: {@code credits} bought with {@code paid}.
     * Refunds and disputes of that payment are clawed back against it.
     */
    record LinkPayment(String provider, String paymentRef, String entryId, UserId userId, Money paid,
                       Credits credits) implements PostingEffect {
    }

    /** The user's subscription record, written (or refreshed) with the grant. */
    record RecordSubscription(Subscription subscription) implements PostingEffect {
    }

    /** The user's current plan, shown with the balance. */
    record SetPlan(String productId) implements PostingEffect {
    }

    /**
     * A hold leaves {@code ACTIVE} for {@code to} with this posting (a capture): the hold item moves under
     * {@code status = active AND expiresAt > at}, and the user's {@code held} drops by the hold's amount, in the
     * posting's transaction. A hold that is no longer active (or has expired) cancels the whole posting.
     */
    record SettleHold(Hold hold, HoldStatus to, Credits captured, Instant at) implements PostingEffect {
    }
}
