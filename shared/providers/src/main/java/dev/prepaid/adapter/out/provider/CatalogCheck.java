package dev.prepaid.adapter.out.provider;

import dev.prepaid.adapter.catalog.CatalogFile;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.provider.creem.CreemPaymentProvider;
import dev.prepaid.adapter.out.provider.stripe.StripePaymentProvider;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code catalog check}: compares every product of the catalog file with its price at each configured provider
 * (Stripe: the price's unit_amount, currency, recurring.interval and currency_options; Creem: the product's
 * price, currency and billing period) and lists the mismatches. Read-only at the provider. Run it with
 * {@code ./run-local catalog check} (the environment: CATALOG or CATALOG_FILE, PAYMENT_ENV, STRIPE_SECRET_KEY
 * and/or CREEM_API_KEY, optional STRIPE_API_BASE / CREEM_API_BASE); exit code 0 when everything matches, 1 on
 * mismatches, 2 when the check could not run.
 */
public final class CatalogCheck {
    private CatalogCheck() {
    }

    /** One difference: {@code field} is id, price, amount, currency, interval or currency_options.&lt;cur&gt;. */
    public record Mismatch(String provider, String product, String id, String field, String catalog, String actual) {
        @Override
        public String toString() {
            return provider + " " + product + (id == null ? "" : " (" + id + ")") + ": " + field + " is " + actual
                    + " at the provider, " + catalog + " in the catalog";
        }
    }

    /**
     * A price as a provider has it: {@code interval} null for a one-time price; {@code amounts} the unit amount
     * (minor units) per lower-case currency, the price's own currency first.
     */
    public record ProviderPrice(String currency, String interval, Map<String, Long> amounts) {
    }

    /** Looks up one provider id; empty when the provider has no such price or product. */
    public interface PriceLookup {
        Optional<ProviderPrice> find(String providerId);
    }

    /** Compares the catalog with one provider's prices; {@code ids} maps product ids to provider ids (missing: a mismatch). */
    public static List<Mismatch> compare(String provider, ProductCatalog catalog, Map<String, String> ids,
                                         PriceLookup lookup, boolean multiCurrency) {
        List<Mismatch> mismatches = new ArrayList<>();
        for (Product product : catalog.all()) {
            String id = ids.get(product.id());
            if (id == null) {
                mismatches.add(new Mismatch(provider, product.id(), null, "id", "a " + provider + " id", "missing"));
                continue;
            }
            Optional<ProviderPrice> found = lookup.find(id);
            if (found.isEmpty()) {
                mismatches.add(new Mismatch(provider, product.id(), id, "price", "a price", "not found"));
                continue;
            }
            ProviderPrice price = found.get();
            Money primary = product.price();
            if (!price.currency().equals(primary.currency())) {
                mismatches.add(new Mismatch(provider, product.id(), id, "currency", primary.currency(), price.currency()));
            }
            Long amount = price.amounts().get(primary.currency());
            if (amount == null || amount != primary.minor()) {
                mismatches.add(new Mismatch(provider, product.id(), id, "amount", primary.toString(),
                        amount == null ? "none in " + primary.currency() : new Money(amount, primary.currency()).toString()));
            }
            String interval = product.isSubscription() ? product.interval() : "one-time";
            String actualInterval = price.interval() == null ? "one-time" : price.interval();
            if (!interval.equals(actualInterval)) {
                mismatches.add(new Mismatch(provider, product.id(), id, "interval", interval, actualInterval));
            }
            for (Money other : product.prices().subList(1, product.prices().size())) {
                if (!multiCurrency) {
                    break; // a one-currency provider sells the primary price only; OrderService refuses the others
                }
                Long otherAmount = price.amounts().get(other.currency());
                if (otherAmount == null || otherAmount != other.minor()) {
                    mismatches.add(new Mismatch(provider, product.id(), id, "currency_options." + other.currency(),
                            other.toString(), otherAmount == null ? "missing" : new Money(otherAmount, other.currency()).toString()));
                }
            }
        }
        return mismatches;
    }

    /** Checks the catalog the environment names against every provider with credentials in it. */
    public static List<Mismatch> run(Env env) {
        ProductCatalog catalog = CatalogFile.fromEnv(env).products();
        List<Mismatch> mismatches = new ArrayList<>();
        boolean any = false;
        if (env.optional("STRIPE_SECRET_KEY", null) != null) {
            any = true;
            mismatches.addAll(compare("stripe", catalog, ProviderIds.known(env, "stripe", catalog),
                    StripePaymentProvider.priceLookup(env), true));
        }
        if (env.optional("CREEM_API_KEY", null) != null) {
            any = true;
            mismatches.addAll(compare("creem", catalog, ProviderIds.known(env, "creem", catalog),
                    CreemPaymentProvider.productLookup(env), false));
        }
        if (!any) {
            throw new IllegalStateException("set STRIPE_SECRET_KEY and/or CREEM_API_KEY: the providers to compare with");
        }
        return mismatches;
    }

    /** Prints the result; returns the exit code (0 all match, 1 mismatches, 2 the check could not run). */
    public static int run(Env env, PrintStream out, PrintStream err) {
        List<Mismatch> mismatches;
        String name;
        try {
            name = CatalogFile.fromEnv(env).name();
            mismatches = run(env);
        } catch (RuntimeException e) {
            err.println("catalog check: " + e.getMessage());
            return 2;
        }
        String paymentEnv = env.optional("PAYMENT_ENV", "local").trim().toLowerCase(Locale.ROOT);
        if (mismatches.isEmpty()) {
            out.println("catalog " + name + " (PAYMENT_ENV " + paymentEnv + "): every product matches its provider price");
            return 0;
        }
        out.println("catalog " + name + " (PAYMENT_ENV " + paymentEnv + "): " + mismatches.size() + " mismatch"
                + (mismatches.size() == 1 ? "" : "es"));
        mismatches.forEach(m -> out.println("  " + m));
        return 1;
    }

    public static void main(String[] args) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--catalog" -> env.put("CATALOG", args[i + 1]);
                case "--catalog-file" -> env.put("CATALOG_FILE", args[i + 1]);
                case "--payment-env" -> env.put("PAYMENT_ENV", args[i + 1]);
                default -> {
                    System.err.println("catalog check: unknown option " + args[i]
                            + " (--catalog NAME, --catalog-file PATH, --payment-env test|production)");
                    System.exit(2);
                }
            }
        }
        System.exit(run(new Env(env), System.out, System.err));
    }
}
