package dev.prepaid.domain.payment;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.NotFoundException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * What prepaid sells. Deployments read it from a catalog file ({@code catalog/<name>.json}, loaded by the
 * adapter {@code CatalogFile} and built with {@link #of}); the properties syntax below remains as the
 * built-in default (the same products as {@code catalog/aiasmr.json}, from the AIASMR SOP) and for tests.
 * Provider-side ids are not here: they differ per provider and environment and the adapters keep them.
 */
public final class ProductCatalog {
    /** The default catalog, in the syntax {@code PRODUCT_CATALOG} takes. */
    public static final String DEFAULTS = """
            # <id>.name, .price (major units), .currency, .credits, .type (one_time | subscription), .interval (month | year)
            # subscriptions only, optional: .unpaid_periods_grant (true | false, default true: a 100%-discounted or
            # credit-balance-paid period still grants its credits), .proration (none | always_invoice, default none:
            # how the provider bills a plan change to this plan)
            # optional: .payment_methods (comma-separated among card, alipay, wechat_pay, crypto, default card;
            # subscriptions card only), .allow_promotion_codes (true | false, default false)
            trial.name = Trial
            trial.price = 7.90
            trial.currency = usd
            trial.credits = 100
            trial.type = one_time
            basic.name = Basic
            basic.price = 19.90
            basic.currency = usd
            basic.credits = 300
            basic.type = subscription
            basic.interval = month
            pro.name = Pro
            pro.price = 49.90
            pro.currency = usd
            pro.credits = 1500
            pro.type = subscription
            pro.interval = month
            """;

    private final Map<String, Product> products;
    /** productId -> "provider.environment" (stripe.test, creem.production) -> the provider's id. */
    private final Map<String, Map<String, String>> providerIds;

    private ProductCatalog(Map<String, Product> products) {
        this(products, Map.of());
    }

    private ProductCatalog(Map<String, Product> products, Map<String, Map<String, String>> providerIds) {
        this.products = Collections.unmodifiableMap(products);
        Map<String, Map<String, String>> ids = new LinkedHashMap<>();
        providerIds.forEach((product, byKey) -> ids.put(product, Map.copyOf(byKey)));
        this.providerIds = Collections.unmodifiableMap(ids);
    }

    /**
     * A catalog that also carries provider ids, as a catalog file does: {@code providerIds} maps a product id to
     * {@code "<provider>.<environment>"} keys ({@code stripe.test}, {@code creem.production}) and their ids.
     */
    public static ProductCatalog of(java.util.List<Product> list, Map<String, Map<String, String>> providerIds) {
        ProductCatalog plain = of(list);
        for (String id : providerIds.keySet()) {
            if (!plain.products.containsKey(id)) {
                throw new IllegalArgumentException("provider ids for " + id + ", which is not in the catalog");
            }
        }
        return new ProductCatalog(new LinkedHashMap<>(plain.products), providerIds);
    }

    /**
     * The catalog's own id of a product at a provider for one payment environment ({@code local} uses the
     * {@code test} ids), if the catalog carries one.
     */
    public Optional<String> providerId(String provider, String productId, String paymentEnv) {
        String environment = "production".equals(paymentEnv) ? "production" : "test";
        return Optional.ofNullable(providerIds.getOrDefault(productId, Map.of()).get(provider + "." + environment));
    }

    /** A catalog of these products, in this order (the order a pricing page shows); ids are unique. */
    public static ProductCatalog of(java.util.List<Product> list) {
        Map<String, Product> products = new LinkedHashMap<>();
        for (Product product : list) {
            if (products.put(product.id(), product) != null) {
                throw new IllegalArgumentException("product " + product.id() + " appears twice in the catalog");
            }
        }
        if (products.isEmpty()) {
            throw new IllegalArgumentException("the product catalog is empty");
        }
        return new ProductCatalog(products);
    }

    public static ProductCatalog defaults() {
        return parse(DEFAULTS);
    }

    public static ProductCatalog parse(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TreeSet<String> ids = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            String[] parts = key.split("\\.");
            if (parts.length != 2 || !java.util.Set.of("name", "price", "currency", "credits", "type", "interval",
                    "unpaid_periods_grant", "proration", "payment_methods", "allow_promotion_codes")
                    .contains(parts[1])) {
                throw new IllegalArgumentException("unknown product catalog key: " + key);
            }
            ids.add(parts[0]);
        }
        Map<String, Product> products = new LinkedHashMap<>();
        // Keep the order of first appearance in the text, which is the order a pricing page shows.
        for (String line : text.split("\n")) {
            String key = line.split("=")[0].trim();
            if (key.contains(".") && !key.startsWith("#")) {
                String id = key.substring(0, key.indexOf('.'));
                if (ids.contains(id) && !products.containsKey(id)) {
                    products.put(id, product(id, properties));
                }
            }
        }
        if (products.isEmpty()) {
            throw new IllegalArgumentException("the product catalog is empty");
        }
        return new ProductCatalog(products);
    }

    private static Product product(String id, Properties p) {
        String price = require(p, id, "price");
        String credits = require(p, id, "credits");
        String type = require(p, id, "type").trim().toUpperCase(Locale.ROOT);
        try {
            return new Product(id, p.getProperty(id + ".name", id).trim(),
                    java.util.List.of(Money.of(price.trim(), p.getProperty(id + ".currency", "usd").trim())),
                    Credits.parsePositive(new BigDecimal(credits.trim()), id + ".credits"),
                    ProductType.valueOf(type), trimmed(p.getProperty(id + ".interval")),
                    flag(p.getProperty(id + ".unpaid_periods_grant", "true"), id + ".unpaid_periods_grant"),
                    Product.PlanChangeProration.valueOf(p.getProperty(id + ".proration", "none").trim()
                            .toUpperCase(Locale.ROOT)),
                    Credits.ZERO,
                    methods(p.getProperty(id + ".payment_methods")),
                    flag(p.getProperty(id + ".allow_promotion_codes", "false"), id + ".allow_promotion_codes"),
                    java.util.List.of());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("product " + id + " is malformed: " + e.getMessage(), e);
        }
    }

    private static boolean flag(String value, String key) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false");
        };
    }

    private static java.util.List<String> methods(String value) {
        if (value == null || value.isBlank()) {
            return Product.DEFAULT_PAYMENT_METHODS;
        }
        java.util.List<String> methods = new java.util.ArrayList<>();
        for (String method : value.split(",")) {
            String m = method.trim().toLowerCase(Locale.ROOT);
            if (m.isEmpty()) {
                throw new IllegalArgumentException("payment_methods has an empty entry: " + value);
            }
            methods.add(m);
        }
        return methods;
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }

    private static String require(Properties p, String id, String field) {
        String value = p.getProperty(id + "." + field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("product " + id + " has no " + field);
        }
        return value;
    }

    public Collection<Product> all() {
        return products.values();
    }

    public Optional<Product> find(String id) {
        return Optional.ofNullable(id == null ? null : products.get(id));
    }

    public Product require(String id) {
        return find(id).orElseThrow(() -> new NotFoundException("unknown_product", "no product with that id"));
    }

    /**
     * The variable holding a product's id at a provider for one {@code PAYMENT_ENV}: the plain name with the
     * environment as a suffix ({@code STRIPE_PRICE_BASIC_PRODUCTION}, {@code CREEM_PRODUCT_PRO_TEST}). When it is
     * set it wins over the plain name, so one configuration (or one provider secret) can carry the ids of every
     * environment and {@code PAYMENT_ENV} picks among them.
     */
    public static String providerIdVariable(String provider, String productId, String paymentEnv) {
        return providerIdVariable(provider, productId) + "_" + paymentEnv.trim().toUpperCase(Locale.ROOT);
    }

    /** The environment variable holding a product's id at a provider: STRIPE_PRICE_BASIC, CREEM_PRODUCT_PRO. */
    public static String providerIdVariable(String provider, String productId) {
        String kind = switch (provider) {
            case "stripe" -> "STRIPE_PRICE_";
            case "creem" -> "CREEM_PRODUCT_";
            default -> provider.toUpperCase(Locale.ROOT) + "_PRODUCT_";
        };
        return kind + productId.toUpperCase(Locale.ROOT);
    }
}
