package dev.prepaid.function.query;

import dev.prepaid.wiring.CreditsQueryWiring;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.ApiException;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.adapter.in.http.HttpResponses;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.in.http.LedgerJson;
import dev.prepaid.adapter.in.http.Router;
import dev.prepaid.domain.Balance;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.HistoryPage;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.CreditQueries;
import dev.prepaid.port.in.DailyUsage;
import dev.prepaid.port.in.UsageSummary;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A signed-in user's read routes. The user is the token's subject; no parameter can name another user.
 * Reads live in their own function so it can hold a read-only policy and scale apart from the money path.
 */
public final class CreditsQueryHandler extends ApiGatewayHandler {
    static final int DEFAULT_LIMIT = 20;
    static final int DEFAULT_DAYS = 30;
    /** The calendar a report may name: years 1 to 9999 (the end of 9999-12-31 as an exclusive bound). */
    private static final Instant FIRST_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant END_INSTANT = LocalDate.of(10000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

    public CreditsQueryHandler() {
        this(CreditsQueryWiring.services(Env.system()));
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public static CreditsQueryHandler fromEnv(Env env) {
        return new CreditsQueryHandler(CreditsQueryWiring.services(env));
    }

    /** Its services; SnapStart priming reads a sentinel balance (read-only) so the data path is warm in the snapshot. */
    public CreditsQueryHandler(CreditsQueryWiring.Services services) {
        super(routes(services.queries(), services.clock(), services.catalog(), services.pricing()), services.priming());
    }

    private static Router routes(CreditQueries queries, Clock clock, ProductCatalog catalog, PricingCatalog pricing) {
        APIGatewayV2HTTPResponse plans = plans(catalog); // the catalog is fixed per deployment: render once
        APIGatewayV2HTTPResponse prices = prices(pricing);
        return new Router()
                .route("GET", "/api/credits/plans", request -> plans)
                .route("GET", "/api/credits/prices", request -> prices)
                .route("GET", "/api/credits/balance", request -> balance(queries, request))
                .route("GET", "/api/credits/transactions", request -> transactions(queries, request))
                .route("GET", "/api/credits/usage/summary", request -> summary(queries, clock, request))
                .route("GET", "/api/credits/usage/daily", request -> daily(queries, clock, request));
    }

    /** Public: what can be bought, for a pricing page. No identity needed, nothing personal in it. */
    private static APIGatewayV2HTTPResponse plans(ProductCatalog catalog) {
        ObjectNode body = Json.object();
        ArrayNode plans = body.putArray("plans");
        for (Product product : catalog.all()) {
            ObjectNode plan = plans.addObject();
            plan.put("id", product.id());
            plan.put("name", product.name());
            plan.put("price", product.price().toMajor());
            plan.put("currency", product.price().currency());
            ObjectNode prices = plan.putObject("prices");
            product.prices().forEach(p -> prices.put(p.currency(), p.toMajor()));
            plan.put("credits", product.credits().toBigDecimal());
            plan.put("bonusCredits", product.bonusCredits().toBigDecimal());
            plan.put("type", product.type().wireName());
            if (product.interval() == null) {
                plan.putNull("interval");
            } else {
                plan.put("interval", product.interval());
            }
            ArrayNode features = plan.putArray("features");
            product.features().forEach(features::add);
            ArrayNode methods = plan.putArray("paymentMethods");
            product.paymentMethods().forEach(methods::add);
        }
        return HttpResponses.json(200, body);
    }

    /**
     * Public: what each operation costs in credits, with its modifiers, for a pricing page. The shape mirrors
     * the catalog's rules: {@code base} per unit; {@code unit} {@code call}, {@code started} (one unit per
     * started {@code size} of {@code param}) or {@code product} (the product of {@code params}); {@code options}
     * multiply by a parameter's value ({@code default} when omitted); {@code thresholds} multiply when a number
     * is above a bound. Every price rounds up to the next 0.01.
     */
    static APIGatewayV2HTTPResponse prices(PricingCatalog pricing) {
        ObjectNode body = Json.object();
        ArrayNode operations = body.putArray("operations");
        pricing.prices().forEach((name, price) -> {
            ObjectNode op = operations.addObject();
            op.put("operation", name);
            op.put("base", plain(price.base()));
            ObjectNode unit = op.putObject("unit");
            String[] parts = price.unit().split(":");
            switch (parts[0]) {
                case "started" -> {
                    unit.put("kind", "started");
                    unit.put("param", parts[1]);
                    unit.put("size", plain(new java.math.BigDecimal(parts[2])));
                }
                case "product" -> {
                    unit.put("kind", "product");
                    ArrayNode params = unit.putArray("params");
                    for (String param : parts[1].split("\\*")) {
                        params.add(param);
                    }
                }
                default -> unit.put("kind", "call");
            }
            ArrayNode options = op.putArray("options");
            price.options().forEach((param, values) -> {
                ObjectNode option = options.addObject();
                option.put("param", param);
                String fallback = price.defaults().get(param);
                if (fallback == null) {
                    option.putNull("default");
                } else {
                    option.put("default", fallback);
                }
                ObjectNode multipliers = option.putObject("multipliers");
                values.forEach((value, multiplier) -> multipliers.put(value, plain(multiplier)));
            });
            ArrayNode thresholds = op.putArray("thresholds");
            for (PricingCatalog.OperationPrice.Threshold threshold : price.thresholds()) {
                ObjectNode t = thresholds.addObject();
                t.put("param", threshold.param());
                t.put("above", plain(threshold.above()));
                t.put("multiplier", plain(threshold.multiplier()));
            }
        });
        body.put("rounding", "up to 0.01");
        return HttpResponses.json(200, body);
    }

    /** 20, not 2E+1 or 20.0: the shortest plain decimal. */
    private static java.math.BigDecimal plain(java.math.BigDecimal value) {
        return new java.math.BigDecimal(value.stripTrailingZeros().toPlainString());
    }

    private static APIGatewayV2HTTPResponse balance(CreditQueries queries, HttpRequest request) {
        UserId user = Caller.user(request);
        Balance balance = queries.balance(user);
        ObjectNode body = Json.object();
        body.put("userId", user.value());
        body.put("balance", balance.credits().toBigDecimal());
        // held: the user's active holds (credits reserved for work in progress); available = balance - held
        body.put("held", balance.held().toBigDecimal());
        body.put("available", balance.available().toBigDecimal());
        if (balance.updatedAt() == null) {
            body.putNull("updatedAt");
        } else {
            body.put("updatedAt", DateTimeFormatter.ISO_INSTANT.format(balance.updatedAt()));
        }
        return HttpResponses.json(200, body);
    }

    private static APIGatewayV2HTTPResponse transactions(CreditQueries queries, HttpRequest request) {
        UserId user = Caller.user(request);
        int limit = request.wholeNumberQuery("limit", DEFAULT_LIMIT);
        String type = request.query("type");
        Optional<EntryType> filter = type == null || type.isEmpty() ? Optional.empty()
                : Optional.of(EntryType.fromWireName(type));
        String cursor = request.query("cursor");
        HistoryPage page = queries.transactions(user, filter, limit,
                cursor == null || cursor.isEmpty() ? Optional.empty() : Optional.of(cursor));
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        for (LedgerEntry entry : page.items()) {
            items.add(LedgerJson.entry(entry));
        }
        if (page.nextCursor().isPresent()) {
            body.put("nextCursor", page.nextCursor().get());
        } else {
            body.putNull("nextCursor");
        }
        return HttpResponses.json(200, body);
    }

    private static APIGatewayV2HTTPResponse summary(CreditQueries queries, Clock clock, HttpRequest request) {
        UserId user = Caller.user(request);
        Instant to = instantParam(request, "to", clock.instant(), false);
        Instant from = instantParam(request, "from", to.minus(30, ChronoUnit.DAYS), true);
        UsageSummary summary = queries.usageSummary(user, from, to);
        ObjectNode body = Json.object();
        body.put("from", DateTimeFormatter.ISO_INSTANT.format(summary.from()));
        body.put("to", DateTimeFormatter.ISO_INSTANT.format(summary.to()));
        ArrayNode operations = body.putArray("operations");
        for (UsageSummary.Line line : summary.operations()) {
            ObjectNode row = operations.addObject();
            row.put("operation", line.operation());
            row.put("count", line.count());
            row.put("spent", line.spent().toBigDecimal());
            row.put("refunded", line.refunded().toBigDecimal());
            row.put("net", line.net().toBigDecimal());
        }
        ObjectNode totals = body.putObject("totals");
        totals.put("spent", summary.spent().toBigDecimal());
        totals.put("refunded", summary.refunded().toBigDecimal());
        totals.put("net", summary.net().toBigDecimal());
        body.put("truncated", summary.truncated());
        return HttpResponses.json(200, body);
    }

    private static APIGatewayV2HTTPResponse daily(CreditQueries queries, Clock clock, HttpRequest request) {
        UserId user = Caller.user(request);
        int days = request.wholeNumberQuery("days", DEFAULT_DAYS);
        DailyUsage usage = queries.dailyUsage(user, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), days);
        ObjectNode body = Json.object();
        ArrayNode rows = body.putArray("days");
        for (DailyUsage.Day day : usage.days()) {
            ObjectNode row = rows.addObject();
            row.put("date", day.date().toString());
            row.put("count", day.count());
            row.put("spent", day.spent().toBigDecimal());
            row.put("refunded", day.refunded().toBigDecimal());
            row.put("net", day.net().toBigDecimal());
        }
        body.put("truncated", usage.truncated());
        return HttpResponses.json(200, body);
    }


    /** An ISO-8601 instant ({@code 2026-11-01T00:00:00Z}) or a date ({@code 2026-11-01}, UTC midnight). */
    private static Instant instantParam(HttpRequest request, String name, Instant fallback, boolean startOfDay) {
        String raw = request.query(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        Instant instant;
        try {
            if (raw.length() == 10) {
                LocalDate date = LocalDate.parse(raw);
                instant = (startOfDay ? date : date.plusDays(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                instant = Instant.parse(raw);
            }
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_" + name, name + " must be an ISO-8601 date or instant");
        }
        // Instant.parse takes years up to +-1000000000, where date arithmetic overflows (a 500).
        if (instant.isBefore(FIRST_INSTANT) || instant.isAfter(END_INSTANT)) {
            throw ApiException.badRequest("invalid_" + name, name + " must lie between 0001-01-01 and 9999-12-31");
        }
        return instant;
    }
}
