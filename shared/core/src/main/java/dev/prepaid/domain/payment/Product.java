package dev.prepaid.domain.payment;

import dev.prepaid.domain.Credits;
import java.util.Objects;

/**
 * Something a user can buy. {@code interval} is {@code month} or {@code year} for subscriptions, null
 * for one-time packs.
 */
public record Product(String id, String name, Money price, Credits credits, ProductType type, String interval) {
    public Product {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(credits, "credits");
        Objects.requireNonNull(type, "type");
        if (!id.matches("[a-z][a-z0-9_]{0,31}")) {
            throw new IllegalArgumentException("product id must be lower-case letters, digits and _: " + id);
        }
        if (!credits.isPositive()) {
            throw new IllegalArgumentException("product " + id + " grants no credits");
        }
        if (type == ProductType.SUBSCRIPTION && !"month".equals(interval) && !"year".equals(interval)) {
            throw new IllegalArgumentException("subscription " + id + " needs interval month or year");
        }
        if (type == ProductType.ONE_TIME) {
            interval = null;
        }
    }

    public boolean isSubscription() {
        return type == ProductType.SUBSCRIPTION;
    }
}
