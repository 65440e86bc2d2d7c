package dev.prepaid.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.provider.mock.MockCheckout;
import dev.prepaid.adapter.out.provider.mock.MockPaymentProvider;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.function.admin.AdminHandler;
import dev.prepaid.function.callback.CallbackHandler;
import dev.prepaid.function.deduct.DeductCreditsHandler;
import dev.prepaid.function.fulfilment.FulfilmentHandler;
import dev.prepaid.function.notfound.NotFoundHandler;
import dev.prepaid.function.order.CreateOrderHandler;
import dev.prepaid.function.query.CreditsQueryHandler;
import dev.prepaid.function.webhook.WebhookHandler;
import dev.prepaid.testing.ApiGatewayStandIn;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.creem.CreemWebhooks;
import dev.prepaid.testing.creem.FakeCreem;
import dev.prepaid.testing.stripe.FakeStripe;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * prepaid as deployed, in one JVM: every function built from an environment map through its Lambda
 * wiring, routed by an API Gateway stand-in, on DynamoDB Local and ElasticMQ, paying through one provider
 * (Stripe and Creem faked over HTTP and reached through their real adapters, or the mock provider).
 */
final class PaymentSystem implements AutoCloseable {
    static final String STRIPE_WEBHOOK_SECRET = "whsec_system_test_secret";
    static final String CREEM_WEBHOOK_SECRET = "creem_whsec_system_test";
    static final String MOCK_WEBHOOK_SECRET = "mock_whsec_system_test";
    static final String SUCCESS_URL = "https://app.test/billing/success";
    static final String CANCEL_URL = "https://app.test/billing/cancel";

    final String provider;
    final DynamoDbClient dynamo;
    final SqsClient sqs;
    final String table;
    final String queueUrl;
    /** AppEventsQueue: the app's events, consumed by app-webhooks ({@link #drainAppEvents}). */
    final String appEventsUrl;
    final QueuePoller appEvents;
    final String dlqUrl;
    final ApiGatewayStandIn gateway;
    final QueuePoller poller;
    final Env env;
    final FakeStripe stripe;
    final FakeCreem creem;
    final MockPaymentProvider mock;
    final List<dev.prepaid.adapter.in.http.ApiGatewayHandler> httpHandlers;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    record Reply(int status, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    PaymentSystem(String provider) {
        this(provider, null);
    }

    /**
     * @param productCatalog a PRODUCT_CATALOG (properties syntax) instead of the defaults, or null; with Stripe each
     *                       product's price is {@code price_<id>}, declared on the fake at the catalog's amount
     */
    PaymentSystem(String provider, String productCatalog) {
        this.provider = provider;
        LocalEngines engines = LocalEngines.shared();
        dynamo = TestClients.dynamo(engines.dynamoEndpoint());
        sqs = TestClients.sqs(engines.sqsEndpoint());
        table = TestClients.createLedgerTable(dynamo);
        String[] queues = QueuePoller.createQueueWithDlq(sqs, "fulfilment-" + UUID.randomUUID().toString().substring(0, 8), 1);
        queueUrl = queues[0];
        dlqUrl = queues[1];
        gateway = new ApiGatewayStandIn(0);
        appEventsUrl = QueuePoller.createQueueWithDlq(sqs, "app-events-" + UUID.randomUUID().toString().substring(0, 8), 1)[0];
        Map<String, String> vars = new HashMap<>();
        vars.put("APP_EVENTS_QUEUE_URL", appEventsUrl);
        vars.put("APP_WEBHOOKS_ALLOW_HTTP_LOOPBACK", "true"); // the tests' receivers listen on http://127.0.0.1
        vars.put("TABLE_NAME", table);
        vars.put("DYNAMODB_ENDPOINT", engines.dynamoEndpoint().toString());
        vars.put("SQS_ENDPOINT", engines.sqsEndpoint().toString());
        vars.put("FULFILMENT_QUEUE_URL", queueUrl);
        vars.put("FULFILMENT_DLQ_URL", dlqUrl);
        vars.put("PAYMENT_PROVIDER", provider);
        vars.put("PAYMENT_ENV", "test");
        vars.put("CALLBACK_URL", gateway.baseUrl() + "/api/payment/callback");
        vars.put("SUCCESS_URL", SUCCESS_URL);
        vars.put("CANCEL_URL", CANCEL_URL);
        vars.put("RETURN_URL_ORIGINS", "https://app.test");
        stripe = provider.equals("stripe") ? new FakeStripe() : null;
        creem = provider.equals("creem") ? new FakeCreem("creem_test_api_key_123456") : null;
        switch (provider) {
            case "stripe" -> {
                stripe.price("price_trial", 790, "usd").price("price_basic", 1990, "usd").price("price_pro", 4990, "usd");
                vars.put("STRIPE_SECRET_KEY", "sk_test_system_tests_key_0000");
                vars.put("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET);
                vars.put("STRIPE_API_BASE", stripe.baseUrl());
                vars.put("STRIPE_PRICE_TRIAL", "price_trial");
                vars.put("STRIPE_PRICE_BASIC", "price_basic");
                vars.put("STRIPE_PRICE_PRO", "price_pro");
            }
            case "creem" -> {
                creem.product("prod_trial", 790, "usd", false).product("prod_basic", 1990, "usd", true)
                        .product("prod_pro", 4990, "usd", true);
                vars.put("CREEM_API_KEY", "creem_test_api_key_123456");
                vars.put("CREEM_WEBHOOK_SECRET", CREEM_WEBHOOK_SECRET);
                vars.put("CREEM_API_BASE", creem.baseUrl().toString());
                vars.put("CREEM_PRODUCT_TRIAL", "prod_trial");
                vars.put("CREEM_PRODUCT_BASIC", "prod_basic");
                vars.put("CREEM_PRODUCT_PRO", "prod_pro");
            }
            default -> {
                vars.put("MOCK_WEBHOOK_SECRET", MOCK_WEBHOOK_SECRET);
                vars.put("MOCK_CHECKOUT_URL", gateway.baseUrl() + "/mock/checkout");
                vars.put("MOCK_WEBHOOK_URL", gateway.baseUrl() + "/api/payment/webhook/mock");
            }
        }
        ProductCatalog catalog = productCatalog == null ? ProductCatalog.defaults() : ProductCatalog.parse(productCatalog);
        if (productCatalog != null) {
            vars.put("PRODUCT_CATALOG", productCatalog);
            for (dev.prepaid.domain.payment.Product product : catalog.all()) {
                if (stripe != null) {
                    stripe.price("price_" + product.id(), product.price().minor(), product.price().currency());
                    vars.put(ProductCatalog.providerIdVariable("stripe", product.id()), "price_" + product.id());
                }
                if (creem != null) {
                    creem.product("prod_" + product.id(), product.price().minor(), product.price().currency(),
                            product.isSubscription());
                    vars.put(ProductCatalog.providerIdVariable("creem", product.id()), "prod_" + product.id());
                }
            }
        }
        env = new Env(vars);
        mock = provider.equals("mock") ? MockPaymentProvider.fromEnv(env, catalog, dynamo, table) : null;

        ApiGatewayStandIn.Authorizer jwt = PaymentSystem::testTokens;
        DeductCreditsHandler deduct = new DeductCreditsHandler(env);
        CreditsQueryHandler query = new CreditsQueryHandler(env);
        CreateOrderHandler orders = new CreateOrderHandler(env);
        CallbackHandler callback = new CallbackHandler(env);
        WebhookHandler webhook = new WebhookHandler(env);
        AdminHandler admin = new AdminHandler(env);
        NotFoundHandler notFound = new NotFoundHandler(env);
        httpHandlers = List.of(deduct, query, orders, callback, webhook, admin, notFound);
        for (String route : List.of("/api/credits/deduct", "/api/credits/refund", "/api/credits/holds",
                "/api/credits/holds/{holdId}/capture", "/api/credits/holds/{holdId}/release")) {
            gateway.route("POST", route, deduct, "deduct-credits", jwt, List.of("credits/write"));
        }
        // any one of the scopes, as in template.yaml
        gateway.route("POST", "/api/credits/grant", deduct, "deduct-credits", jwt, List.of("credits/grant", "credits/admin"));
        for (String route : List.of("/api/credits/balance", "/api/credits/transactions", "/api/credits/usage/summary",
                "/api/credits/usage/daily")) {
            gateway.route("GET", route, query, "credits-query", jwt, List.of());
        }
        gateway.route("GET", "/api/credits/plans", query, "credits-query", null, List.of());
        gateway.route("GET", "/api/credits/prices", query, "credits-query", null, List.of());
        gateway.route("GET", "/api/payment/config", orders, "create-order", null, List.of());
        gateway.route("GET", "/api/payment/orders", orders, "create-order", jwt, List.of());
        gateway.route("GET", "/api/payment/invoices", orders, "create-order", jwt, List.of());
        gateway.route("GET", "/api/payment/payment-methods", orders, "create-order", jwt, List.of());
        gateway.route("POST", "/api/payment/create-order", orders, "create-order", jwt, List.of());
        gateway.route("GET", "/api/payment/orders/{orderId}", orders, "create-order", jwt, List.of());
        gateway.route("GET", "/api/payment/subscription", orders, "create-order", jwt, List.of());
        gateway.route("POST", "/api/payment/subscription/cancel", orders, "create-order", jwt, List.of());
        gateway.route("POST", "/api/payment/subscription/change-plan", orders, "create-order", jwt, List.of());
        gateway.route("POST", "/api/payment/billing-portal", orders, "create-order", jwt, List.of());
        gateway.route("POST", "/api/payment/auto-topup", orders, "create-order", jwt, List.of());
        gateway.route("GET", "/api/payment/auto-topup", orders, "create-order", jwt, List.of());
        gateway.route("DELETE", "/api/payment/auto-topup", orders, "create-order", jwt, List.of());
        gateway.route("GET", "/api/payment/callback", callback, "callback", null, List.of());
        gateway.route("POST", "/api/payment/callback", webhook, "webhook", null, List.of());
        gateway.route("POST", "/api/payment/webhook/{provider}", webhook, "webhook", null, List.of());
        // the operator routes: scope credits/admin on every one, as in template.yaml
        gateway.route("POST", "/api/admin/orders/{orderId}/reconcile", admin, "admin", jwt, List.of("credits/admin"));
        gateway.route("GET", "/api/admin/reports/drift", admin, "admin", jwt, List.of("credits/admin"));
        gateway.route("GET", "/api/admin/dlq", admin, "admin", jwt, List.of("credits/admin"));
        gateway.route("POST", "/api/admin/dlq/redrive", admin, "admin", jwt, List.of("credits/admin"));
        gateway.route("POST", "/api/admin/webhook-endpoints", admin, "admin", jwt, List.of("credits/admin"));
        gateway.route("GET", "/api/admin/webhook-endpoints", admin, "admin", jwt, List.of("credits/admin"));
        gateway.route("DELETE", "/api/admin/webhook-endpoints/{endpointId}", admin, "admin", jwt, List.of("credits/admin"));
        gateway.route("POST", "/api/admin/webhook-deliveries/{eventId}/redeliver", admin, "admin", jwt,
                List.of("credits/admin"));
        // the $default route: whatever no route takes (public)
        gateway.defaultRoute(notFound, "not-found", null, List.of());
        poller = new QueuePoller(sqs, queueUrl, new FulfilmentHandler(env), "fulfilment");
        appEvents = new QueuePoller(sqs, appEventsUrl, new dev.prepaid.function.appwebhooks.AppWebhooksHandler(env),
                "app-webhooks");
    }

    /**
     * The tests' identity provider: "Bearer user:alice" is a verified token for alice, "Bearer service:app"
     * one with scopes credits/write and credits/grant (what the app's backend holds), "Bearer writer:app" one with
     * credits/write only, "Bearer admin:ops" one with scope credits/admin. (The local runner verifies real
     * HS256 JWTs.)
     */
    static Map<String, String> testTokens(Map<String, String> headers) {
        String auth = headers.get("authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return null;
        }
        String token = auth.substring(7);
        String exp = Long.toString(Instant.now().getEpochSecond() + 600);
        if (token.startsWith("user:")) {
            return Map.of("sub", token.substring(5), "exp", exp, "scope", "openid");
        }
        if (token.startsWith("service:")) {
            return Map.of("sub", token.substring(8), "exp", exp, "scope", "credits/write credits/grant");
        }
        if (token.startsWith("writer:")) {
            return Map.of("sub", token.substring(7), "exp", exp, "scope", "credits/write");
        }
        if (token.startsWith("admin:")) {
            return Map.of("sub", token.substring(6), "exp", exp, "scope", "credits/admin");
        }
        return null;
    }

    Reply call(String method, String path, String token, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("content-type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    Reply createOrder(String user, String product, String idempotencyKey) {
        return call("POST", "/api/payment/create-order", "user:" + user, "{\"productId\": \"" + product + "\"}",
                idempotencyKey == null ? Map.of() : Map.of("idempotency-key", idempotencyKey));
    }

    Reply deduct(String user, String amount) {
        return call("POST", "/api/credits/deduct", "service:app-backend",
                "{\"userId\": \"" + user + "\", \"amount\": " + amount + ", \"idempotencyKey\": \"" + UUID.randomUUID() + "\"}",
                Map.of());
    }

    java.math.BigDecimal balance(String user) {
        return call("GET", "/api/credits/balance", "user:" + user, null, Map.of()).json().get("balance").decimalValue();
    }

    Reply webhook(String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("content-type", "application/json");
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signed webhook from the provider (Stripe or Creem); the mock sends its own. */
    Reply stripeEvent(ObjectNode event) {
        String payload = StripeWebhooks.json(event);
        return webhook("/api/payment/webhook/stripe", payload.getBytes(StandardCharsets.UTF_8),
                StripeWebhooks.headers(payload, STRIPE_WEBHOOK_SECRET));
    }

    Reply creemEvent(CreemWebhooks.Webhook hook) {
        return webhook("/api/payment/webhook/creem", hook.body(),
                Map.of("creem-signature", CreemWebhooks.sign(hook.body(), CREEM_WEBHOOK_SECRET)));
    }

    /**
     * The customer pays at the provider and the provider tells us (checkout completed, and for a
     * subscription its first invoice). Returns the provider's checkout as it now stands.
     */
    JsonNode payAndNotify(JsonNode order) {
        String checkoutId = order.get("checkoutId").asText();
        switch (provider) {
            case "stripe" -> {
                ObjectNode session = stripe.markPaid(checkoutId);
                assertOk(stripeEvent(StripeWebhooks.checkoutSessionCompleted(session)));
                if (!session.path("invoice").isNull() && !session.path("invoice").isMissingNode()) {
                    assertOk(stripeEvent(StripeWebhooks.event("invoice.paid", stripe.invoice(session.get("invoice").asText()))));
                }
                return session;
            }
            case "creem" -> {
                ObjectNode checkout = creem.markPaid(checkoutId);
                assertOk(creemEvent(CreemWebhooks.checkoutCompleted(checkout)));
                if (checkout.path("subscription").isObject()) {
                    assertOk(creemEvent(CreemWebhooks.subscriptionPaid(checkout)));
                }
                return checkout;
            }
            default -> {
                mock.actions().pay(checkoutId);
                return Json.MAPPER.valueToTree(Map.of("id", checkoutId));
            }
        }
    }

    /** The provider marks the checkout paid but its webhook has not come (yet). */
    JsonNode payQuietly(JsonNode order) {
        String checkoutId = order.get("checkoutId").asText();
        return switch (provider) {
            case "stripe" -> stripe.markPaid(checkoutId);
            case "creem" -> creem.markPaid(checkoutId);
            default -> throw new UnsupportedOperationException("the mock pays and notifies in one step");
        };
    }

    /** Renewal number {@code period} (2, 3, ...) of the subscription bought with {@code checkout}. */
    void renew(JsonNode checkout, JsonNode order, String user, int period) {
        switch (provider) {
            case "stripe" -> {
                // FakeStripe bills the next period at the subscription item's price, as Stripe does
                String subscription = checkout.get("subscription").asText();
                assertOk(stripeEvent(StripeWebhooks.event("invoice.paid", stripe.renew(subscription))));
            }
            case "creem" -> assertOk(creemEvent(CreemWebhooks.subscriptionPaid(checkout, "tran_" + UUID.randomUUID(),
                    Instant.now().plusSeconds(period * 30L * 86400))));
            default -> {
                String subscription = call("GET", "/api/payment/subscription", "user:" + user, null, Map.of())
                        .json().get("subscription").get("subscriptionId").asText();
                mock.actions().renew(subscription, period);
            }
        }
    }

    /** The whole first payment is refunded at the provider. */
    void refundInFull(JsonNode checkout, JsonNode order) {
        long amount = order.get("amount").decimalValue().movePointRight(2).longValueExact();
        switch (provider) {
            case "stripe" -> assertOk(stripeEvent(StripeWebhooks.refundCreated(StripeWebhooks.id("re_"),
                    StripeWebhooks.id("ch_"), checkout.get("payment_intent").asText(), amount, "usd")));
            case "creem" -> assertOk(creemEvent(CreemWebhooks.refundCreated(checkout, amount)));
            default -> {
                MockCheckout paid = mock.checkouts().find(order.get("checkoutId").asText()).orElseThrow();
                mock.actions().refund(paid.paymentRef(), new Money(amount, "usd"));
            }
        }
    }

    int drain() {
        return poller.drain(50);
    }

    /** Delivers the app's queued events to the registered endpoints (what AppWebhooksFunction does). */
    int drainAppEvents() {
        return appEvents.drain(50);
    }

    int queueDepth() {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().mapToInt(Integer::parseInt).sum() + "");
    }

    String tableSnapshot() {
        return dynamo.scan(b -> b.tableName(table).consistentRead(true)).items().stream()
                .map(item -> new java.util.TreeMap<>(item).toString()).sorted().toList().toString();
    }

    private static void assertOk(Reply reply) {
        if (reply.status() != 200) {
            throw new AssertionError("webhook answered " + reply.status() + ": " + reply.body());
        }
    }

    @Override
    public void close() {
        gateway.close();
        if (stripe != null) {
            stripe.close();
        }
        if (creem != null) {
            creem.close();
        }
    }
}
