package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.system.PaymentSystem.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The history routes end to end, through the API Gateway stand-in, after real purchases with each provider: a
 * user's orders (newest first, filtered, paged), the invoices and saved cards of the user's provider customer,
 * the public payment configuration and price list; and nobody sees anybody else's.
 */
class PaymentHistoryFlowTest {

    private static String user() {
        return "history-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> orderIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("orderId").asText()));
        return ids;
    }

    private static JsonNode ok(Reply reply) {
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    @ParameterizedTest
    @ValueSource(strings = {"stripe", "creem", "mock"})
    void ordersInvoicesAndCardsAreTheCallersOwn(String provider) {
        try (PaymentSystem system = new PaymentSystem(provider)) {
            String alice = user();
            String bob = user();
            JsonNode paid = system.createOrder(alice, "trial", null).json();
            system.payAndNotify(paid);
            system.drain();
            JsonNode open = system.createOrder(alice, "trial", null).json();
            JsonNode bobs = system.createOrder(bob, "basic", null).json();
            JsonNode checkout = system.payAndNotify(bobs);
            system.drain();

            JsonNode all = ok(system.call("GET", "/api/payment/orders", "user:" + alice, null, Map.of()));
            assertEquals(2, all.get("items").size(), all.toString());
            assertTrue(orderIds(all).containsAll(List.of(paid.get("orderId").asText(), open.get("orderId").asText())));
            assertTrue(all.get("items").get(0).get("createdAt").asText()
                    .compareTo(all.get("items").get(1).get("createdAt").asText()) >= 0, "newest first");
            JsonNode completed = ok(system.call("GET", "/api/payment/orders?status=completed", "user:" + alice, null, Map.of()));
            assertEquals(List.of(paid.get("orderId").asText()), orderIds(completed));
            assertEquals(List.of(open.get("orderId").asText()),
                    orderIds(ok(system.call("GET", "/api/payment/orders?status=pending", "user:" + alice, null, Map.of()))));
            assertEquals(List.of(bobs.get("orderId").asText()),
                    orderIds(ok(system.call("GET", "/api/payment/orders", "user:" + bob, null, Map.of()))));

            JsonNode first = ok(system.call("GET", "/api/payment/orders?limit=1", "user:" + alice, null, Map.of()));
            String cursor = first.get("nextCursor").asText();
            JsonNode second = ok(system.call("GET", "/api/payment/orders?limit=1&cursor=" + cursor, "user:" + alice, null, Map.of()));
            assertEquals(1, second.get("items").size());
            Reply stolen = system.call("GET", "/api/payment/orders?limit=1&cursor=" + cursor, "user:" + bob, null, Map.of());
            assertEquals(400, stolen.status(), stolen.body());
            assertEquals("invalid_cursor", stolen.json().get("error").asText());
            assertEquals(401, system.call("GET", "/api/payment/orders", null, null, Map.of()).status());

            // bob subscribed: his customer's first invoice (Stripe), nothing for alice, who only bought a pack
            JsonNode bobInvoices = ok(system.call("GET", "/api/payment/invoices", "user:" + bob, null, Map.of())).get("items");
            JsonNode aliceInvoices = ok(system.call("GET", "/api/payment/invoices", "user:" + alice, null, Map.of())).get("items");
            assertEquals(0, aliceInvoices.size());
            if (provider.equals("stripe")) {
                String customer = checkout.get("customer").asText();
                assertEquals(1, bobInvoices.size(), bobInvoices.toString());
                assertEquals(checkout.get("invoice").asText(), bobInvoices.get(0).get("id").asText());
                system.stripe.addCard(customer, "visa", "4242", 12, 2032);
                system.stripe.addCard("cus_someone_else", "amex", "0005", 1, 2033);
                JsonNode cards = ok(system.call("GET", "/api/payment/payment-methods", "user:" + bob, null, Map.of())).get("items");
                assertEquals(1, cards.size(), cards.toString());
                assertEquals("4242", cards.get(0).get("last4").asText());
                for (var request : system.stripe.requests("GET", "/v1/invoices")) {
                    assertEquals(customer, request.param("customer"), "only bob's customer is ever asked about");
                }
            } else {
                assertEquals(0, bobInvoices.size(), provider + " has no invoice list: empty");
                assertEquals(0, ok(system.call("GET", "/api/payment/payment-methods", "user:" + bob, null, Map.of()))
                        .get("items").size());
            }
            assertEquals(0, ok(system.call("GET", "/api/payment/payment-methods", "user:" + alice, null, Map.of()))
                    .get("items").size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stripe", "mock"})
    void theConfigAndThePriceListArePublic(String provider) {
        try (PaymentSystem system = new PaymentSystem(provider)) {
            JsonNode config = ok(system.call("GET", "/api/payment/config", null, null, Map.of()));
            assertEquals(provider, config.get("provider").asText());
            assertEquals(provider, config.get("providers").get(0).asText());
            assertTrue(config.get("stripePublishableKey").isNull(), "no StripePublishableKey configured here");
            JsonNode prices = ok(system.call("GET", "/api/credits/prices", null, null, Map.of()));
            assertEquals(6, prices.get("operations").size(), prices.toString());
        }
    }
}
