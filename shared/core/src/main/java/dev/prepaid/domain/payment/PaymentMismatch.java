package dev.prepaid.domain.payment;

import java.time.Instant;
import java.util.Objects;

/**
 * A verified provider event that fulfilment refused to act on because it does not match what we sold: a
 * paid checkout for another order or checkout, for less than the order's price, in another currency, or a
 * refund in another currency than its payment. Nothing was granted or taken; the event was acknowledged
 * (retrying cannot make it match). Saved for a person to look at (reconciliation and the admin drift route
 * list it) and counted by the {@code PaymentMismatch} / {@code RefundCurrencyMismatch} metrics.
 *
 * @param reason   {@code provider_mismatch}, {@code checkout_mismatch}, {@code order_mismatch},
 *                 {@code currency_mismatch}, {@code amount_too_low}, {@code amount_unknown},
 *                 {@code refund_currency_mismatch}
 * @param orderId  the order the event named or was matched to, when any
 * @param ref      the provider object the event is about (checkout id, or refund/dispute id)
 * @param expected what the order (or the payment, for a refund) is for; null when not known
 * @param got      what the event says was paid (or refunded); null when it does not say
 */
public record PaymentMismatch(String provider, String eventId, String eventType, String reason, String orderId,
                              String ref, String userId, Money expected, Money got, Instant at) {

    public static final String PROVIDER_MISMATCH = "provider_mismatch";
    public static final String CHECKOUT_MISMATCH = "checkout_mismatch";
    public static final String ORDER_MISMATCH = "order_mismatch";
    public static final String CURRENCY_MISMATCH = "currency_mismatch";
    public static final String AMOUNT_TOO_LOW = "amount_too_low";
    public static final String AMOUNT_UNKNOWN = "amount_unknown";
    public static final String REFUND_CURRENCY_MISMATCH = "refund_currency_mismatch";

    public PaymentMismatch {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }
}
