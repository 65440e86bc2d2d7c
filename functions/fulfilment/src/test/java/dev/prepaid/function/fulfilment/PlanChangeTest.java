package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.PlanChanges;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Subscription;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 3: what a plan change grants, on DynamoDB Local. An upgrade grants the difference once per
 * subscription, period and target plan, whether the change-plan route (PlanChanges) or the provider's own
 * switch (customer.subscription.updated with another price) comes first; a downgrade grants nothing and
 * takes effect with the next renewal.
 */
class PlanChangeTest {
    static FulfilmentFixture fx;
    static PlanChanges route;
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @BeforeAll
    static void start() {
        fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
        route = new PlanChanges(fx.ledger, fx.catalog, Clock.systemUTC());
    }

    private static String subscribed(String user, String plan) {
        Order order = fx.order(user, plan);
        String sub = FulfilmentFixture.id("sub_");
        fx.deliver(fx.paid(order, FulfilmentFixture.id("pi_"), sub, FulfilmentFixture.id("in_")));
        return sub;
    }

    /** What Stripe sends after a plan switch in the billing portal (or after our own route's update). */
    private static PaymentEvent.SubscriptionChanged switched(String sub, String product, Instant at) {
        return new PaymentEvent.SubscriptionChanged("stripe", FulfilmentFixture.id("evt_"), "customer.subscription.updated",
                sub, "active", Instant.parse("2026-12-22T00:00:00Z"), false, at, "price_" + product, product);
    }

    private static Credits credits(String value) {
        return Credits.parsePositive(new BigDecimal(value), "c");
    }

    private static Subscription stored(String user) {
        return fx.orders.subscription(new UserId(user)).orElseThrow();
    }

    @Test
    void thePortalsUpgradeGrantsTheDifferenceOnce() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user, "basic");
        PaymentEvent.SubscriptionChanged upgrade = switched(sub, "pro", T0);
        fx.deliver(upgrade, upgrade);
        fx.deliver(switched(sub, "pro", T0.plusSeconds(1))); // a later update that still says pro
        assertEquals(credits("1500"), fx.balance(user)); // 300 + (1500 - 300)
        assertEquals("pro", stored(user).productId());
    }

    @Test
    void theRouteAndThePortalEventGrantOnceBetweenThem() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user, "basic");
        Subscription before = stored(user);
        PlanChanges.Result result = route.apply(before, fx.catalog.require("pro"));
        assertTrue(result.upgrade());
        assertEquals(credits("1200"), result.granted());
        fx.deliver(switched(sub, "pro", T0)); // Stripe's event for the route's own update
        assertEquals(credits("1500"), fx.balance(user));
        // the route retried with the record it read before the change: the same key, a replay
        PlanChanges.Result again = route.apply(before, fx.catalog.require("pro"));
        assertTrue(again.replayed());
        assertEquals(credits("1500"), fx.balance(user));
    }

    @Test
    void thePortalEventFirstThenTheRouteStillGrantsOnce() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user, "basic");
        Subscription before = stored(user);
        fx.deliver(switched(sub, "pro", T0));
        assertTrue(route.apply(before, fx.catalog.require("pro")).replayed());
        assertEquals(credits("1500"), fx.balance(user));
    }

    @Test
    void aDowngradeGrantsNothingNowAndTheNextRenewalGrantsTheNewPlan() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user, "pro");
        fx.deliver(switched(sub, "basic", T0));
        assertEquals(credits("1500"), fx.balance(user));
        assertEquals("pro", stored(user).productId()); // this period's credits are pro's
        // going back up within the same period grants nothing either: the period never left pro
        fx.deliver(switched(sub, "pro", T0.plusSeconds(1)));
        fx.deliver(switched(sub, "basic", T0.plusSeconds(2)));
        assertEquals(credits("1500"), fx.balance(user));
        // the renewal is billed at basic's price: basic's credits, and the record follows
        fx.deliver(new PaymentEvent.SubscriptionPaid("stripe", FulfilmentFixture.id("evt_"), "invoice.paid",
                FulfilmentFixture.id("in_"), sub, FulfilmentFixture.id("pi_"), new Money(1990, "usd"),
                Instant.parse("2027-01-22T00:00:00Z"), null, null, null, "cus_1", PaymentEvent.BillingReason.CYCLE,
                "price_basic", "basic"));
        assertEquals(credits("1800"), fx.balance(user));
        assertEquals("basic", stored(user).productId());
    }

    @Test
    void aSwitchReportedWithACancellationGrantsNothing() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user, "basic");
        fx.deliver(new PaymentEvent.SubscriptionChanged("stripe", FulfilmentFixture.id("evt_"),
                "customer.subscription.deleted", sub, "canceled", null, false, T0, "price_pro", "pro"));
        assertEquals(credits("300"), fx.balance(user));
        assertFalse(stored(user).isActive());
    }
}
