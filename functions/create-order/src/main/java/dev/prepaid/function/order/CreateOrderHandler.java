package dev.prepaid.function.order;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.ApiException;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.adapter.in.http.HttpResponses;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.in.http.JsonBody;
import dev.prepaid.adapter.in.http.Router;
import dev.prepaid.adapter.out.provider.PaymentWiring;
import dev.prepaid.application.OrderService;
import dev.prepaid.application.SubscriptionService;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.Subscription;
import java.net.URI;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The signed-in user's purchase routes: create an order (and its provider checkout), read one's own
 * orders, see, change the plan of and cancel one's subscription, open the billing portal.
 */
public final class CreateOrderHandler extends ApiGatewayHandler {

    public CreateOrderHandler() {
        this(PaymentWiring.fromEnvironment());
    }

    /** Wired from an explicit environment (the local runner passes the template's). */
    public CreateOrderHandler(dev.prepaid.adapter.config.Env env) {
        this(PaymentWiring.fromEnv(env));
    }

    private CreateOrderHandler(PaymentWiring wiring) {
        this(wiring.orderService(), wiring.subscriptionService(), wiring.returnUrlOrigins());
    }

    /**
     * @param returnOrigins origins a billing-portal {@code returnUrl} may point at (no open redirects)
     */
    public CreateOrderHandler(OrderService orders, SubscriptionService subscriptions, List<String> returnOrigins) {
        super(new Router()
                .route("POST", "/api/payment/create-order", request -> create(orders, request))
                .route("GET", "/api/payment/orders/{orderId}", request -> order(orders, request))
                .route("GET", "/api/payment/subscription", request -> subscription(subscriptions, request))
                .route("POST", "/api/payment/subscription/cancel", request -> cancel(subscriptions, request))
                .route("POST", "/api/payment/subscription/change-plan", request -> changePlan(subscriptions, request))
                .route("POST", "/api/payment/billing-portal", request -> portal(subscriptions, returnOrigins, request)));
    }

    private static APIGatewayV2HTTPResponse create(OrderService orders, HttpRequest request) {
        UserId user = Caller.user(request);
        JsonBody body = JsonBody.parse(request, Set.of("productId"));
        String key = request.header("idempotency-key");
        if (key != null && key.contains(",")) {
            throw ApiException.badRequest("invalid_idempotency_key", "send one Idempotency-Key header");
        }
        OrderService.Created created = orders.create(user, body.requiredString("productId"), key);
        ObjectNode response = orderJson(created.order());
        response.put("replayed", created.replayed());
        return HttpResponses.json(201, response);
    }

    private static APIGatewayV2HTTPResponse order(OrderService orders, HttpRequest request) {
        UserId user = Caller.user(request);
        return HttpResponses.json(200, orderJson(orders.order(user, request.pathParameter("orderId"))));
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
        JsonBody body = JsonBody.parse(request, Set.of("productId"));
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
