package dev.prepaid.domain.payment;

import dev.prepaid.domain.Credits;
import java.util.Objects;

/**
 * Something a user can buy. {@code interval} is {@code month} or {@code year} for subscriptions, null
 * for one-time packs.
 */
public record Product(String id, String name, Money price, Credits credits, ProductType type, String interval,
                      boolean grantsUnpaidPeriods, PlanChangeProration proration) {

    /**
     * How the provider bills a plan change to this product: {@code NONE} (the new price from the next
     * renewal, nothing charged now) or {@code ALWAYS_INVOICE} (the prorated difference is invoiced at once).
     * Credits do not depend on it (docs/subscriptions.md): an upgrade grants the difference once either way.
     */
    public enum PlanChangeProration { NONE, ALWAYS_INVOICE }

    /** A product with the default flags: a 100%-discounted period grants, plan changes are not prorated. */
    public Product(String id, String name, Money price, Credits credits, ProductType type, String interval) {
        this(id, name, price, credits, type, interval, true, PlanChangeProration.NONE);
    }

    public Product {
        Objects.requireNonNull(proration, "proration");
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

    /**
     * Whether a paid subscription invoice of {@code amount} buys this plan's period: exactly the catalog
     * price, or nothing at all (a 100% coupon or the customer's credit balance) when {@link #grantsUnpaidPeriods}.
     * Any other amount (a partial discount, another currency, a price edited at the provider) grants nothing.
     */
    public boolean periodPaidBy(Money amount) {
        if (amount == null) {
            return true; // the provider does not say (Creem's subscription.paid, the mock): the period is paid
        }
        if (amount.minor() == 0) {
            return grantsUnpaidPeriods;
        }
        return amount.equals(price);
    }

    public boolean isSubscription() {
        return type == ProductType.SUBSCRIPTION;
    }
}
