package dev.prepaid.domain.payment;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * One purchase attempt. Written pending before the provider's checkout exists, so a paid checkout can
 * always be traced to a user and a product; the credits it grants are fixed when it is created.
 */
public record Order(
        OrderId orderId,
        UserId userId,
        String productId,
        ProductType type,
        String provider,
        OrderStatus status,
        Money amount,
        Credits credits,
        String checkoutId,
        String paymentUrl,
        Instant createdAt,
        Instant updatedAt) {

    public Order {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(credits, "credits");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public static Order pending(OrderId id, UserId user, Product product, String provider, Instant now) {
        return pending(id, user, product, product.price(), provider, now);
    }

    /**
     * A pending order paying {@code amount} (one of the product's prices: the currency the buyer chose) for the
     * product's credits plus its bonus, fixed now.
     */
    public static Order pending(OrderId id, UserId user, Product product, Money amount, String provider, Instant now) {
        if (!product.prices().contains(amount)) {
            throw new IllegalArgumentException("product " + product.id() + " is not sold for " + amount);
        }
        return new Order(id, user, product.id(), product.type(), provider, OrderStatus.PENDING, amount,
                product.grantedCredits(), null, null, now, now);
    }

    public Order withCheckout(String checkoutId, String paymentUrl, Instant now) {
        return new Order(orderId, userId, productId, type, provider, status, amount, credits, checkoutId, paymentUrl,
                createdAt, now);
    }
}
