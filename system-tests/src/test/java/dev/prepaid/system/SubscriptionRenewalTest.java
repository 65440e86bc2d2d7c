package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.system.PaymentSystem.Reply;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 items 2 and 4 end to end (signed Stripe webhooks, FakeStripe, DynamoDB Local, ElasticMQ): only
 * an invoice that bills a period, for a plan of the catalog, at the catalog price, grants credits; and
 * subscription events delivered out of order end where the newest said.
 */
class SubscriptionRenewalTest {

    private static void assertCredits(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " credits, was " + actual);
    }

    private static void deliver(PaymentSystem system, ObjectNode invoice) {
        Reply reply = system.stripeEvent(StripeWebhooks.event("invoice.paid", invoice));
        assertEquals(200, reply.status(), reply.body());
        system.drain();
    }

    @Test
    void onlyAPeriodAtTheCatalogPriceOfACatalogPlanGrants() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String user = "renewer-" + UUID.randomUUID().toString().substring(0, 8);
            JsonNode order = system.createOrder(user, "basic", null).json();
            JsonNode checkout = system.payAndNotify(order);
            system.drain();
            assertCredits("300", system.balance(user));
            String subscription = checkout.get("subscription").asText();

            // a proration invoice (billing_reason subscription_update) grants nothing
            ObjectNode proration = system.stripe.renew(subscription);
            proration.put("billing_reason", "subscription_update");
            deliver(system, proration);
            // a 50% coupon: amount_paid is not the catalog price
            ObjectNode halfPrice = system.stripe.renew(subscription);
            halfPrice.put("amount_paid", 995);
            deliver(system, halfPrice);
            // a price that is not in the catalog (another product of the same Stripe account)
            deliver(system, StripeWebhooks.linePrice(system.stripe.renew(subscription), "price_someone_elses", false));
            assertCredits("300", system.balance(user));

            // a real renewal, in the basil shape (subscription and price where API 2025-03-31 puts them)
            ObjectNode basil = StripeWebhooks.basilInvoice(StripeWebhooks.linePrice(system.stripe.renew(subscription),
                    "price_basic", true));
            deliver(system, basil);
            assertCredits("600", system.balance(user));
            // a 100% coupon: the catalog default grants
            ObjectNode free = system.stripe.renew(subscription);
            free.put("amount_paid", 0);
            deliver(system, free);
            assertCredits("900", system.balance(user));
        }
    }

    @Test
    void subscriptionEventsDeliveredInReverseOrderDoNotResurrectACancelledSubscription() {
        try (PaymentSystem system = new PaymentSystem("stripe")) {
            String user = "reorder-" + UUID.randomUUID().toString().substring(0, 8);
            JsonNode order = system.createOrder(user, "basic", null).json();
            JsonNode checkout = system.payAndNotify(order);
            system.drain();
            String subscription = checkout.get("subscription").asText();
            String customer = checkout.get("customer").asText();
            long periodEnd = java.time.Instant.now().plusSeconds(20L * 86400).getEpochSecond();
            long t = java.time.Instant.now().getEpochSecond();
            ObjectNode scheduled = StripeWebhooks.subscriptionEvent("customer.subscription.updated", subscription,
                    customer, "active", periodEnd, true);
            scheduled.put("created", t - 20);
            ObjectNode renewedAgain = StripeWebhooks.subscriptionEvent("customer.subscription.updated", subscription,
                    customer, "active", periodEnd, false);
            renewedAgain.put("created", t - 10);
            ObjectNode deleted = StripeWebhooks.subscriptionEvent("customer.subscription.deleted", subscription,
                    customer, "canceled", periodEnd, false);
            deleted.put("created", t);
            for (ObjectNode event : java.util.List.of(deleted, renewedAgain, scheduled)) {
                Reply reply = system.stripeEvent(event);
                assertEquals(200, reply.status(), reply.body());
                system.drain();
            }
            JsonNode stored = system.call("GET", "/api/payment/subscription", "user:" + user, null, java.util.Map.of())
                    .json().get("subscription");
            assertEquals("canceled", stored.get("status").asText(), stored.toString());
            assertEquals(false, stored.get("cancelAtPeriodEnd").asBoolean());
            assertEquals(0, system.queueDepth());
        }
    }
}
