package dev.prepaid.function.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import dev.prepaid.testing.stripe.FakeStripe;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * create-order wired from its environment against (fake) Stripe: the checkout session expires
 * CHECKOUT_LIFETIME_MINUTES after the order's creation, and a retry with the same Idempotency-Key sends Stripe
 * the very same parameters under the same key.
 */
class CheckoutLifetimeTest {
    private final LocalEngines engines = LocalEngines.shared();
    private final DynamoDbClient dynamo = TestClients.dynamo(engines.dynamoEndpoint());
    private final FakeStripe stripe = new FakeStripe().price("price_trial", 790, "usd");

    @AfterEach
    void close() {
        stripe.close();
    }

    private Map<String, String> env(String lifetime) {
        Map<String, String> vars = new HashMap<>();
        vars.put("TABLE_NAME", TestClients.createLedgerTable(dynamo));
        vars.put("DYNAMODB_ENDPOINT", engines.dynamoEndpoint().toString());
        vars.put("PAYMENT_PROVIDER", "stripe");
        vars.put("PAYMENT_ENV", "test");
        vars.put("STRIPE_SECRET_KEY", "sk_test_create_order_lifetime_0000");
        vars.put("STRIPE_WEBHOOK_SECRET", "whsec_create_order_lifetime");
        vars.put("STRIPE_API_BASE", stripe.baseUrl());
        vars.put("STRIPE_PRICE_TRIAL", "price_trial");
        vars.put("STRIPE_PRICE_BASIC", "price_basic");
        vars.put("STRIPE_PRICE_PRO", "price_pro");
        vars.put("CALLBACK_URL", "https://api.test/api/payment/callback");
        vars.put("SUCCESS_URL", "https://app.test/success");
        if (lifetime != null) {
            vars.put("CHECKOUT_LIFETIME_MINUTES", lifetime);
        }
        return vars;
    }

    private static APIGatewayV2HTTPResponse create(CreateOrderHandler handler, String user, String key) {
        return handler.handleRequest(Events.request("POST", "/api/payment/create-order").user(user)
                .header("idempotency-key", key).body("{\"productId\": \"trial\"}").build(), new TestContext("create-order"));
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws IOException {
        return Json.MAPPER.readTree(response.getBody());
    }

    @Test
    void theCheckoutExpiresTheLifetimeAfterTheOrderAndARetryAfterAnOutageSendsTheSameParameters() throws Exception {
        Map<String, String> vars = env("45");
        CreateOrderHandler handler = CreateOrderHandler.fromEnv(new Env(vars));
        String user = "user-" + UUID.randomUUID();
        String key = "buy-" + UUID.randomUUID();

        stripe.outage(503);
        APIGatewayV2HTTPResponse failed = create(handler, user, key);
        stripe.recover();
        assertEquals(502, failed.getStatusCode(), failed.getBody());
        assertEquals("provider_unavailable", json(failed).path("error").asText());

        Thread.sleep(1100); // the retry comes later: a whole second later in epoch seconds
        // the retry lands on another execution environment
        APIGatewayV2HTTPResponse retried = create(CreateOrderHandler.fromEnv(new Env(vars)), user, key);

        assertEquals(201, retried.getStatusCode(), retried.getBody());
        JsonNode order = json(retried);
        assertTrue(order.path("replayed").asBoolean());
        Instant createdAt = Instant.parse(order.path("createdAt").asText());
        String expected = Long.toString(createdAt.plus(Duration.ofMinutes(45)).getEpochSecond());
        List<FakeStripe.Request> posts = stripe.requests("POST", "/v1/checkout/sessions");
        assertTrue(posts.size() >= 2, posts.toString());
        for (FakeStripe.Request post : posts) {
            assertEquals(expected, post.param("expires_at"), "order creation + 45 minutes, on every attempt");
            assertEquals(posts.get(0).params(), post.params());
            assertEquals("checkout-" + order.path("orderId").asText(), post.idempotencyKey());
        }
        assertEquals(1, stripe.sessionsCreated());
        assertEquals(createdAt.plus(Duration.ofMinutes(45)).getEpochSecond(),
                stripe.expiresAt(order.path("checkoutId").asText()));

        APIGatewayV2HTTPResponse again = create(handler, user, key);
        assertEquals(order.path("checkoutId").asText(), json(again).path("checkoutId").asText());
        assertEquals(posts.size(), stripe.requests("POST", "/v1/checkout/sessions").size(), "nothing asked of Stripe");
    }

    @Test
    void withoutTheVariableTheLifetimeIsAnHour() throws Exception {
        CreateOrderHandler handler = CreateOrderHandler.fromEnv(new Env(env(null)));
        APIGatewayV2HTTPResponse created = create(handler, "user-" + UUID.randomUUID(), "buy-" + UUID.randomUUID());
        assertEquals(201, created.getStatusCode(), created.getBody());
        Instant createdAt = Instant.parse(json(created).path("createdAt").asText());
        assertEquals(Long.toString(createdAt.plus(Duration.ofMinutes(60)).getEpochSecond()),
                stripe.requests("POST", "/v1/checkout/sessions").get(0).param("expires_at"));
        assertFalse(json(created).path("replayed").asBoolean());
    }

    @Test
    void aLifetimeOutOfRangeFailsTheColdStartWithAClearMessage() {
        for (String bad : List.of("30", "34", "1441", "2880", "1h", "60.5", "-45")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> CreateOrderHandler.fromEnv(new Env(env(bad))), bad);
            assertEquals(true, e.getMessage().startsWith("CHECKOUT_LIFETIME_MINUTES must be a whole number of minutes"
                    + " from 35 to 1440"), e.getMessage());
        }
    }
}
