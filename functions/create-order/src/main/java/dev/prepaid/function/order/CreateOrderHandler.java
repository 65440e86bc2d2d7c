package dev.prepaid.function.order;

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
import dev.prepaid.adapter.in.http.JsonBody;
import dev.prepaid.adapter.in.http.Router;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.application.AutoTopupService;
import dev.prepaid.application.OrderService;
import dev.prepaid.application.SubscriptionService;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Invoice;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderPage;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.SavedPaymentMethod;
import dev.prepaid.domain.payment.Subscription;
import java.net.URI;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The signed-in user's purchase routes: create an order (and its provider checkout), read and list one's
 * own orders, see, change the plan of and cancel one's subscription, open the billing portal, list the invoices and saved
 * cards of one's provider customer; and the public payment configuration. Read routes that need the
 * provider's API (invoices, cards) live here because this function already holds the provider keys.
 */
public final class CreateOrderHandler extends ApiGatewayHandler {
    static final int DEFAULT_LIMIT = 20;

    public CreateOrderHandler() {
        this(PaymentWiring.fromEnv(Env.system()));
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public static CreateOrderHandler fromEnv(Env env) {
        return new CreateOrderHandler(PaymentWiring.fromEnv(env));
    }

    private CreateOrderHandler(PaymentWiring wiring) {
        this(wiring.orderService(), wiring.subscriptionService(), wiring.returnUrlOrigins(), PaymentConfig.from(wiring),
                wiring.autoTopupService());
    }

    /**
     * @param returnOrigins origins a billing-portal {@code returnUrl} may point at (no open redirects)
     * @param config        what the public {@code GET /api/payment/config} tells a frontend
     * @param autoTopup     the auto top-up opt-in (null: its routes answer 404 auto_topup_unavailable)
     */
    public CreateOrderHandler(OrderService orders, SubscriptionService subscriptions, List<String> returnOrigins,
                              PaymentConfig config, AutoTopupService autoTopup) {
        this(orders, subscriptions, returnOrigins, configJson(config), autoTopup);
    }

    private CreateOrderHandler(OrderService orders, SubscriptionService subscriptions, List<String> returnOrigins,
                               APIGatewayV2HTTPResponse config, AutoTopupService autoTopup) {
        super(new Router()
                .route("POST", "/api/payment/auto-topup", request -> AutoTopupRoutes.optIn(autoTopup, request))
                .route("GET", "/api/payment/auto-topup", request -> AutoTopupRoutes.get(autoTopup, request))
                .route("DELETE", "/api/payment/auto-topup", request -> AutoTopupRoutes.optOut(autoTopup, request))
                .route("GET", "/api/payment/config", request -> config)
                .route("POST", "/api/payment/create-order", request -> create(orders, request))
                .route("GET", "/api/payment/orders", request -> orders(orders, request))
                .route("GET", "/api/payment/orders/{orderId}", request -> order(orders, request))
                .route("GET", "/api/payment/invoices", request -> invoices(subscriptions, request))
                .route("GET", "/api/payment/payment-methods", request -> paymentMethods(subscriptions, request))
                .route("GET", "/api/payment/subscription", request -> subscription(subscriptions, request))
                .route("POST", "/api/payment/subscription/cancel", request -> cancel(subscriptions, request))
                .route("POST", "/api/payment/subscription/change-plan", request -> changePlan(subscriptions, request))
                .route("POST", "/api/payment/billing-portal", request -> portal(subscriptions, returnOrigins, request)));
    }

    private static APIGatewayV2HTTPResponse create(OrderService orders, HttpRequest request) {
        UserId user = Caller.user(request);
        JsonBody body = JsonBody.parse(request, Set.of("productId", "currency", "paymentMethod"));
        String key = request.header("idempotency-key");
        if (key != null && key.contains(",")) {
            throw ApiException.badRequest("invalid_idempotency_key", "send one Idempotency-Key header");
        }
        OrderService.Created created = orders.create(user, body.requiredString("productId"),
                body.optionalString("currency"), key, body.optionalString("paymentMethod"));
        ObjectNode response = orderJson(created.order());
        response.put("replayed", created.replayed());
        return HttpResponses.json(201, response);
    }

    private static APIGatewayV2HTTPResponse order(OrderService orders, HttpRequest request) {
        UserId user = Caller.user(request);
        return HttpResponses.json(200, orderJson(orders.order(user, request.pathParameter("orderId"))));
    }

    /** The caller's own orders, newest first: {@code ?limit=1..100&status=<order status>&cursor=<nextCursor>}. */
    private static APIGatewayV2HTTPResponse orders(OrderService orders, HttpRequest request) {
        UserId user = Caller.user(request);
        int limit = request.wholeNumberQuery("limit", DEFAULT_LIMIT);
        String status = request.query("status");
        Optional<OrderStatus> filter = status == null || status.isEmpty() ? Optional.empty()
                : Optional.of(OrderService.status(status));
        if (filter.isPresent() && !filter.get().wireName().equals(status)) {
            // the wire names only, as the orders show them: "COMPLETED" is not one
            throw ApiException.badRequest("invalid_status", "status must be pending, completed, failed or expired");
        }
        String cursor = request.query("cursor");
        OrderPage page = orders.orders(user, filter, limit,
                cursor == null || cursor.isEmpty() ? Optional.empty() : Optional.of(cursor));
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        page.items().forEach(order -> items.add(orderJson(order)));
        if (page.nextCursor().isPresent()) {
            body.put("nextCursor", page.nextCursor().get());
        } else {
            body.putNull("nextCursor");
        }
        return HttpResponses.json(200, body);
    }

    /** The invoices of the caller's customer at the provider, newest first ({@code ?limit=1..100}, default 20). */
    private static APIGatewayV2HTTPResponse invoices(SubscriptionService subscriptions, HttpRequest request) {
        UserId user = Caller.user(request);
        int limit = request.wholeNumberQuery("limit", DEFAULT_LIMIT);
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        for (Invoice invoice : subscriptions.invoices(user, limit)) {
            ObjectNode node = items.addObject();
            node.put("id", invoice.id());
            putOrNull(node, "number", invoice.number());
            putOrNull(node, "status", invoice.status());
            node.put("amountDue", invoice.amountDue().toMajor());
            node.put("amountPaid", invoice.amountPaid().toMajor());
            node.put("currency", invoice.amountDue().currency());
            node.put("createdAt", DateTimeFormatter.ISO_INSTANT.format(invoice.created()));
            putOrNull(node, "hostedInvoiceUrl", invoice.hostedUrl());
            putOrNull(node, "invoicePdf", invoice.pdfUrl());
        }
        return HttpResponses.json(200, body);
    }

    /** The saved cards of the caller's customer: brand, last four digits, expiry. */
    private static APIGatewayV2HTTPResponse paymentMethods(SubscriptionService subscriptions, HttpRequest request) {
        UserId user = Caller.user(request);
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        for (SavedPaymentMethod method : subscriptions.paymentMethods(user)) {
            ObjectNode node = items.addObject();
            node.put("id", method.id());
            node.put("type", method.type());
            putOrNull(node, "brand", method.brand());
            putOrNull(node, "last4", method.last4());
            if (method.expMonth() == null) {
                node.putNull("expMonth");
            } else {
                node.put("expMonth", method.expMonth());
            }
            if (method.expYear() == null) {
                node.putNull("expYear");
            } else {
                node.put("expYear", method.expYear());
            }
        }
        return HttpResponses.json(200, body);
    }

    /** Public and fixed per deployment: rendered once. */
    private static APIGatewayV2HTTPResponse configJson(PaymentConfig config) {
        ObjectNode body = Json.object();
        body.put("provider", config.provider());
        ArrayNode providers = body.putArray("providers");
        config.providers().forEach(providers::add);
        putOrNull(body, "stripePublishableKey", config.stripePublishableKey());
        ArrayNode methods = body.putArray("paymentMethods");
        config.paymentMethods().forEach(methods::add);
        return HttpResponses.json(200, body);
    }

    private static void putOrNull(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }


    private static ObjectNode orderJson(Order order) {
        ObjectNode node = Json.object();
        node.put("orderId", order.orderId().value());
        node.put("status", order.status().wireName());
        node.put("productId", order.productId());
        node.put("provider", order.provider());
        node.put("amount", order.amount().toMajor());
        node.put("currency", order.amount().currency());
        node.put("credits", order.credits().toBigDecimal());
        putOrNull(node, "paymentMethod", order.paymentMethod());
        if (order.checkoutId() == null) {
            node.putNull("checkoutId");
            node.putNull("paymentUrl");
        } else {
            node.put("checkoutId", order.checkoutId());
            node.put("paymentUrl", order.paymentUrl());
        }
        node.put("createdAt", DateTimeFormatter.ISO_INSTANT.format(order.createdAt()));
        return node;
    }

    private static APIGatewayV2HTTPResponse subscription(SubscriptionService subscriptions, HttpRequest request) {
        UserId user = Caller.user(request);
        ObjectNode response = Json.object();
        Optional<Subscription> current = subscriptions.current(user);
        if (current.isPresent()) {
            response.set("subscription", subscriptionJson(current.get()));
        } else {
            response.putNull("subscription");
        }
        return HttpResponses.json(200, response);
    }

    private static APIGatewayV2HTTPResponse cancel(SubscriptionService subscriptions, HttpRequest request) {
        UserId user = Caller.user(request);
        // No body at all means the default, as an omitted field does: cancel at the end of the paid period.
        Boolean atPeriodEnd = request.body().length == 0 ? null
                : JsonBody.parse(request, Set.of("atPeriodEnd")).optionalBoolean("atPeriodEnd");
        ObjectNode response = Json.object();
        response.set("subscription", subscriptionJson(subscriptions.cancel(user, atPeriodEnd == null || atPeriodEnd)));
        return HttpResponses.json(200, response);
    }

    /**
     * {@code {"productId"}} -> the subscription as it now stands, what the change granted now
     * ({@code granted}: the upgrade's difference, 0 for a downgrade) and when the new plan's credits apply
     * ({@code effective}: {@code now} or {@code period_end}).
     */
    private static APIGatewayV2HTTPResponse changePlan(SubscriptionService subscriptions, HttpRequest request) {
        UserId user = Caller.user(request);
        JsonBody body = JsonBody.parse(request, Set.of("productId", "paymentMethod"));
        dev.prepaid.application.PlanChanges.Result result = subscriptions.changePlan(user, body.requiredString("productId"));
        ObjectNode response = Json.object();
        response.set("subscription", subscriptionJson(result.subscription()));
        response.put("granted", result.granted().toBigDecimal());
        response.put("replayed", result.replayed());
        response.put("effective", result.upgrade() ? "now" : "period_end");
        response.put("productId", body.requiredString("productId"));
        return HttpResponses.json(200, response);
    }

    private static APIGatewayV2HTTPResponse portal(SubscriptionService subscriptions, List<String> origins,
                                                   HttpRequest request) {
        UserId user = Caller.user(request);
        JsonBody body = JsonBody.parse(request, Set.of("returnUrl"));
        String returnUrl = body.requiredString("returnUrl");
        if (!allowed(returnUrl, origins)) {
            throw ApiException.badRequest("invalid_return_url", "returnUrl must be a page of this app");
        }
        ObjectNode response = Json.object();
        response.put("url", subscriptions.billingPortal(user, returnUrl));
        return HttpResponses.json(200, response);
    }

    static boolean allowed(String url, List<String> origins) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || uri.getHost() == null || uri.getUserInfo() != null) {
                return false;
            }
            String origin = (uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()))
                    .toLowerCase(Locale.ROOT);
            return origins.stream().anyMatch(o -> o.equalsIgnoreCase(origin));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ObjectNode subscriptionJson(Subscription s) {
        ObjectNode node = Json.object();
        node.put("provider", s.provider());
        node.put("subscriptionId", s.subscriptionId());
        node.put("productId", s.productId());
        node.put("status", s.status());
        node.put("cancelAtPeriodEnd", s.cancelAtPeriodEnd());
        if (s.currentPeriodEnd() == null) {
            node.putNull("currentPeriodEnd");
        } else {
            node.put("currentPeriodEnd", DateTimeFormatter.ISO_INSTANT.format(s.currentPeriodEnd()));
        }
        return node;
    }
}
