package dev.prepaid.adapter.out.provider;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every catalog product's id at one provider, read at start-up: {@code <PLAIN>_<PAYMENT_ENV>} when set
 * ({@code STRIPE_PRICE_TRIAL_PRODUCTION}), else the plain {@code STRIPE_PRICE_TRIAL} / {@code CREEM_PRODUCT_TRIAL},
 * else the catalog file's {@code providerIds.<provider>.<test|production>} (PAYMENT_ENV picks; local uses test).
 * The variables are overrides (a provider secret may carry them); the catalog file is the normal place.
 * A product without either is a start-up error naming both variables, not a failure at the first purchase.
 */
public final class ProviderIds {
    private ProviderIds() {
    }

    /**
     * @param what what the ids are, for the error ("the Stripe price id of every product in the catalog")
     */
    public static Map<String, String> fromEnv(Env env, String provider, ProductCatalog catalog, String what) {
        String paymentEnv = env.optional("PAYMENT_ENV", "local").trim().toLowerCase(Locale.ROOT);
        Map<String, String> ids = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Product product : catalog.all()) {
            String plain = ProductCatalog.providerIdVariable(provider, product.id());
            String perEnv = ProductCatalog.providerIdVariable(provider, product.id(), paymentEnv);
            String value = env.optional(perEnv, null);
            if (value == null || value.isBlank()) {
                value = env.optional(plain, null);
            }
            if (value == null || value.isBlank()) {
                value = catalog.providerId(provider, product.id(), paymentEnv).orElse(null);
            }
            if (value == null || value.isBlank()) {
                missing.add(product.id() + ": providerIds." + provider + "."
                        + ("production".equals(paymentEnv) ? "production" : "test") + " in the catalog file, or "
                        + perEnv + " or " + plain);
            } else {
                ids.put(product.id(), value.trim());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("missing provider id" + (missing.size() > 1 ? "s " : " ")
                    + String.join("; ", missing) + " (" + what + ")");
        }
        return ids;
    }

    /** The ids that are configured (file or variables), the missing ones left out: what catalog check compares. */
    public static Map<String, String> known(Env env, String provider, ProductCatalog catalog) {
        String paymentEnv = env.optional("PAYMENT_ENV", "local").trim().toLowerCase(Locale.ROOT);
        Map<String, String> ids = new LinkedHashMap<>();
        for (Product product : catalog.all()) {
            String value = env.optional(ProductCatalog.providerIdVariable(provider, product.id(), paymentEnv), null);
            if (value == null || value.isBlank()) {
                value = env.optional(ProductCatalog.providerIdVariable(provider, product.id()), null);
            }
            if (value == null || value.isBlank()) {
                value = catalog.providerId(provider, product.id(), paymentEnv).orElse(null);
            }
            if (value != null && !value.isBlank()) {
                ids.put(product.id(), value.trim());
            }
        }
        return ids;
    }
}
