package dev.prepaid.domain.payment;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * One purchase attempt. Written pending before the provider's checkout exists, so a paid checkout can
 * always be traced to a user and a product; the credits it grants are fixed when it is created.
 * {@code paymentMethod} is the method the buyer chose (one of the product's), or null: the checkout offers
 * every method of the product.
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
        Instant updatedAt,
        String paymentMethod) {

    /** An order without a chosen payment method. */
    public Order(OrderId orderId, UserId userId, String productId, ProductType type, String provider, OrderStatus status,
                 Money amount, Credits credits, String checkoutId, String paymentUrl, Instant createdAt,
                 Instant updatedAt) {
        this(orderId, userId, productId, type, provider, status, amount, credits, checkoutId, paymentUrl, createdAt,
                updatedAt, null);
    }

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

    /** @param paymentMethod one of the product's methods, or null for all of them */
    public static Order pending(OrderId id, UserId user, Product product, String provider, Instant now,
                                String paymentMethod) {
        return pending(id, user, product, product.price(), provider, now, paymentMethod);
    }

    /**
     * A pending order paying {@code amount} (one of the product's prices: the currency the buyer chose) for the
     * product's credits plus its bonus, fixed now.
     */
    public static Order pending(OrderId id, UserId user, Product product, Money amount, String provider, Instant now) {
        return pending(id, user, product, amount, provider, now, null);
    }

    /** @param paymentMethod one of the product's methods, or null for all of them */
    public static Order pending(OrderId id, UserId user, Product product, Money amount, String provider, Instant now,
                                String paymentMethod) {
        if (!product.prices().contains(amount)) {
            throw new IllegalArgumentException("product " + product.id() + " is not sold for " + amount);
        }
        if (paymentMethod != null && !product.offers(paymentMethod)) {
            throw new IllegalArgumentException("product " + product.id() + " does not offer " + paymentMethod);
        }
        return new Order(id, user, product.id(), product.type(), provider, OrderStatus.PENDING, amount,
                product.grantedCredits(), null, null, now, now, paymentMethod);
    }

    public Order withCheckout(String checkoutId, String paymentUrl, Instant now) {
        return new Order(orderId, userId, productId, type, provider, status, amount, credits, checkoutId, paymentUrl,
                createdAt, now, paymentMethod);
    }

    /** The methods the checkout offers: the chosen one, or every method of the product. */
    public java.util.List<String> checkoutMethods(Product product) {
        return paymentMethod == null ? product.paymentMethods() : java.util.List.of(paymentMethod);
    }
}
