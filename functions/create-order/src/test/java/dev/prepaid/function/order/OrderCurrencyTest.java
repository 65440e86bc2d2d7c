package dev.prepaid.function.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import dev.prepaid.testing.stripe.FakeStripe;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * create-order with the shipped audiobook catalog (USD first, EUR too): an optional {@code currency} picks the
 * price, the order records that amount and currency (what the money-integrity check compares the payment with),
 * the Stripe session is created in it; a currency the product has no price in is 400 unsupported_currency and
 * writes nothing.
 */
class OrderCurrencyTest {
    private final LocalEngines engines = LocalEngines.shared();
    private final DynamoDbClient dynamo = TestClients.dynamo(engines.dynamoEndpoint());
    private final FakeStripe stripe = new FakeStripe()
            .price("price_creator", 1499, "usd", null, Map.of("eur", 1399L));
    private final String table = TestClients.createLedgerTable(dynamo);

    @AfterEach
    void close() {
        stripe.close();
    }

    private CreateOrderHandler handler() {
        Map<String, String> vars = new HashMap<>();
        vars.put("TABLE_NAME", table);
        vars.put("DYNAMODB_ENDPOINT", engines.dynamoEndpoint().toString());
        vars.put("CATALOG", "audiobook");
        vars.put("PAYMENT_PROVIDER", "stripe");
        vars.put("PAYMENT_ENV", "test");
        vars.put("STRIPE_SECRET_KEY", "sk_test_create_order_currency_0000");
        vars.put("STRIPE_WEBHOOK_SECRET", "whsec_create_order_currency");
        vars.put("STRIPE_API_BASE", stripe.baseUrl());
        vars.put("STRIPE_PRICE_STARTER", "price_starter");
        vars.put("STRIPE_PRICE_CREATOR", "price_creator");
        vars.put("STRIPE_PRICE_PROFESSIONAL", "price_professional");
        vars.put("CALLBACK_URL", "https://api.test/api/payment/callback");
        vars.put("SUCCESS_URL", "https://app.test/success");
        return CreateOrderHandler.fromEnv(new Env(vars));
    }

    private static APIGatewayV2HTTPResponse create(CreateOrderHandler handler, String user, String body) {
        return handler.handleRequest(Events.request("POST", "/api/payment/create-order").user(user).body(body).build(),
                new TestContext("create-order"));
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws IOException {
        return Json.MAPPER.readTree(response.getBody());
    }

    @Test
    void theCurrencyPicksThePriceTheOrderRecordsAndTheSessionCharges() throws Exception {
        CreateOrderHandler handler = handler();
        String user = "user-" + UUID.randomUUID();

        APIGatewayV2HTTPResponse eur = create(handler, user, "{\"productId\": \"creator\", \"currency\": \"EUR\"}");
        assertEquals(201, eur.getStatusCode(), eur.getBody());
        JsonNode body = json(eur);
        assertEquals("eur", body.get("currency").asText());
        assertEquals("13.99", body.get("amount").decimalValue().toPlainString());
        assertEquals(1500, body.get("credits").asInt());
        Order stored = new DynamoOrderStore(dynamo, table).find(new OrderId(body.get("orderId").asText())).orElseThrow();
        assertEquals(Money.of("13.99", "eur"), stored.amount(), "the order records what the payment must match");
        assertEquals("eur", stripe.requests("POST", "/v1/checkout/sessions").get(0).param("currency"));
        assertEquals(1399, stripe.session(body.get("checkoutId").asText()).get("amount_total").asLong());
        assertEquals("eur", stripe.session(body.get("checkoutId").asText()).get("currency").asText());

        APIGatewayV2HTTPResponse usd = create(handler, user, "{\"productId\": \"creator\"}");
        assertEquals(201, usd.getStatusCode(), usd.getBody());
        assertEquals("usd", json(usd).get("currency").asText(), "no currency: the product's primary (first) price");
        assertEquals("14.99", json(usd).get("amount").decimalValue().toPlainString());
        assertNull(stripe.requests("POST", "/v1/checkout/sessions").get(1).param("currency"),
                "the primary currency is the price's own: no currency parameter");
    }

    @Test
    void aCurrencyTheProductHasNoPriceInIs400AndWritesNothing() throws Exception {
        CreateOrderHandler handler = handler();
        String user = "user-" + UUID.randomUUID();
        for (String currency : List.of("\"CNY\"", "\"euro\"")) {
            APIGatewayV2HTTPResponse response = create(handler, user, "{\"productId\": \"creator\", \"currency\": "
                    + currency + "}");
            assertEquals(400, response.getStatusCode(), response.getBody());
            assertEquals("unsupported_currency", json(response).get("error").asText(), response.getBody());
        }
        APIGatewayV2HTTPResponse notText = create(handler, user, "{\"productId\": \"creator\", \"currency\": 978}");
        assertEquals(400, notText.getStatusCode(), notText.getBody());
        assertEquals(0, stripe.sessionsCreated(), "no checkout was opened");
        APIGatewayV2HTTPResponse list = handler.handleRequest(Events.request("GET", "/api/payment/orders").user(user).build(),
                new TestContext("create-order"));
        assertEquals(0, json(list).get("items").size(), list.getBody());
    }
}
