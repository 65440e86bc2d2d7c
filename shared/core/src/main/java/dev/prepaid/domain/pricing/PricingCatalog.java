package dev.prepaid.domain.pricing;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns an operation and its parameters into credits. The catalog is data (see
 * {@code default-pricing.properties}); this class only knows the four kinds of rule: a base price, how
 * units are counted, multipliers by option and multipliers above a threshold.
 */
public final class PricingCatalog {
    private static final BigDecimal MAX_PARAM = BigDecimal.valueOf(1_000_000);
    private static final String DEFAULT_RESOURCE = "default-pricing.properties";

    private final Map<String, OperationPrice> operations;

    private PricingCatalog(Map<String, OperationPrice> operations) {
        this.operations = Collections.unmodifiableMap(operations);
    }

    public static PricingCatalog defaults() {
        try (InputStream in = PricingCatalog.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            Properties properties = new Properties();
            properties.load(in);
            return fromProperties(properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a catalog in the properties syntax; a malformed catalog fails at start-up, not at a request. */
    public static PricingCatalog parse(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fromProperties(properties);
    }

    /**
     * A catalog from the keys and values of the properties syntax ({@code image.option.quality.hd = 1.5}): what a
     * catalog file's structured operations are flattened to, so both forms share one set of rules.
     */
    public static PricingCatalog fromEntries(Map<String, String> entries) {
        Properties properties = new Properties();
        properties.putAll(entries);
        return fromProperties(properties);
    }

    private static PricingCatalog fromProperties(Properties properties) {
        Map<String, OperationPrice.Builder> builders = new TreeMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String value = properties.getProperty(key).trim();
            String[] parts = key.trim().split("\\.");
            OperationPrice.Builder b = builders.computeIfAbsent(parts[0], OperationPrice.Builder::new);
            switch (parts.length > 1 ? parts[1] : "") {
                case "base" -> b.base = decimal(key, value);
                case "unit" -> b.unit = value;
                case "option" -> {
                    require(parts.length == 4, key);
                    b.options.computeIfAbsent(parts[2], p -> new TreeMap<>()).put(parts[3], decimal(key, value));
                }
                case "default" -> {
                    require(parts.length == 3, key);
                    b.defaults.put(parts[2], value);
                }
                case "above" -> {
                    require(parts.length >= 4, key);
                    String threshold = String.join(".", java.util.Arrays.copyOfRange(parts, 3, parts.length));
                    b.thresholds.add(new OperationPrice.Threshold(parts[2], decimal(key, threshold), decimal(key, value)));
                }
                default -> throw new IllegalArgumentException("unknown pricing key: " + key);
            }
        }
        Map<String, OperationPrice> operations = new LinkedHashMap<>();
        builders.forEach((name, b) -> operations.put(name, b.build()));
        return new PricingCatalog(operations);
    }

    private static BigDecimal decimal(String key, String value) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pricing key " + key + " is not a number: " + value);
        }
    }

    private static void require(boolean condition, String key) {
        if (!condition) {
            throw new IllegalArgumentException("malformed pricing key: " + key);
        }
    }

    public Set<String> operations() {
        return operations.keySet();
    }

    /** Every operation's price rule, by name in name order: what the public price list shows. */
    public Map<String, OperationPrice> prices() {
        return operations;
    }

    /**
     * Prices one operation. Parameters are Strings or BigDecimals (the adapter's JSON mapping decides
     * which); unknown operations, unknown or missing parameters and out-of-range numbers are refused.
     */
    public PriceQuote quote(String operation, Map<String, Object> params) {
        OperationPrice price = operation == null ? null : operations.get(operation);
        if (price == null) {
            throw new ValidationException("unknown_operation", "operation is not in the price catalog");
        }
        return price.quote(operation, params == null ? Map.of() : params);
    }

    /**
     * How one operation is priced: {@code base} credits per unit; {@code unit} is {@code call},
     * {@code started:<param>:<size>} or {@code product:<p1>*<p2>}; {@code options} multiply by a parameter's
     * value ({@code defaults} make one optional); {@code thresholds} multiply when a number exceeds a bound.
     */
    public record OperationPrice(BigDecimal base, String unit, Map<String, Map<String, BigDecimal>> options,
                          Map<String, String> defaults, List<Threshold> thresholds) {

        public record Threshold(String param, BigDecimal above, BigDecimal multiplier) {
        }

        PriceQuote quote(String operation, Map<String, Object> params) {
            Set<String> known = new TreeSet<>(options.keySet());
            thresholds.forEach(t -> known.add(t.param()));
            known.addAll(unitParams());
            for (String name : params.keySet()) {
                if (!known.contains(name)) {
                    throw new ValidationException("invalid_params", "params." + name + " is not a parameter of " + operation);
                }
            }
            Map<String, Object> applied = new TreeMap<>();
            BigDecimal units = units(params, applied);
            BigDecimal total = base.multiply(units);
            StringBuilder why = new StringBuilder(base.stripTrailingZeros().toPlainString());
            if (units.compareTo(BigDecimal.ONE) != 0) {
                why.append(" x ").append(units.stripTrailingZeros().toPlainString()).append(" units");
            }
            for (Map.Entry<String, Map<String, BigDecimal>> option : options.entrySet()) {
                String param = option.getKey();
                Object raw = params.containsKey(param) ? params.get(param) : defaults.get(param);
                if (raw == null) {
                    throw new ValidationException("invalid_params", "params." + param + " is required");
                }
                if (!(raw instanceof String value)) {
                    throw new ValidationException("invalid_params", "params." + param + " must be a string");
                }
                BigDecimal multiplier = option.getValue().get(value);
                if (multiplier == null) {
                    throw new ValidationException("invalid_params",
                            "params." + param + " must be one of " + option.getValue().keySet());
                }
                applied.put(param, value);
                if (multiplier.compareTo(BigDecimal.ONE) != 0) {
                    total = total.multiply(multiplier);
                    why.append(" x ").append(multiplier.stripTrailingZeros().toPlainString())
                            .append(" (").append(param).append(' ').append(value).append(')');
                }
            }
            for (Threshold threshold : thresholds) {
                BigDecimal value = number(params, threshold.param());
                applied.put(threshold.param(), value);
                if (value.compareTo(threshold.above()) > 0) {
                    total = total.multiply(threshold.multiplier());
                    why.append(" x ").append(threshold.multiplier().stripTrailingZeros().toPlainString())
                            .append(" (").append(threshold.param()).append(" > ")
                            .append(threshold.above().stripTrailingZeros().toPlainString()).append(')');
                }
            }
            Credits amount = Credits.ceilingOf(total);
            if (!amount.isPositive()) {
                throw new ValidationException("invalid_params", "the operation costs nothing with these params");
            }
            if (Credits.MAX_AMOUNT.isLessThan(amount)) {
                throw new ValidationException("invalid_params", "the price exceeds 1000000000");
            }
            return new PriceQuote(operation, applied, amount, why.append(" = ").append(amount).toString());
        }

        private List<String> unitParams() {
            if (unit.startsWith("started:")) {
                return List.of(unit.split(":")[1]);
            }
            if (unit.startsWith("product:")) {
                return List.of(unit.substring("product:".length()).split("\\*"));
            }
            return List.of();
        }

        private BigDecimal units(Map<String, Object> params, Map<String, Object> applied) {
            if (unit.startsWith("started:")) {
                String[] parts = unit.split(":");
                BigDecimal value = number(params, parts[1]);
                applied.put(parts[1], value);
                BigDecimal size = new BigDecimal(parts[2]);
                return value.divide(size, 0, RoundingMode.CEILING).max(BigDecimal.ONE);
            }
            if (unit.startsWith("product:")) {
                BigDecimal product = BigDecimal.ONE;
                for (String param : unitParams()) {
                    BigDecimal value = number(params, param);
                    applied.put(param, value);
                    product = product.multiply(value);
                }
                return product;
            }
            return BigDecimal.ONE;
        }

        private static BigDecimal number(Map<String, Object> params, String name) {
            Object raw = params.get(name);
            if (raw == null) {
                throw new ValidationException("invalid_params", "params." + name + " is required");
            }
            if (!(raw instanceof BigDecimal value)) {
                throw new ValidationException("invalid_params", "params." + name + " must be a number");
            }
            if (value.signum() < 0 || value.compareTo(MAX_PARAM) > 0) {
                throw new ValidationException("invalid_params", "params." + name + " must be between 0 and 1000000");
            }
            if (value.stripTrailingZeros().scale() > 6) {
                throw new ValidationException("invalid_params", "params." + name + " has too many decimal places");
            }
            return value.stripTrailingZeros();
        }

        static final class Builder {
            final String name;
            BigDecimal base;
            String unit = "call";
            final Map<String, Map<String, BigDecimal>> options = new TreeMap<>();
            final Map<String, String> defaults = new TreeMap<>();
            final List<Threshold> thresholds = new ArrayList<>();

            Builder(String name) {
                this.name = name;
            }

            OperationPrice build() {
                if (base == null) {
                    throw new IllegalArgumentException("pricing for " + name + " has no base");
                }
                if (base.stripTrailingZeros().scale() > 2 || base.signum() <= 0) {
                    throw new IllegalArgumentException("pricing base for " + name + " must be positive with at most 2 decimals");
                }
                if (!unit.equals("call") && !unit.matches("started:[A-Za-z0-9_]+:[0-9]+(\\.[0-9]+)?")
                        && !unit.matches("product:[A-Za-z0-9_]+(\\*[A-Za-z0-9_]+)+")) {
                    throw new IllegalArgumentException("pricing unit for " + name + " is malformed: " + unit);
                }
                if (unit.startsWith("started:") && new BigDecimal(unit.split(":")[2]).signum() <= 0) {
                    throw new IllegalArgumentException("pricing unit for " + name + " has a zero size: " + unit);
                }
                for (String param : defaults.keySet()) {
                    if (!options.containsKey(param) || !options.get(param).containsKey(defaults.get(param))) {
                        throw new IllegalArgumentException("pricing default for " + name + "." + param + " names no option");
                    }
                }
                // Sorted and unmodifiable, not Map.copyOf: its iteration order changes from one JVM to the
                // next, which would reorder the multipliers in the stored price breakdown.
                return new OperationPrice(base, unit, Collections.unmodifiableMap(new TreeMap<>(options)),
                        Map.copyOf(defaults), List.copyOf(thresholds));
            }
        }
    }
}
