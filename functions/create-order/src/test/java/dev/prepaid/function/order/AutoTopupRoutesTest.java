package dev.prepaid.function.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import dev.prepaid.testing.stripe.FakeStripe;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * /api/payment/auto-topup on create-order, wired from its environment on DynamoDB Local and the fake Stripe API:
 * opt in (needs a one-time pack, a positive threshold and a default card on the caller's Stripe customer), read,
 * opt out; bad input is a 4xx JSON error and writes nothing.
 */
class AutoTopupRoutesTest {
    private final LocalEngines engines = LocalEngines.shared();
    private final DynamoDbClient dynamo = TestClients.dynamo(engines.dynamoEndpoint());
    private final FakeStripe stripe = new FakeStripe().price("price_trial", 790, "usd");
    private String table;
    private CreateOrderHandler handler;

    @BeforeEach
    void wire() {
        Map<String, String> vars = new HashMap<>();
        table = TestClients.createLedgerTable(dynamo);
        vars.put("TABLE_NAME", table);
        vars.put("DYNAMODB_ENDPOINT", engines.dynamoEndpoint().toString());
        vars.put("PAYMENT_PROVIDER", "stripe");
        vars.put("PAYMENT_ENV", "test");
        vars.put("STRIPE_SECRET_KEY", "sk_test_auto_topup_routes_0000");
        vars.put("STRIPE_WEBHOOK_SECRET", "whsec_auto_topup_routes");
        vars.put("STRIPE_API_BASE", stripe.baseUrl());
        vars.put("STRIPE_PRICE_TRIAL", "price_trial");
        vars.put("STRIPE_PRICE_BASIC", "price_basic");
        vars.put("STRIPE_PRICE_PRO", "price_pro");
        vars.put("CALLBACK_URL", "https://api.test/api/payment/callback");
        vars.put("SUCCESS_URL", "https://app.test/success");
        vars.put("AUTO_TOPUP_MONTHLY_CAP", "4");
        handler = CreateOrderHandler.fromEnv(new Env(vars));
    }

    @AfterEach
    void close() {
        stripe.close();
    }

    private APIGatewayV2HTTPResponse call(String method, String user, String body) {
        Events.Builder request = Events.request(method, "/api/payment/auto-topup").user(user);
        if (body != null) {
            request.body(body);
        }
        return handler.handleRequest(request.build(), new TestContext("create-order"));
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.MAPPER.readTree(response.getBody());
    }

    private void assertError(int status, String code, APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(code, json(response).get("error").asText(), response.getBody());
    }

    private String userWithCard(String name) {
        String user = name + "-" + System.nanoTime();
        String customer = "cus_" + Long.toHexString(System.nanoTime());
        new DynamoOrderStore(dynamo, table).saveSubscription(new Subscription(new UserId(user), "stripe", "sub_" + user,
                "basic", "active", Instant.now().plusSeconds(86400), false, customer, Instant.now()));
        stripe.addDefaultCard(customer);
        return user;
    }

    @Test
    void optInReadOptOut() throws Exception {
        String user = userWithCard("alice");
        assertTrue(json(call("GET", user, null)).get("autoTopup").isNull());
        APIGatewayV2HTTPResponse in = call("POST", user, "{\"productId\": \"trial\", \"threshold\": 20}");
        assertEquals(200, in.getStatusCode(), in.getBody());
        JsonNode settings = json(call("GET", user, null)).get("autoTopup");
        assertEquals("trial", settings.get("productId").asText());
        assertEquals(0, settings.get("threshold").decimalValue().compareTo(new java.math.BigDecimal("20")));
        assertTrue(settings.get("enabled").asBoolean());
        assertEquals("idle", settings.get("state").asText());
        assertEquals(4, settings.get("monthlyCap").asInt());
        assertEquals(3, settings.get("maxFailures").asInt());
        // the threshold is now the balance's credits.low threshold
        Map<String, AttributeValue> balance = dynamo.getItem(b -> b.tableName(table).key(Map.of(
                "pk", AttributeValue.fromS("USER#" + user), "sk", AttributeValue.fromS("BALANCE")))).item();
        assertEquals("2000", balance.get("lowThreshold").n());
        // another user sees nothing of it
        assertTrue(json(call("GET", "someone-else", null)).get("autoTopup").isNull());

        assertEquals(200, call("DELETE", user, null).getStatusCode());
        assertTrue(json(call("GET", user, null)).get("autoTopup").isNull());
        assertError(404, "auto_topup_not_found", call("DELETE", user, null));
    }

    @Test
    void badInputIsA4xxAndWritesNothing() throws Exception {
        String user = userWithCard("bob");
        assertError(400, "invalid_product", call("POST", user, "{\"productId\": \"basic\", \"threshold\": 20}"));
        assertError(400, "invalid_product", call("POST", user, "{\"productId\": \"nope\", \"threshold\": 20}"));
        assertError(400, "invalid_threshold", call("POST", user, "{\"productId\": \"trial\", \"threshold\": 0}"));
        assertError(400, "invalid_threshold", call("POST", user, "{\"productId\": \"trial\", \"threshold\": -1}"));
        assertError(400, "invalid_threshold", call("POST", user, "{\"productId\": \"trial\", \"threshold\": 1.001}"));
        for (String body : new String[] {"", "{", "[]", "{\"productId\": \"trial\"}", "{\"threshold\": 5}",
                "{\"productId\": 5, \"threshold\": 5}", "{\"productId\": \"trial\", \"threshold\": \"5\"}",
                "{\"productId\": \"trial\", \"threshold\": 5, \"userId\": \"bob\"}"}) {
            APIGatewayV2HTTPResponse response = call("POST", user, body);
            assertEquals(400, response.getStatusCode(), body + " -> " + response.getBody());
            assertTrue(json(response).has("error"), response.getBody());
        }
        String noCard = "carol-" + System.nanoTime();
        APIGatewayV2HTTPResponse conflict = call("POST", noCard, "{\"productId\": \"trial\", \"threshold\": 20}");
        assertError(409, "no_saved_card", conflict);
        assertTrue(json(call("GET", user, null)).get("autoTopup").isNull(), "nothing written");
        assertTrue(json(call("GET", noCard, null)).get("autoTopup").isNull(), "nothing written");
        // no token: 401
        APIGatewayV2HTTPResponse anonymous = handler.handleRequest(Events.request("GET", "/api/payment/auto-topup")
                .build(), new TestContext("create-order"));
        assertEquals(401, anonymous.getStatusCode(), anonymous.getBody());
    }
}
