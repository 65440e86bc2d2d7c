package dev.prepaid.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.local.TemplateStack;
import dev.prepaid.local.template.FunctionSpec;
import dev.prepaid.local.template.LocalOverrides;
import dev.prepaid.adapter.out.provider.mock.MockCheckout;
import dev.prepaid.adapter.out.provider.mock.MockPaymentProvider;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.function.appwebhooks.AppWebhooksHandler;
import dev.prepaid.function.fulfilment.FulfilmentHandler;
import dev.prepaid.function.order.CreateOrderHandler;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * prepaid as deployed, in one JVM, built from template.yaml through the local runner's template reader: the
 * template's table and queues; every HTTP function built from its own environment (the template's variables,
 * resolved with the parameters below, the endpoints and provider keys local) and routed as the template routes it
 * (methods, paths, authorizer scopes) by an API Gateway stand-in; the fulfilment queue's consumer. On DynamoDB
 * Local and ElasticMQ, paying through one provider (Stripe and Creem faked over HTTP and reached through their real adapters, or the mock provider).
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
    final List<ApiGatewayHandler> httpHandlers;
    /** template.yaml as this system runs it: its table, queues and functions. */
    final TemplateStack stack;
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
     * @param catalogName the template parameter {@code Catalog}: a catalog file on the classpath
     *                    ({@code catalogs/<name>.json}, e.g. a test's own from src/test/resources), or null for the
     *                    template's default; with Stripe each product's price is {@code price_<id>} and with Creem
     *                    {@code prod_<id>}, declared on the fake at the product's primary price
     */
    PaymentSystem(String provider, String catalogName) {
        this.provider = provider;
        LocalEngines engines = LocalEngines.shared();
        dynamo = TestClients.dynamo(engines.dynamoEndpoint());
        sqs = TestClients.sqs(engines.sqsEndpoint());
        gateway = new ApiGatewayStandIn(0);
        String base = gateway.baseUrl().toString();
        stripe = provider.equals("stripe") ? new FakeStripe() : null;
        creem = provider.equals("creem") ? new FakeCreem("creem_test_api_key_123456") : null;
        // template.yaml's parameters, as a deployment would give them
        Map<String, String> parameters = new HashMap<>();
        parameters.put("PaymentProvider", provider);
        parameters.put("PaymentEnv", "test");
        parameters.put("SuccessUrl", SUCCESS_URL);
        parameters.put("CancelUrl", CANCEL_URL);
        parameters.put("ReturnUrlOrigins", "https://app.test");
        if (catalogName != null) {
            parameters.put("Catalog", catalogName);
        }
        // the provider keys, which the deployed functions get from ProviderSecrets, and the fake's product ids
        // (variables overriding the catalog file's ids)
        Map<String, String> keys = new HashMap<>();
        switch (provider) {
            case "stripe" -> {
                stripe.price("price_trial", 790, "usd").price("price_basic", 1990, "usd").price("price_pro", 4990, "usd");
                keys.put("STRIPE_PRICE_TRIAL", "price_trial");
                keys.put("STRIPE_PRICE_BASIC", "price_basic");
                keys.put("STRIPE_PRICE_PRO", "price_pro");
                keys.put("STRIPE_SECRET_KEY", "sk_test_system_tests_key_0000");
                keys.put("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET);
                keys.put("STRIPE_API_BASE", stripe.baseUrl());
            }
            case "creem" -> {
                creem.product("prod_trial", 790, "usd", false).product("prod_basic", 1990, "usd", true)
                        .product("prod_pro", 4990, "usd", true);
                keys.put("CREEM_PRODUCT_TRIAL", "prod_trial");
                keys.put("CREEM_PRODUCT_BASIC", "prod_basic");
                keys.put("CREEM_PRODUCT_PRO", "prod_pro");
                keys.put("CREEM_API_KEY", "creem_test_api_key_123456");
                keys.put("CREEM_WEBHOOK_SECRET", CREEM_WEBHOOK_SECRET);
                keys.put("CREEM_API_BASE", creem.baseUrl().toString());
            }
            default -> {
                keys.put("MOCK_WEBHOOK_SECRET", MOCK_WEBHOOK_SECRET);
                keys.put("MOCK_CHECKOUT_URL", base + "/mock/checkout");
                keys.put("MOCK_WEBHOOK_URL", base + "/api/payment/webhook/mock");
            }
        }
        ProductCatalog catalog = catalogName == null ? ProductCatalog.defaults()
                : dev.prepaid.adapter.catalog.CatalogFile.shipped(catalogName).products();
        if (catalogName != null) {
            // the fake's ids for the catalog's products, on the purchase functions
            for (dev.prepaid.domain.payment.Product product : catalog.all()) {
                if (stripe != null) {
                    stripe.price("price_" + product.id(), product.price().minor(), product.price().currency());
                    keys.put(ProductCatalog.providerIdVariable("stripe", product.id()), "price_" + product.id());
                }
                if (creem != null) {
                    creem.product("prod_" + product.id(), product.price().minor(), product.price().currency(),
                            product.isSubscription());
                    keys.put(ProductCatalog.providerIdVariable("creem", product.id()), "prod_" + product.id());
                }
            }
        }
        // the template's table and queues (a failed message comes back after 1 s), every function with its own
        // environment: a variable a function's code requires and template.yaml does not give it fails here
        stack = TemplateStack.create(TemplateStack.repositoryTemplate(), parameters, base, dynamo, sqs,
                "st-" + UUID.randomUUID().toString().substring(0, 8) + "-", 1,
                LocalOverrides.withProviderKeys(base, engines.dynamoEndpoint().toString(), engines.sqsEndpoint().toString(), keys));
        FunctionSpec fulfilment = stack.function(FulfilmentHandler.class);
        String queue = stack.consumedQueue(fulfilment);
        table = stack.table("LedgerTable");
        queueUrl = stack.queueUrl(queue);
        dlqUrl = stack.queueUrl("FulfilmentDLQ");
        env = new Env(stack.unionEnvironment());
        Env purchase = new Env(stack.function(CreateOrderHandler.class).environment());
        mock = provider.equals("mock") ? MockPaymentProvider.fromEnv(purchase, catalog, dynamo, table) : null;

        Map<String, ApiGatewayHandler> handlers = new LinkedHashMap<>();
        List<FunctionSpec> routed = new ArrayList<>();
        for (FunctionSpec function : stack.functions()) {
            if (!function.routes().isEmpty()) {
                handlers.put(function.logicalId(), httpHandler(function));
                routed.add(function);
            }
        }
        httpHandlers = List.copyOf(handlers.values());
        TemplateStack.route(gateway, routed, function -> handlers.get(function.logicalId()), PaymentSystem::testTokens,
                TemplateStack::moduleName);
        poller = new QueuePoller(sqs, queueUrl, FulfilmentHandler.fromEnv(new Env(fulfilment.environment())),
                TemplateStack.moduleName(fulfilment));
        FunctionSpec appWebhooks = stack.function(AppWebhooksHandler.class);
        appEventsUrl = stack.queueUrl(stack.consumedQueue(appWebhooks));
        appEvents = new QueuePoller(sqs, appEventsUrl, AppWebhooksHandler.fromEnv(new Env(appWebhooks.environment())),
                TemplateStack.moduleName(appWebhooks));
    }

    /** The function's handler class (the template's Handler), built from the function's own environment. */
    private static ApiGatewayHandler httpHandler(FunctionSpec function) {
        try {
            Object handler = Class.forName(function.handlerClass()).getMethod("fromEnv", Env.class)
                    .invoke(null, new Env(function.environment()));
            return (ApiGatewayHandler) handler;
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(function.logicalId() + " failed to start", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(function.logicalId() + ": " + function.handlerClass() + " cannot be built", e);
        }
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
