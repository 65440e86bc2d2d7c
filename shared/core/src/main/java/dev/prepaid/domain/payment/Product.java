package dev.prepaid.domain.payment;

import dev.prepaid.domain.Credits;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Something a user can buy. {@code interval} is {@code month} or {@code year} for subscriptions, null
 * for one-time packs. {@code paymentMethods} are the checkout payment methods offered for it (our names, see
 * {@link #PAYMENT_METHODS}; default {@code [card]}): a subscription takes {@code card} only, since Alipay,
 * WeChat Pay and stablecoin payments are one-time methods in Stripe Checkout (docs/providers.md).
 * {@code allowPromotionCodes} lets the buyer enter a promotion code at checkout (default false); the credits
 * granted are the product's whatever the discount.
 */
public record Product(String id, String name, Money price, Credits credits, ProductType type, String interval,
                      boolean grantsUnpaidPeriods, PlanChangeProration proration, List<String> paymentMethods,
                      boolean allowPromotionCodes) {

    /** The payment methods a product may offer: card, alipay, wechat_pay, crypto (Stripe's stablecoin payments). */
    public static final Set<String> PAYMENT_METHODS = Set.of("card", "alipay", "wechat_pay", "crypto");

    /** The methods a subscription may offer. */
    public static final Set<String> SUBSCRIPTION_PAYMENT_METHODS = Set.of("card");

    /** The default methods: card only. */
    public static final List<String> DEFAULT_PAYMENT_METHODS = List.of("card");

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

    /** A product with the default payment methods (card) and no promotion codes. */
    public Product(String id, String name, Money price, Credits credits, ProductType type, String interval,
                   boolean grantsUnpaidPeriods, PlanChangeProration proration) {
        this(id, name, price, credits, type, interval, grantsUnpaidPeriods, proration, DEFAULT_PAYMENT_METHODS, false);
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
        paymentMethods = paymentMethods == null || paymentMethods.isEmpty() ? DEFAULT_PAYMENT_METHODS
                : List.copyOf(paymentMethods);
        if (paymentMethods.stream().distinct().count() != paymentMethods.size()) {
            throw new IllegalArgumentException("product " + id + " lists a payment method twice: " + paymentMethods);
        }
        for (String method : paymentMethods) {
            if (!PAYMENT_METHODS.contains(method)) {
                throw new IllegalArgumentException("product " + id + ": unknown payment method " + method
                        + " (one of card, alipay, wechat_pay, crypto)");
            }
            if (type == ProductType.SUBSCRIPTION && !SUBSCRIPTION_PAYMENT_METHODS.contains(method)) {
                throw new IllegalArgumentException("subscription " + id + " cannot offer " + method
                        + ": alipay, wechat_pay and crypto are one-time payment methods");
            }
        }
    }

    /** Whether a buyer may choose {@code method} for this product. */
    public boolean offers(String method) {
        return paymentMethods.contains(method);
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
