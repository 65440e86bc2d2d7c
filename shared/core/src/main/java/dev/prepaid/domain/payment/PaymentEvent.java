package dev.prepaid.domain.payment;

import java.time.Instant;

/**
 * What a provider told us, in our words. Every provider's webhook (and a server-side fetch of a
 * checkout) becomes one of these; fulfilment handles them without knowing which provider spoke.
 * References ({@code ...Ref}) are the provider's own ids, scoped by {@link #provider()}.
 */
public sealed interface PaymentEvent {

    /** Provider name: stripe, creem, mock. */
    String provider();

    /** The provider's event id (dedupe key); for a server-side fetch, a synthetic id. */
    String eventId();

    /** The provider's event type, for logs and metrics. */
    String type();

    /**
     * A checkout was paid. For a subscription checkout, {@code invoiceRef} names the first invoice when
     * the provider says it, so the first period's credits are keyed the same whichever event comes first.
     * {@code amounts} is how the provider arrived at {@code paid} (subtotal, discount, tax, shipping), when it
     * says: a promotion code's discount is accepted only when it explains the difference exactly.
     */
    record CheckoutPaid(String provider, String eventId, String type, String orderId, String checkoutId,
                        String paymentRef, Money paid, String subscriptionId, String customerRef, String invoiceRef,
                        Instant periodEnd, Amounts amounts) implements PaymentEvent {

        /** A checkout that does not break its amount down. */
        public CheckoutPaid(String provider, String eventId, String type, String orderId, String checkoutId,
                            String paymentRef, Money paid, String subscriptionId, String customerRef, String invoiceRef,
                            Instant periodEnd) {
            this(provider, eventId, type, orderId, checkoutId, paymentRef, paid, subscriptionId, customerRef, invoiceRef,
                    periodEnd, null);
        }
    }

    /**
     * A paid total's breakdown, in minor units of the paid currency: {@code subtotal} (the price of what was
     * bought), minus {@code discount} (promotion codes, coupons), plus {@code tax} and {@code shipping}. Stripe's
     * Checkout {@code amount_subtotal} and {@code total_details.amount_discount / amount_tax / amount_shipping}.
     */
    record Amounts(long subtotal, long discount, long tax, long shipping) {

        /** Whether these parts add up to {@code total} exactly. */
        public boolean explain(long total) {
            return subtotal - discount + tax + shipping == total;
        }
    }

    /** A checkout ended unpaid: {@code expired} or {@code failed}. Nothing is granted. */
    record CheckoutClosed(String provider, String eventId, String type, String orderId, String checkoutId,
                          OrderStatus outcome) implements PaymentEvent {
    }

    /**
     * Why a subscription invoice was billed, in our words: the first period ({@code subscription_create}),
     * a renewal ({@code subscription_cycle}), a plan change's proration ({@code subscription_update}), or
     * anything else (a manual or threshold invoice). Only the first two are periods whose credits are due.
     */
    enum BillingReason {
        CREATE, CYCLE, UPDATE, OTHER;

        public boolean startsPeriod() {
            return this == CREATE || this == CYCLE;
        }
    }

    /**
     * A subscription invoice was paid (first invoice, renewal, or a plan change's proration).
     * {@code orderId}, {@code userId} and {@code productId} come from the subscription's metadata when the
     * provider carries it; otherwise fulfilment finds them from the subscription record. Metadata says what
     * the subscription was bought as, not what this invoice charged for: {@code lineProductId} is the plan
     * of the invoice's subscription line (its provider price {@code linePriceRef} mapped to our product by
     * the adapter; null when the price is not one of ours), and it wins. {@code billingReason} null means
     * the provider does not say (the mock): the invoice is taken as a period.
     */
    record SubscriptionPaid(String provider, String eventId, String type, String invoiceRef, String subscriptionId,
                            String paymentRef, Money paid, Instant periodEnd, String orderId, String userId,
                            String productId, String customerRef, BillingReason billingReason, String linePriceRef,
                            String lineProductId) implements PaymentEvent {

        /** An invoice that does not say its reason or line price (older callers, the mock). */
        public SubscriptionPaid(String provider, String eventId, String type, String invoiceRef, String subscriptionId,
                                String paymentRef, Money paid, Instant periodEnd, String orderId, String userId,
                                String productId, String customerRef) {
            this(provider, eventId, type, invoiceRef, subscriptionId, paymentRef, paid, periodEnd, orderId, userId,
                    productId, customerRef, null, null, null);
        }

        /** The same event with its line's price mapped to our product (null: not a price of ours). */
        public SubscriptionPaid withLineProduct(String product) {
            return new SubscriptionPaid(provider, eventId, type, invoiceRef, subscriptionId, paymentRef, paid, periodEnd,
                    orderId, userId, productId, customerRef, billingReason, linePriceRef, product);
        }
    }

    /**
     * The provider's view of a subscription changed (renewal date, cancellation, status, plan). A null
     * {@code currentPeriodEnd} or {@code cancelAtPeriodEnd} means the event does not say (a failed renewal
     * payment says only that the subscription is {@code past_due}): what is known stays as it is.
     * {@code occurredAt} is when the provider created the event (Stripe's {@code created}, Creem's
     * {@code created_at}): an event older than the last one applied is stale. {@code priceRef} is the
     * subscription item's provider price and {@code productId} our plan for it (null when the event does not
     * say, or the price is not one of ours): a changed plan is a plan change (the billing portal's own switch).
     */
    record SubscriptionChanged(String provider, String eventId, String type, String subscriptionId, String status,
                               Instant currentPeriodEnd, Boolean cancelAtPeriodEnd, Instant occurredAt,
                               String priceRef, String productId) implements PaymentEvent {

        /** An event that does not say when it happened or which plan the subscription is on. */
        public SubscriptionChanged(String provider, String eventId, String type, String subscriptionId, String status,
                                   Instant currentPeriodEnd, Boolean cancelAtPeriodEnd) {
            this(provider, eventId, type, subscriptionId, status, currentPeriodEnd, cancelAtPeriodEnd, null, null, null);
        }

        /** The same event with its price mapped to our product (null: not a plan of this catalog). */
        public SubscriptionChanged withProduct(String product) {
            return new SubscriptionChanged(provider, eventId, type, subscriptionId, status, currentPeriodEnd,
                    cancelAtPeriodEnd, occurredAt, priceRef, product);
        }
    }

    /** Money went back to the customer: one refund of {@code refunded} against payment {@code paymentRef}. */
    record PaymentRefunded(String provider, String eventId, String type, String refundRef, String paymentRef,
                           Money refunded) implements PaymentEvent {
    }

    /**
     * A refund that was reported (and clawed back) failed or was canceled later: the money never left, so what
     * its claw-back took is due again, once.
     */
    record RefundFailed(String provider, String eventId, String type, String refundRef, String paymentRef)
            implements PaymentEvent {
    }

    /** The customer disputed payment {@code paymentRef}; the disputed amount is held. */
    record DisputeOpened(String provider, String eventId, String type, String disputeRef, String paymentRef,
                         Money amount) implements PaymentEvent {
    }

    /** A dispute ended: won (the money came back to us) or lost. */
    record DisputeClosed(String provider, String eventId, String type, String disputeRef, String paymentRef,
                         boolean won) implements PaymentEvent {
    }

    /** A verified event we do not act on (logged and acknowledged). */
    record Ignored(String provider, String eventId, String type) implements PaymentEvent {
    }
}
