package dev.prepaid.adapter.out.provider.mock;

import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.ProductType;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A checkout of the local mock provider. The references it hands out are derived from the checkout id
 * ({@code mock_cs_<hex>} pays as {@code mock_pi_<hex>}, subscribes as {@code mock_sub_<hex>}), so the
 * webhook and a server-side fetch always name the same payment, and a renewal finds its checkout.
 * {@code expiresAt} (null on checkouts saved before it existed: they never expire) is when an open checkout
 * can no longer be paid, as a real provider's expires.
 */
public record MockCheckout(
        String id,
        String orderId,
        String userId,
        String productId,
        ProductType productType,
        Money amount,
        Status status,
        String successUrl,
        String cancelUrl,
        String paymentRef,
        String subscriptionId,
        Instant createdAt,
        Instant expiresAt) {

    static final String CHECKOUT_PREFIX = "mock_cs_";
    static final String SUBSCRIPTION_PREFIX = "mock_sub_";

    public enum Status {
        OPEN, PAID, CANCELED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status fromWireName(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public MockCheckout {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(productType, "productType");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public boolean isSubscription() {
        return productType == ProductType.SUBSCRIPTION;
    }

    /** Paid: the payment reference, and for a subscription its id, are fixed from here on. */
    public MockCheckout paid() {
        return new MockCheckout(id, orderId, userId, productId, productType, amount, Status.PAID, successUrl, cancelUrl,
                paymentRef(1), isSubscription() ? SUBSCRIPTION_PREFIX + suffix() : null, createdAt, expiresAt);
    }

    public MockCheckout canceled() {
        return new MockCheckout(id, orderId, userId, productId, productType, amount, Status.CANCELED, successUrl,
                cancelUrl, paymentRef, subscriptionId, createdAt, expiresAt);
    }

    /** Open, but past its expiry: it can no longer be paid, and a fetch reports it expired. */
    public boolean expiredAt(Instant now) {
        return status == Status.OPEN && expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The random part of the id: {@code mock_cs_<suffix>}. */
    String suffix() {
        return id.startsWith(CHECKOUT_PREFIX) ? id.substring(CHECKOUT_PREFIX.length()) : id;
    }

    /** The payment of billing period {@code n} (1 for a one-time purchase). */
    String paymentRef(int period) {
        return "mock_pi_" + suffix() + (period == 1 ? "" : "_" + period);
    }

    /** The invoice of billing period {@code n}: the key of that period's credits. */
    String invoiceRef(int period) {
        return "mock_in_" + id + "-" + period;
    }

    String customerRef() {
        return "mock_cus_" + suffix();
    }

    /** The checkout a {@code mock_sub_<hex>} subscription was bought with. */
    static String checkoutIdOfSubscription(String subscriptionId) {
        if (subscriptionId == null || !subscriptionId.startsWith(SUBSCRIPTION_PREFIX)) {
            return null;
        }
        return CHECKOUT_PREFIX + subscriptionId.substring(SUBSCRIPTION_PREFIX.length());
    }
}
