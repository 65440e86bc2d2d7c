package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.system.PaymentSystem.Reply;
import dev.prepaid.testing.stripe.FakeStripe;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 3 end to end: one subscription per user (a second plan order is a 409 naming the
 * change-plan route), plan changes through the route (stripe-java against FakeStripe, Creem against
 * FakeCreem, the mock) and through Stripe's billing portal (a signed customer.subscription.updated), with
 * the same ledger result: an upgrade grants the difference once, a downgrade applies from the next renewal.
 */
class PlanChangeFlowTest {
    static final String CHANGE_PLAN = "/api/payment/subscription/change-plan";

    private static void assertCredits(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " credits, was " + actual);
    }

    private static String user() {
        return "planner-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Reply changePlan(PaymentSystem system, String user, String productId) {
        return system.call("POST", CHANGE_PLAN, "user:" + user, "{\"productId\": \"" + productId + "\"}", Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"stripe", "creem", "mock"})
    void aSecondPlanIsRefusedAndAnUpgradeGrantsTheDifferenceOnce(String provider) {
        try (PaymentSystem system = new PaymentSystem(provider)) {
            String user = user();
            JsonNode order = system.createOrder(user, "basic", null).json();
            JsonNode checkout = system.payAndNotify(order);
            system.drain();
            assertCredits("300", system.balance(user));

            for (String plan : List.of("basic", "pro")) {
                Reply second = system.createOrder(user, plan, null);
                assertEquals(409, second.status(), second.body());
                assertEquals("subscription_active", second.json().get("error").asText());
                assertEquals("POST " + CHANGE_PLAN, second.json().get("changePlan").asText());
            }
            // a one-time pack is still for sale beside the plan
            assertEquals(201, system.createOrder(user, "trial", null).status());

            Reply upgraded = changePlan(system, user, "pro");
            assertEquals(200, upgraded.status(), upgraded.body());
            assertEquals(0, new BigDecimal("1200").compareTo(upgraded.json().get("granted").decimalValue()));
            assertEquals("now", upgraded.json().get("effective").asText());
            assertEquals("pro", upgraded.json().get("subscription").get("productId").asText());
            system.drain();
            assertCredits("1500", system.balance(user));
            if (provider.equals("stripe")) {
                String subscription = checkout.get("subscription").asText();
                ObjectNode atStripe = system.stripe.subscription(subscription);
                assertEquals("price_pro", atStripe.path("items").path("data").path(0).path("price").path("id").asText());
                List<FakeStripe.Request> updates = system.stripe.requests("POST", "/v1/subscriptions/" + subscription);
                assertEquals("none", updates.get(updates.size() - 1).param("proration_behavior"));
                // Stripe's event for our own update changes nothing more
                ObjectNode event = StripeWebhooks.event("customer.subscription.updated", atStripe);
                assertEquals(200, system.stripeEvent(event).status());
                system.drain();
                assertCredits("1500", system.balance(user));
                // the renewal is billed at pro's price and grants pro's credits
                system.renew(checkout, order, user, 2);
                system.drain();
                assertCredits("3000", system.balance(user));
            }
            // asking again grants nothing more
            Reply again = changePlan(system, user, "pro");
            assertEquals(200, again.status(), again.body());
            system.drain();
            assertCredits(provider.equals("stripe") ? "3000" : "1500", system.balance(user));
        }
    }

    @Test
    void aDowngradeAppliesFromTheNextRenewal() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String user = user();
            JsonNode order = system.createOrder(user, "pro", null).json();
            JsonNode checkout = system.payAndNotify(order);
            system.drain();
            assertCredits("1500", system.balance(user));
            Reply down = changePlan(system, user, "basic");
            assertEquals(200, down.status(), down.body());
            assertEquals(0, BigDecimal.ZERO.compareTo(down.json().get("granted").decimalValue()));
            assertEquals("period_end", down.json().get("effective").asText());
            // back up within the period: nothing, the period's credits were pro's all along
            assertEquals(200, changePlan(system, user, "pro").status());
            assertEquals(200, changePlan(system, user, "basic").status());
            system.drain();
            assertCredits("1500", system.balance(user));
            system.renew(checkout, order, user, 2);
            system.drain();
            assertCredits("1800", system.balance(user));
            assertEquals("basic", system.call("GET", "/api/payment/subscription", "user:" + user, null, Map.of())
                    .json().get("subscription").get("productId").asText());
        }
    }

    @Test
    void theBillingPortalsOwnSwitchGrantsWhatTheRouteGrants() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String user = user();
            JsonNode order = system.createOrder(user, "basic", null).json();
            JsonNode checkout = system.payAndNotify(order);
            system.drain();
            // the customer picks pro in Stripe's portal: Stripe changes the item and says so, twice
            ObjectNode subscription = system.stripe.subscription(checkout.get("subscription").asText());
            ObjectNode item = (ObjectNode) subscription.path("items").path("data").path(0);
            item.putObject("price").put("id", "price_pro");
            ObjectNode event = StripeWebhooks.event("customer.subscription.updated", subscription);
            assertEquals(200, system.stripeEvent(event).status());
            assertEquals(200, system.stripeEvent(event).status());
            system.drain();
            assertCredits("1500", system.balance(user)); // as the route's upgrade: 300 + 1200
            assertEquals("pro", system.call("GET", "/api/payment/subscription", "user:" + user, null, Map.of())
                    .json().get("subscription").get("productId").asText());
            assertEquals(0, new BigDecimal("0").compareTo(changePlan(system, user, "pro").json().get("granted").decimalValue()));
        }
    }

    @Test
    void badChangePlanRequestsAreRefusedAndChangeNothing() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String user = user();
            String before = system.tableSnapshot();
            Reply none = changePlan(system, user, "pro");
            assertEquals(404, none.status(), none.body());
            assertEquals("subscription_not_found", none.json().get("error").asText());
            JsonNode order = system.createOrder(user, "basic", null).json();
            system.payAndNotify(order);
            system.drain();
            String paid = system.tableSnapshot();
            Map<String, Integer> cases = Map.of(
                    "{}", 400, "{\"productId\": 7}", 400, "{\"productId\": \"pro\", \"extra\": 1}", 400, "not json", 400,
                    "{\"productId\": \"trial\"}", 400, "{\"productId\": \"platinum\"}", 404);
            cases.forEach((body, status) -> {
                Reply reply = system.call("POST", CHANGE_PLAN, "user:" + user, body, Map.of());
                assertEquals(status, reply.status(), body + " -> " + reply.body());
                assertTrue(reply.json().hasNonNull("error"), reply.body());
            });
            Reply anonymous = system.call("POST", CHANGE_PLAN, null, "{\"productId\": \"pro\"}", Map.of());
            assertEquals(401, anonymous.status());
            assertEquals(paid, system.tableSnapshot());
            assertTrue(!before.equals(paid));
        }
    }
}
