package dev.prepaid.adapter.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.ProductType;
import dev.prepaid.domain.pricing.PricingCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a catalog file ({@code catalog/<name>.json}, format in docs/catalog.md, schema in
 * {@code catalog/catalog.schema.json}): the products and the operation prices of one deployment. The file
 * is checked field by field before anything is built; every problem is reported with its line and its path
 * ({@code catalog aiasmr.json line 12: products[0].prices.usd: ...}), so a bad catalog fails the cold start (and
 * the build's {@code ShippedCatalogsTest}) instead of a purchase.
 *
 * <p>Which file: {@code CATALOG_FILE} (a path, for a catalog that is not shipped in the jar) else {@code CATALOG}
 * (the name of a shipped catalog, the template's {@code Catalog} parameter) else {@value #DEFAULT_NAME}.
 */
public final class CatalogFile {
    public static final String DEFAULT_NAME = "aiasmr";
    /** Where the shipped catalogs are on the classpath (the top-level catalog/ directory, packaged by shared/aws). */
    public static final String RESOURCE_DIR = "catalogs/";
    public static final int VERSION = 1;

    static final Set<String> TOP_FIELDS = Set.of("$schema", "version", "name", "description", "products", "operations");
    static final Set<String> PRODUCT_FIELDS = Set.of("id", "name", "kind", "credits", "bonusCredits", "interval",
            "prices", "paymentMethods", "allowPromotionCodes", "features", "providerIds", "unpaidPeriodsGrant",
            "proration");
    static final Set<String> OPERATION_FIELDS = Set.of("base", "unit", "options", "defaults", "above");
    static final List<String> PROVIDERS = List.of("stripe", "creem");
    static final List<String> ENVIRONMENTS = List.of("test", "production");

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    /** One loaded catalog. */
    public record Catalog(String name, ProductCatalog products, PricingCatalog operations) {
    }

    private final String source;
    private final Map<String, Integer> lines;
    private final List<String> errors = new ArrayList<>();

    private CatalogFile(String source, Map<String, Integer> lines) {
        this.source = source;
        this.lines = lines;
    }

    /** The catalog this function is configured with (see the class comment); any problem is an IllegalStateException. */
    public static Catalog fromEnv(Env env) {
        String file = env.optional("CATALOG_FILE", null);
        if (file != null && !file.isBlank()) {
            Path path = Path.of(file.trim());
            try {
                return parse(path.getFileName().toString(), Files.readString(path, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("CATALOG_FILE " + path + " cannot be read: " + e.getMessage(), e);
            }
        }
        String name = env.optional("CATALOG", null);
        return shipped(name == null || name.isBlank() ? DEFAULT_NAME : name.trim());
    }

    /** Shipped catalogs already read: a function that needs products and operation prices parses its file once. */
    private static final Map<String, Catalog> SHIPPED = new java.util.concurrent.ConcurrentHashMap<>();

    /** A catalog shipped in the jar, by name ({@code aiasmr}, {@code smartspec}, ...). */
    public static Catalog shipped(String name) {
        Catalog known = SHIPPED.get(name);
        if (known != null) {
            return known;
        }
        Catalog loaded = readShipped(name);
        SHIPPED.putIfAbsent(name, loaded);
        return loaded;
    }

    private static Catalog readShipped(String name) {
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new IllegalStateException("CATALOG must be the name of a shipped catalog (lower-case letters, digits,"
                    + " - and _), not " + name);
        }
        try (InputStream in = CatalogFile.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("CATALOG " + name + ": no catalog/" + name + ".json is shipped with"
                        + " the functions (add the file to catalog/ and rebuild, or set CATALOG_FILE)");
            }
            return parse(name + ".json", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses and validates catalog text.
     *
     * @param source the file name, for messages
     * @throws IllegalStateException listing every problem found, each with its line and path
     */
    public static Catalog parse(String source, String text) {
        JsonNode root;
        Map<String, Integer> lines;
        try {
            lines = lines(text);
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalStateException("catalog " + source + (at == null ? "" : " line " + at.getLineNr()
                    + " column " + at.getColumnNr()) + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CatalogFile file = new CatalogFile(source, lines);
        Catalog catalog = file.read(root);
        if (!file.errors.isEmpty()) {
            throw new IllegalStateException("catalog " + source + " is invalid:\n  " + String.join("\n  ", file.errors));
        }
        return catalog;
    }

    private Catalog read(JsonNode root) {
        if (root == null || !root.isObject()) {
            error("", "the catalog must be a JSON object");
            return null;
        }
        unknownFields(root, "", TOP_FIELDS);
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            error("/version", "must be " + VERSION + " (the catalog format version)");
        }
        String name = string(root, "", "name", true);
        if (root.has("description") && !root.get("description").isTextual()) {
            error("/description", "must be a string");
        }
        List<Product> products = new ArrayList<>();
        Map<String, Map<String, String>> providerIds = new LinkedHashMap<>();
        JsonNode list = root.get("products");
        if (list == null || !list.isArray() || list.isEmpty()) {
            error("/products", "must be a non-empty array of products");
        } else {
            Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Product product = product(list.get(i), "/products/" + i, providerIds);
                if (product != null && !ids.add(product.id())) {
                    error("/products/" + i + "/id", "the id " + product.id() + " appears twice");
                } else if (product != null) {
                    products.add(product);
                }
            }
        }
        PricingCatalog operations = operations(root.get("operations"));
        if (!errors.isEmpty()) {
            return null;
        }
        return new Catalog(name, ProductCatalog.of(products, providerIds), operations);
    }

    private Product product(JsonNode node, String at, Map<String, Map<String, String>> providerIds) {
        if (node == null || !node.isObject()) {
            error(at, "a product must be an object");
            return null;
        }
        int before = errors.size();
        unknownFields(node, at, PRODUCT_FIELDS);
        String id = string(node, at, "id", true);
        if (id != null && !id.matches("[a-z][a-z0-9_]{0,31}")) {
            error(at + "/id", "must be lower-case letters, digits and _, starting with a letter (at most 32)");
        }
        String name = string(node, at, "name", true);
        String kind = string(node, at, "kind", true);
        boolean plan = "plan".equals(kind);
        if (kind != null && !plan && !"pack".equals(kind)) {
            error(at + "/kind", "must be pack or plan");
        }
        Credits credits = credits(node, at, "credits", true);
        if (credits != null && !credits.isPositive()) {
            error(at + "/credits", "must be positive");
        }
        Credits bonus = node.has("bonusCredits") ? credits(node, at, "bonusCredits", false) : Credits.ZERO;
        if (bonus != null && bonus.isPositive() && plan) {
            error(at + "/bonusCredits", "bonus credits are for packs; a plan's credits are its period's grant");
        }
        String interval = string(node, at, "interval", false);
        if (plan && !"month".equals(interval) && !"year".equals(interval)) {
            error(at + "/interval", "a plan needs interval month or year");
        } else if (!plan && interval != null) {
            error(at + "/interval", "only a plan has an interval");
        }
        List<Money> prices = prices(node.get("prices"), at + "/prices", plan);
        List<String> methods = strings(node, at, "paymentMethods");
        if (methods != null) {
            Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < methods.size(); i++) {
                if (!Product.PAYMENT_METHODS.contains(methods.get(i))) {
                    error(at + "/paymentMethods/" + i, "must be one of " + Product.PAYMENT_METHODS);
                } else if (!seen.add(methods.get(i))) {
                    error(at + "/paymentMethods/" + i, "appears twice");
                }
            }
            if (methods.isEmpty()) {
                error(at + "/paymentMethods", "must list at least one method (omit it for [card])");
            }
        }
        boolean promotionCodes = bool(node, at, "allowPromotionCodes", false);
        List<String> features = strings(node, at, "features");
        boolean unpaidGrant = bool(node, at, "unpaidPeriodsGrant", true);
        String prorationText = string(node, at, "proration", false);
        Product.PlanChangeProration proration = Product.PlanChangeProration.NONE;
        if (prorationText != null) {
            if (!Set.of("none", "always_invoice").contains(prorationText)) {
                error(at + "/proration", "must be none or always_invoice");
            } else {
                proration = Product.PlanChangeProration.valueOf(prorationText.toUpperCase(Locale.ROOT));
            }
        }
        if (!plan && (node.has("unpaidPeriodsGrant") || node.has("proration"))) {
            error(at, "unpaidPeriodsGrant and proration are subscription flags: only a plan has them");
        }
        Map<String, String> ids = providerIds(node.get("providerIds"), at + "/providerIds");
        if (errors.size() > before) {
            return null;
        }
        try {
            Product product = new Product(id, name, prices, credits, plan ? ProductType.SUBSCRIPTION : ProductType.ONE_TIME,
                    interval, unpaidGrant, proration, bonus, methods, promotionCodes, features);
            if (!ids.isEmpty()) {
                providerIds.put(id, ids);
            }
            return product;
        } catch (RuntimeException e) {
            error(at, e.getMessage());
            return null;
        }
    }

    private List<Money> prices(JsonNode node, String at, boolean plan) {
        List<Money> prices = new ArrayList<>();
        if (node == null || !node.isObject() || node.isEmpty()) {
            error(at, "must be an object of at least one currency and its price ({\"USD\": 7.90}); the first is the"
                    + " primary price");
            return prices;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String where = at + "/" + entry.getKey();
            if (!entry.getKey().matches("[A-Z]{3}")) {
                error(where, "a currency is a 3-letter upper-case ISO 4217 code (USD, EUR, CNY)");
                continue;
            }
            JsonNode value = entry.getValue();
            if (!value.isNumber()) {
                error(where, "the price must be a number in major units (7.90)");
                continue;
            }
            BigDecimal amount = value.decimalValue();
            if (amount.signum() < 0 || (amount.signum() == 0 && !plan) || amount.stripTrailingZeros().scale() > 2) {
                error(where, "the price must be " + (plan ? "zero or positive" : "positive") + " with at most 2 decimals");
                continue;
            }
            prices.add(Money.of(amount.toPlainString(), entry.getKey()));
        }
        return prices;
    }

    private Map<String, String> providerIds(JsonNode node, String at) {
        Map<String, String> ids = new TreeMap<>();
        if (node == null) {
            return ids;
        }
        if (!node.isObject()) {
            error(at, "must be an object {\"stripe\": {\"test\": \"price_...\", \"production\": \"price_...\"}, \"creem\": {...}}");
            return ids;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> provider = it.next();
            String where = at + "/" + provider.getKey();
            if (!PROVIDERS.contains(provider.getKey())) {
                error(where, "provider must be one of " + PROVIDERS);
                continue;
            }
            if (!provider.getValue().isObject()) {
                error(where, "must be an object of environment (test, production) and id");
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> envs = provider.getValue().fields(); envs.hasNext(); ) {
                Map.Entry<String, JsonNode> env = envs.next();
                String envAt = where + "/" + env.getKey();
                if (!ENVIRONMENTS.contains(env.getKey())) {
                    error(envAt, "environment must be one of " + ENVIRONMENTS + " (PAYMENT_ENV local uses test)");
                } else if (!env.getValue().isTextual() || !env.getValue().asText().matches("[A-Za-z0-9_\\-]{1,255}")) {
                    error(envAt, "must be the provider's id (letters, digits, _ and -)");
                } else {
                    ids.put(provider.getKey() + "." + env.getKey(), env.getValue().asText());
                }
            }
        }
        return ids;
    }

    /** Operations are flattened to the keys of the properties syntax, so both share PricingCatalog's rules. */
    private PricingCatalog operations(JsonNode node) {
        if (node == null || !node.isObject()) {
            error("/operations", "must be an object of operation name and price ({\"image\": {\"base\": 1.0}})");
            return null;
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> op = it.next();
            String name = op.getKey();
            String at = "/operations/" + name;
            JsonNode price = op.getValue();
            if (!name.matches("[a-z][a-z0-9_]{0,63}")) {
                error(at, "an operation name is lower-case letters, digits and _");
                continue;
            }
            if (!price.isObject()) {
                error(at, "must be an object with at least base");
                continue;
            }
            int before = errors.size();
            unknownFields(price, at, OPERATION_FIELDS);
            JsonNode base = price.get("base");
            if (base == null || !base.isNumber()) {
                error(at + "/base", "must be a number (credits per unit)");
            } else {
                entries.put(name + ".base", base.decimalValue().toPlainString());
            }
            if (price.has("unit")) {
                String unit = string(price, at, "unit", false);
                if (unit != null) {
                    entries.put(name + ".unit", unit);
                }
            }
            nested(price.get("options"), at + "/options", (param, value, where) -> {
                if (value.isObject()) {
                    value.fields().forEachRemaining(option -> {
                        if (option.getValue().isNumber()) {
                            entries.put(name + ".option." + param + "." + option.getKey(),
                                    option.getValue().decimalValue().toPlainString());
                        } else {
                            error(where + "/" + option.getKey(), "a multiplier must be a number");
                        }
                    });
                } else {
                    error(where, "must be an object of value and multiplier");
                }
            });
            nested(price.get("defaults"), at + "/defaults", (param, value, where) -> {
                if (value.isTextual()) {
                    entries.put(name + ".default." + param, value.asText());
                } else {
                    error(where, "a default is the option value used when the parameter is absent (a string)");
                }
            });
            nested(price.get("above"), at + "/above", (param, value, where) -> {
                if (value.isObject()) {
                    value.fields().forEachRemaining(threshold -> {
                        if (threshold.getValue().isNumber() && threshold.getKey().matches("[0-9]+(\\.[0-9]+)?")) {
                            entries.put(name + ".above." + param + "." + threshold.getKey(),
                                    threshold.getValue().decimalValue().toPlainString());
                        } else {
                            error(where + "/" + threshold.getKey(), "a threshold is a number and its multiplier a number");
                        }
                    });
                } else {
                    error(where, "must be an object of threshold and multiplier");
                }
            });
            if (errors.size() == before) {
                try {
                    PricingCatalog.fromEntries(only(entries, name));
                } catch (RuntimeException e) {
                    error(at, e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        try {
            return PricingCatalog.fromEntries(entries);
        } catch (RuntimeException e) {
            error("/operations", e.getMessage());
            return null;
        }
    }

    private static Map<String, String> only(Map<String, String> entries, String operation) {
        Map<String, String> result = new HashMap<>();
        entries.forEach((k, v) -> {
            if (k.startsWith(operation + ".")) {
                result.put(k, v);
            }
        });
        return result;
    }

    private interface FieldCheck {
        void check(String field, JsonNode value, String at);
    }

    private void nested(JsonNode node, String at, FieldCheck check) {
        if (node == null) {
            return;
        }
        if (!node.isObject()) {
            error(at, "must be an object keyed by parameter name");
            return;
        }
        node.fields().forEachRemaining(e -> check.check(e.getKey(), e.getValue(), at + "/" + e.getKey()));
    }

    private void unknownFields(JsonNode node, String at, Set<String> known) {
        node.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                error(at + "/" + field, "unknown field (known: " + new java.util.TreeSet<>(known) + ")");
            }
        });
    }

    private String string(JsonNode node, String at, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                error(at + "/" + field, "is required");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            error(at + "/" + field, "must be a non-empty string");
            return null;
        }
        return value.asText().trim();
    }

    private boolean bool(JsonNode node, String at, String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            error(at + "/" + field, "must be true or false");
            return fallback;
        }
        return value.booleanValue();
    }

    private Credits credits(JsonNode node, String at, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null) {
            if (required) {
                error(at + "/" + field, "is required");
            }
            return null;
        }
        if (!value.isNumber() || value.decimalValue().signum() < 0 || value.decimalValue().stripTrailingZeros().scale() > 2) {
            error(at + "/" + field, "must be a number of credits, zero or more, with at most 2 decimals");
            return null;
        }
        return Credits.parse(value.decimalValue(), field);
    }

    private List<String> strings(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            error(at + "/" + field, "must be an array of strings");
            return null;
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual() || value.get(i).asText().isBlank()) {
                error(at + "/" + field + "/" + i, "must be a non-empty string");
            } else {
                result.add(value.get(i).asText());
            }
        }
        return result;
    }

    private void error(String pointer, String message) {
        errors.add("line " + lineOf(pointer) + ": " + readable(pointer) + (pointer.isEmpty() ? "" : ": ") + message);
    }

    /** The line of the value at {@code pointer}, or of its nearest enclosing value (a missing field: its object). */
    private int lineOf(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 1;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    /** /products/0/prices/USD -> products[0].prices.USD */
    static String readable(String pointer) {
        StringBuilder out = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.matches("[0-9]+")) {
                out.append('[').append(part).append(']');
            } else {
                out.append(out.length() == 0 ? "" : ".").append(part);
            }
        }
        return out.toString();
    }

    /** The line each value starts on, by JSON pointer: a streaming pass over the same text. */
    private static Map<String, Integer> lines(String text) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME) {
                    continue;
                }
                JsonStreamContext context = parser.getParsingContext();
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    context = context.getParent();
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    continue;
                }
                lines.putIfAbsent(context.pathAsPointer().toString(), parser.currentTokenLocation().getLineNr());
            }
        }
        return lines;
    }
}
