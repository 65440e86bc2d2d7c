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
 * Issue 10 item 2 end to end (signed Stripe webhooks, FakeStripe, DynamoDB Local, ElasticMQ): only an
 * invoice that bills a period, for a plan of the catalog, at the catalog price, grants credits.
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
}
