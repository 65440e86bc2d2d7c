package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Subscription;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 4: subscription state events delivered out of order. An event older than the state
 * already applied changes nothing, so a late {@code updated} cannot resurrect a deleted subscription.
 */
class SubscriptionEventOrderTest {
    static FulfilmentFixture fx;
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @BeforeAll
    static void start() {
        fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
    }

    private static String subscribed(String user) {
        Order order = fx.order(user, "basic");
        String sub = FulfilmentFixture.id("sub_");
        fx.deliver(fx.paid(order, FulfilmentFixture.id("pi_"), sub, FulfilmentFixture.id("in_")));
        return sub;
    }

    private static PaymentEvent.SubscriptionChanged changed(String sub, String type, String status, boolean cancelAtEnd,
                                                            Instant at) {
        return new PaymentEvent.SubscriptionChanged("stripe", FulfilmentFixture.id("evt_"), type, sub, status,
                Instant.parse("2027-01-01T00:00:00Z"), cancelAtEnd, at, null, null);
    }

    private static Subscription stored(String user) {
        return fx.orders.subscription(new UserId(user)).orElseThrow();
    }

    @Test
    void eventsInReverseOrderEndWhereTheNewestSaid() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user);
        // created in this order: scheduled cancel (t+1), deleted (t+2); delivered newest first
        fx.deliver(changed(sub, "customer.subscription.deleted", "canceled", false, T0.plusSeconds(2)));
        fx.deliver(changed(sub, "customer.subscription.updated", "active", true, T0.plusSeconds(1)));
        fx.deliver(changed(sub, "customer.subscription.updated", "active", false, T0));
        Subscription s = stored(user);
        assertEquals("canceled", s.status());
        assertFalse(s.isActive());
        assertEquals(T0.plusSeconds(2), s.eventAt());
    }

    @Test
    void aDeletionWinsAnUpdateOfTheSameSecond() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user);
        fx.deliver(changed(sub, "customer.subscription.deleted", "canceled", false, T0));
        fx.deliver(changed(sub, "customer.subscription.updated", "active", false, T0));
        assertEquals("canceled", stored(user).status());
    }

    @Test
    void eventsInOrderApplyEachInTurn() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user);
        fx.deliver(changed(sub, "customer.subscription.updated", "active", true, T0));
        assertTrue(stored(user).cancelAtPeriodEnd());
        fx.deliver(changed(sub, "customer.subscription.updated", "active", false, T0.plusSeconds(5)));
        assertFalse(stored(user).cancelAtPeriodEnd());
        fx.deliver(changed(sub, "customer.subscription.deleted", "canceled", false, T0.plusSeconds(9)));
        assertEquals("canceled", stored(user).status());
    }

    @Test
    void aLateRenewalOfAnEndedSubscriptionDoesNotReactivateIt() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user);
        fx.deliver(changed(sub, "customer.subscription.deleted", "canceled", false, T0));
        fx.deliver(fx.renewal(FulfilmentFixture.id("in_"), sub, FulfilmentFixture.id("pi_"),
                new dev.prepaid.domain.payment.Money(1990, "usd"), null));
        Subscription s = stored(user);
        assertEquals("canceled", s.status());
        assertEquals(T0, s.eventAt());
        // and an older update still cannot bring it back after that write
        fx.deliver(changed(sub, "customer.subscription.updated", "active", false, T0.minusSeconds(60)));
        assertEquals("canceled", stored(user).status());
    }

    @Test
    void theStoreRefusesAStaleWriteItself() {
        String user = FulfilmentFixture.newUser();
        String sub = subscribed(user);
        Subscription s = stored(user);
        Subscription ended = new Subscription(s.userId(), s.provider(), sub, s.productId(), "canceled",
                s.currentPeriodEnd(), false, s.customerRef(), Instant.now(), T0);
        assertTrue(fx.orders.saveSubscriptionIfNotStale(ended));
        Subscription older = new Subscription(s.userId(), s.provider(), sub, s.productId(), "active",
                s.currentPeriodEnd(), false, s.customerRef(), Instant.now(), T0.minusMillis(1));
        assertFalse(fx.orders.saveSubscriptionIfNotStale(older));
        Subscription otherSubscription = new Subscription(s.userId(), s.provider(), "sub_other", s.productId(), "active",
                s.currentPeriodEnd(), false, s.customerRef(), Instant.now(), T0.plusSeconds(1));
        assertFalse(fx.orders.saveSubscriptionIfNotStale(otherSubscription));
        assertEquals("canceled", stored(user).status());
    }
}
