package dev.prepaid.domain.payment;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.ValidationException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Something a user can buy. {@code interval} is {@code month} or {@code year} for subscriptions, null
 * for one-time packs.
 *
 * <p>{@code prices} holds one price per currency, the primary (default) one first: an order in another
 * currency records that currency's price, so the money-integrity check compares the paid amount with it.
 * {@code bonusCredits} (packs only) are added to {@code credits} in the one grant a paid pack makes.
 * {@code paymentMethods} are the checkout methods offered (among {@link #PAYMENT_METHODS}, default
 * {@code [card]}); {@code allowPromotionCodes} lets the customer enter a provider promotion code;
 * {@code features} are the lines the public plans route shows.
 */
public record Product(String id, String name, List<Money> prices, Credits credits, ProductType type, String interval,
                      boolean grantsUnpaidPeriods, PlanChangeProration proration, Credits bonusCredits,
                      List<String> paymentMethods, boolean allowPromotionCodes, List<String> features) {

    /** The checkout payment methods a product may offer. */
    public static final List<String> PAYMENT_METHODS = List.of("card", "alipay", "wechat_pay", "crypto");

    /**
     * The methods a subscription may offer: card. Alipay, WeChat Pay and stablecoin payments are one-time methods in
     * Stripe Checkout's subscription mode (docs/providers.md).
     */
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

    /** A one-currency product without bonus, paid by card, without promotion codes or features. */
    public Product(String id, String name, Money price, Credits credits, ProductType type, String interval,
                   boolean grantsUnpaidPeriods, PlanChangeProration proration) {
        this(id, name, List.of(Objects.requireNonNull(price, "price")), credits, type, interval, grantsUnpaidPeriods,
                proration, Credits.ZERO, List.of("card"), false, List.of());
    }

    public Product {
        Objects.requireNonNull(proration, "proration");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(credits, "credits");
        Objects.requireNonNull(type, "type");
        bonusCredits = bonusCredits == null ? Credits.ZERO : bonusCredits;
        paymentMethods = paymentMethods == null || paymentMethods.isEmpty() ? List.of("card") : List.copyOf(paymentMethods);
        features = features == null ? List.of() : List.copyOf(features);
        prices = List.copyOf(prices);
        if (!id.matches("[a-z][a-z0-9_]{0,31}")) {
            throw new IllegalArgumentException("product id must be lower-case letters, digits and _: " + id);
        }
        if (prices.isEmpty()) {
            throw new IllegalArgumentException("product " + id + " has no price");
        }
        Set<String> currencies = new HashSet<>();
        for (Money price : prices) {
            if (!currencies.add(price.currency())) {
                throw new IllegalArgumentException("product " + id + " has two prices in " + price.currency());
            }
        }
        if (!credits.isPositive()) {
            throw new IllegalArgumentException("product " + id + " grants no credits");
        }
        if (bonusCredits.isNegative()) {
            throw new IllegalArgumentException("product " + id + " has negative bonus credits");
        }
        if (type == ProductType.SUBSCRIPTION && bonusCredits.isPositive()) {
            throw new IllegalArgumentException("bonus credits are for packs, not for the plan " + id);
        }
        if (new HashSet<>(paymentMethods).size() != paymentMethods.size()) {
            throw new IllegalArgumentException("product " + id + " lists a payment method twice");
        }
        for (String method : paymentMethods) {
            if (!PAYMENT_METHODS.contains(method)) {
                throw new IllegalArgumentException("product " + id + " payment method must be one of "
                        + PAYMENT_METHODS + ": " + method);
            }
            if (type == ProductType.SUBSCRIPTION && !SUBSCRIPTION_PAYMENT_METHODS.contains(method)) {
                throw new IllegalArgumentException("subscription " + id + " cannot offer " + method
                        + ": alipay, wechat_pay and crypto are one-time payment methods");
            }
        }
        if (type == ProductType.SUBSCRIPTION && !"month".equals(interval) && !"year".equals(interval)) {
            throw new IllegalArgumentException("subscription " + id + " needs interval month or year");
        }
        if (type == ProductType.ONE_TIME) {
            interval = null;
        }
    }

    /** Whether a buyer may choose {@code method} for this product. */
    public boolean offers(String method) {
        return paymentMethods.contains(method);
    }

    /** The primary price: the first currency of the catalog entry, what an order without a currency pays. */
    public Money price() {
        return prices.get(0);
    }

    /** The price in {@code currency} (any case), if the product has one. */
    public Optional<Money> priceIn(String currency) {
        if (currency == null) {
            return Optional.empty();
        }
        String wanted = currency.trim().toLowerCase(Locale.ROOT);
        return prices.stream().filter(p -> p.currency().equals(wanted)).findFirst();
    }

    /**
     * The price an order pays: the primary one when {@code currency} is null, else the one in that currency;
     * 400 {@code unsupported_currency} when the product has none in it.
     */
    public Money priceFor(String currency) {
        if (currency == null) {
            return price();
        }
        return priceIn(currency).orElseThrow(() -> new ValidationException("unsupported_currency",
                "product " + id + " has no price in that currency; it is sold in "
                        + prices.stream().map(m -> m.currency().toUpperCase(Locale.ROOT)).toList()));
    }

    /** What one paid purchase grants: the credits plus the bonus, in one grant. */
    public Credits grantedCredits() {
        return credits.plus(bonusCredits);
    }

    /**
     * Whether a paid subscription invoice of {@code amount} buys this plan's period: exactly one of the catalog
     * prices, or nothing at all (a 100% coupon or the customer's credit balance) when {@link #grantsUnpaidPeriods}.
     * Any other amount (a partial discount, another currency, a price edited at the provider) grants nothing.
     */
    public boolean periodPaidBy(Money amount) {
        if (amount == null) {
            return true; // the provider does not say (Creem's subscription.paid, the mock): the period is paid
        }
        if (amount.minor() == 0) {
            return grantsUnpaidPeriods;
        }
        return prices.contains(amount);
    }

    public boolean isSubscription() {
        return type == ProductType.SUBSCRIPTION;
    }
}
