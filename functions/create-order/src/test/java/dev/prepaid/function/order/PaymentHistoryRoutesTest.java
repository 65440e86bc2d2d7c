package dev.prepaid.function.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import dev.prepaid.testing.stripe.FakeStripe;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The read routes of create-order, wired from its environment on DynamoDB Local and the fake Stripe API:
 * the caller's orders (paged, filtered, newest first), the invoices and saved cards of the caller's Stripe
 * customer, and the public payment configuration. Every route shows the caller's own data only, and a
 * cursor issued to one user or filter is refused for another.
 */
class PaymentHistoryRoutesTest {
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private final LocalEngines engines = LocalEngines.shared();
    private final DynamoDbClient dynamo = TestClients.dynamo(engines.dynamoEndpoint());
    private final FakeStripe stripe = new FakeStripe().price("price_trial", 790, "usd");
    private Map<String, String> vars;
    private DynamoOrderStore store;
    private CreateOrderHandler handler;

    @BeforeEach
    void wire() {
        vars = new HashMap<>();
        vars.put("TABLE_NAME", TestClients.createLedgerTable(dynamo));
        vars.put("DYNAMODB_ENDPOINT", engines.dynamoEndpoint().toString());
        vars.put("PAYMENT_PROVIDER", "stripe");
        vars.put("PAYMENT_ENV", "test");
        vars.put("STRIPE_SECRET_KEY", "sk_test_create_order_history_0000");
        vars.put("STRIPE_WEBHOOK_SECRET", "whsec_create_order_history");
        vars.put("STRIPE_PUBLISHABLE_KEY", "pk_test_history0000");
        vars.put("STRIPE_API_BASE", stripe.baseUrl());
        vars.put("STRIPE_PRICE_TRIAL", "price_trial");
        vars.put("STRIPE_PRICE_BASIC", "price_basic");
        vars.put("STRIPE_PRICE_PRO", "price_pro");
        vars.put("CALLBACK_URL", "https://api.test/api/payment/callback");
        vars.put("SUCCESS_URL", "https://app.test/success");
        store = new DynamoOrderStore(dynamo, vars.get("TABLE_NAME"));
        handler = CreateOrderHandler.fromEnv(new Env(vars));
    }

    @AfterEach
    void close() {
        stripe.close();
    }

    private APIGatewayV2HTTPResponse get(String user, String path, Map<String, String> query) {
        Events.Builder request = Events.request("GET", path);
        if (user != null) {
            request.user(user);
        }
        query.forEach(request::query);
        return handler.handleRequest(request.build(), new TestContext("create-order"));
    }

    private JsonNode ok(String user, String path, Map<String, String> query) throws Exception {
        APIGatewayV2HTTPResponse response = get(user, path, query);
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Json.MAPPER.readTree(response.getBody());
    }

    private void assertError(int status, String code, APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(code, Json.MAPPER.readTree(response.getBody()).get("error").asText());
    }

    /** An order stored as create-order stores it, created {@code minutes} after T0. */
    private String order(String user, int minutes) {
        Order order = Order.pending(OrderId.random(), new UserId(user), ProductCatalog.defaults().find("trial").orElseThrow(),
                "stripe", T0.plusSeconds(60L * minutes));
        assertTrue(store.create(order));
        return order.orderId().value();
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("orderId").asText()));
        return ids;
    }

    @Test
    void ordersAreTheCallersOwnNewestFirstInPages() throws Exception {
        List<String> alice = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alice.add(0, order("alice", i)); // newest first
        }
        String bobs = order("bob", 2);

        JsonNode first = ok("alice", "/api/payment/orders", Map.of("limit", "2"));
        assertEquals(alice.subList(0, 2), ids(first));
        assertEquals("2026-11-01T10:04:00Z", first.get("items").get(0).get("createdAt").asText());
        JsonNode second = ok("alice", "/api/payment/orders", Map.of("limit", "2", "cursor", first.get("nextCursor").asText()));
        assertEquals(alice.subList(2, 4), ids(second));
        JsonNode third = ok("alice", "/api/payment/orders", Map.of("limit", "2", "cursor", second.get("nextCursor").asText()));
        assertEquals(alice.subList(4, 5), ids(third));
        assertTrue(third.get("nextCursor").isNull());

        assertEquals(List.of(bobs), ids(ok("bob", "/api/payment/orders", Map.of())));
        assertEquals(List.of(), ids(ok("carol", "/api/payment/orders", Map.of())));
        // another user's order is not reachable by id either
        assertError(404, "order_not_found", get("alice", "/api/payment/orders/" + bobs, Map.of()));
    }

    @Test
    void theStatusFilterKeepsOnlyThatStatusAcrossPages() throws Exception {
        List<String> expired = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = order("alice", i);
            if (i % 4 == 0) {
                assertTrue(store.close(new OrderId(id), OrderStatus.EXPIRED, T0.plusSeconds(3600)));
                expired.add(0, id);
            }
        }
        order("bob", 1);
        assertTrue(store.close(new OrderId(order("bob", 2)), OrderStatus.EXPIRED, T0.plusSeconds(3600)));

        JsonNode page = ok("alice", "/api/payment/orders", Map.of("status", "expired", "limit", "2"));
        assertEquals(expired.subList(0, 2), ids(page));
        page.get("items").forEach(item -> assertEquals("expired", item.get("status").asText()));
        JsonNode rest = ok("alice", "/api/payment/orders",
                Map.of("status", "expired", "limit", "2", "cursor", page.get("nextCursor").asText()));
        assertEquals(expired.subList(2, 3), ids(rest));
        assertEquals(9, ids(ok("alice", "/api/payment/orders", Map.of("status", "pending"))).size());
        assertEquals(0, ids(ok("alice", "/api/payment/orders", Map.of("status", "completed"))).size());
        assertError(400, "invalid_status", get("alice", "/api/payment/orders", Map.of("status", "paid")));
        assertError(400, "invalid_status", get("alice", "/api/payment/orders", Map.of("status", "EXPIRED")));
    }

    @Test
    void aCursorIssuedToAnotherUserOrFilterOrTamperedWithIsRefused() throws Exception {
        for (int i = 0; i < 3; i++) {
            order("alice", i);
            order("bob", i);
        }
        String alices = ok("alice", "/api/payment/orders", Map.of("limit", "1")).get("nextCursor").asText();
        assertError(400, "invalid_cursor", get("bob", "/api/payment/orders", Map.of("limit", "1", "cursor", alices)));
        assertError(400, "invalid_cursor", get("alice", "/api/payment/orders",
                Map.of("limit", "1", "status", "pending", "cursor", alices)));

        // rewritten to name bob: still refused for alice, and bob's own token cannot use alice's position either
        String raw = new String(Base64.getUrlDecoder().decode(alices), StandardCharsets.UTF_8);
        String asBob = Base64.getUrlEncoder().withoutPadding().encodeToString(
                raw.replace("\nalice\n", "\nbob\n").getBytes(StandardCharsets.UTF_8));
        assertError(400, "invalid_cursor", get("alice", "/api/payment/orders", Map.of("cursor", asBob)));
        for (String forged : List.of("x", "!!!", "bzE", Base64.getUrlEncoder().encodeToString(
                raw.replace("ord_", "ORD_").getBytes(StandardCharsets.UTF_8)), "a".repeat(5000))) {
            assertError(400, "invalid_cursor", get("alice", "/api/payment/orders", Map.of("cursor", forged)));
        }
        for (String limit : List.of("0", "101", "-1", "ten", "1e2", "9999999999")) {
            APIGatewayV2HTTPResponse response = get("alice", "/api/payment/orders", Map.of("limit", limit));
            assertEquals(400, response.getStatusCode(), limit);
        }
        assertEquals(401, get(null, "/api/payment/orders", Map.of()).getStatusCode());
    }

    private void subscribe(String user, String customer) {
        store.saveSubscription(new Subscription(new UserId(user), "stripe", "sub_" + user, "basic", "active",
                T0.plusSeconds(30L * 86400), false, customer, T0));
    }

    @Test
    void invoicesAndSavedCardsAreThoseOfTheCallersOwnCustomer() throws Exception {
        String older = stripe.addInvoice("cus_alice", 1990, 1990, "usd", "paid").get("id").asText();
        String newer = stripe.addInvoice("cus_alice", 1990, 0, "usd", "open").get("id").asText();
        String bobs = stripe.addInvoice("cus_bob", 4990, 4990, "usd", "paid").get("id").asText();
        String aliceCard = stripe.addCard("cus_alice", "visa", "4242", 8, 2030).get("id").asText();
        stripe.addCard("cus_bob", "mastercard", "4444", 1, 2031);
        subscribe("alice", "cus_alice");
        subscribe("bob", "cus_bob");

        JsonNode invoices = ok("alice", "/api/payment/invoices", Map.of()).get("items");
        assertEquals(2, invoices.size());
        assertEquals(newer, invoices.get(0).get("id").asText());
        assertEquals(older, invoices.get(1).get("id").asText());
        assertEquals("open", invoices.get(0).get("status").asText());
        assertEquals(0, new java.math.BigDecimal("19.90").compareTo(invoices.get(0).get("amountDue").decimalValue()));
        assertEquals(0, invoices.get(0).get("amountPaid").decimalValue().signum());
        assertEquals("usd", invoices.get(0).get("currency").asText());
        assertTrue(invoices.get(0).get("hostedInvoiceUrl").asText().contains(newer));
        assertEquals(1, ok("alice", "/api/payment/invoices", Map.of("limit", "1")).get("items").size());
        assertEquals(List.of(bobs), List.of(ok("bob", "/api/payment/invoices", Map.of()).get("items").get(0).get("id").asText()));
        assertEquals(1, ok("bob", "/api/payment/invoices", Map.of()).get("items").size());

        JsonNode cards = ok("alice", "/api/payment/payment-methods", Map.of()).get("items");
        assertEquals(1, cards.size());
        assertEquals("{\"id\":\"" + aliceCard + "\",\"type\":\"card\",\"brand\":\"visa\",\"last4\":\"4242\",\"expMonth\":8,"
                + "\"expYear\":2030}", cards.get(0).toString());
        assertEquals("4444", ok("bob", "/api/payment/payment-methods", Map.of()).get("items").get(0).get("last4").asText());

        // the customer Stripe was asked about is always the caller's own, never a parameter
        for (FakeStripe.Request request : stripe.requests("GET", "/v1/invoices")) {
            assertTrue(List.of("cus_alice", "cus_bob").contains(request.param("customer")));
        }
        int before = stripe.requests().size();
        APIGatewayV2HTTPResponse smuggled = get("carol", "/api/payment/invoices", Map.of("customer", "cus_alice"));
        assertEquals("{\"items\":[]}", smuggled.getBody());
        assertEquals(before, stripe.requests().size(), "a user without a customer costs no Stripe call");
        assertError(400, "invalid_limit", get("alice", "/api/payment/invoices", Map.of("limit", "0")));
        assertError(400, "invalid_limit", get("alice", "/api/payment/invoices", Map.of("limit", "101")));
    }

    @Test
    void noCustomerMeansEmptyLists() throws Exception {
        assertEquals("{\"items\":[]}", get("carol", "/api/payment/invoices", Map.of()).getBody());
        assertEquals("{\"items\":[]}", get("carol", "/api/payment/payment-methods", Map.of()).getBody());
        subscribe("dave", null);
        assertEquals("{\"items\":[]}", get("dave", "/api/payment/invoices", Map.of()).getBody());
        assertEquals("{\"items\":[]}", get("dave", "/api/payment/payment-methods", Map.of()).getBody());
        assertEquals(0, stripe.requests().size());
    }

    @Test
    void stripeDownIsA502NotA500() throws Exception {
        subscribe("alice", "cus_alice");
        stripe.addInvoice("cus_alice", 100, 100, "usd", "paid");
        stripe.outage(503);
        assertError(502, "provider_unavailable", get("alice", "/api/payment/invoices", Map.of()));
        assertError(502, "provider_unavailable", get("alice", "/api/payment/payment-methods", Map.of()));
    }

    @Test
    void theConfigIsPublicAndNamesTheProviderAndThePublishableKey() throws Exception {
        JsonNode config = ok(null, "/api/payment/config", Map.of());
        assertEquals("{\"provider\":\"stripe\",\"providers\":[\"stripe\"],\"stripePublishableKey\":\"pk_test_history0000\","
                        + "\"paymentMethods\":[\"card\"]}",
                config.toString());

        vars.put("STRIPE_PUBLISHABLE_KEY", "pk_live_history0000");
        IllegalStateException live = assertThrows(IllegalStateException.class, () -> CreateOrderHandler.fromEnv(new Env(vars)));
        assertTrue(live.getMessage().contains("STRIPE_PUBLISHABLE_KEY"), live.getMessage());
        vars.put("STRIPE_PUBLISHABLE_KEY", "sk_test_history0000");
        assertThrows(IllegalStateException.class, () -> CreateOrderHandler.fromEnv(new Env(vars)));
        vars.remove("STRIPE_PUBLISHABLE_KEY");
        assertNotNull(ok(null, "/api/payment/config", Map.of()));
        handler = CreateOrderHandler.fromEnv(new Env(vars));
        assertTrue(ok(null, "/api/payment/config", Map.of()).get("stripePublishableKey").isNull());
    }
}
