package dev.prepaid.domain.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Subscription;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link AppEventPolicy#subscriptionChanged}: which record writes that move no credits tell the app, under which id. */
class SubscriptionChangedPolicyTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant END = Instant.parse("2027-01-01T00:00:00Z");

    static Subscription sub(String status, String plan, boolean cancelAtEnd, Instant updated, Instant eventAt) {
        return new Subscription(new UserId("u1"), "stripe", "sub_1", plan, status, END, cancelAtEnd, "cus_1", updated,
                eventAt);
    }

    final Subscription active = sub("active", "basic", false, T0, null);

    @Test
    void aFirstRecordOrAWriteThatChangesNoStatusPlanOrFlagSendsNothing() {
        assertTrue(AppEventPolicy.subscriptionChanged(null, active).isEmpty());
        Subscription laterPeriod = new Subscription(active.userId(), "stripe", "sub_1", "basic", "active",
                END.plusSeconds(86_400), false, "cus_1", T0.plusSeconds(5), T0.plusSeconds(5));
        assertTrue(AppEventPolicy.subscriptionChanged(active, laterPeriod).isEmpty());
    }

    @Test
    void aCancelAtPeriodEndCarriesTheNewAndThePreviousState() {
        AppEvent event = AppEventPolicy.subscriptionChanged(active,
                sub("active", "basic", true, T0.plusSeconds(1), T0.plusSeconds(1))).orElseThrow();
        assertEquals(AppEventType.SUBSCRIPTION_CHANGED, event.type());
        assertEquals("u1", event.userId().value());
        assertEquals("sub_1", event.data().get("subscriptionId"));
        assertEquals("stripe", event.data().get("provider"));
        assertEquals("basic", event.data().get("productId"));
        assertEquals("active", event.data().get("status"));
        assertEquals("active", event.data().get("previousStatus"));
        assertEquals(true, event.data().get("cancelAtPeriodEnd"));
        assertEquals(false, event.data().get("previousCancelAtPeriodEnd"));
        assertEquals(END.toString(), event.data().get("currentPeriodEnd"));
        assertTrue(!event.data().containsKey("previousProductId"));
    }

    @Test
    void theIdIsStablePerProviderEventAndNewStateAndDistinctOtherwise() {
        String id = AppEventPolicy.subscriptionChanged(active, sub("past_due", "basic", false, T0.plusSeconds(3),
                T0.plusSeconds(1))).orElseThrow().id();
        // a redelivery of the same provider event, written at another moment: the same event
        assertEquals(id, AppEventPolicy.subscriptionChanged(active, sub("past_due", "basic", false, T0.plusSeconds(60),
                T0.plusSeconds(1))).orElseThrow().id());
        // a later provider event reaching the same state again: another event
        assertNotEquals(id, AppEventPolicy.subscriptionChanged(active, sub("past_due", "basic", false,
                T0.plusSeconds(60), T0.plusSeconds(30))).orElseThrow().id());
        assertNotEquals(id, AppEventPolicy.subscriptionChanged(active, sub("unpaid", "basic", false, T0.plusSeconds(3),
                T0.plusSeconds(1))).orElseThrow().id());
    }

    @Test
    void anUndatedWriteIsKeyedByTheRecordItChanged() {
        // the cancel route and the mock provider date nothing: the previous record's write time keys the change
        Subscription canceled = sub("canceled", "basic", false, T0.plusSeconds(9), null);
        String first = AppEventPolicy.subscriptionChanged(active, canceled).orElseThrow().id();
        assertEquals(first, AppEventPolicy.subscriptionChanged(active,
                sub("canceled", "basic", false, T0.plusSeconds(20), null)).orElseThrow().id());
        Subscription reactivatedLater = sub("active", "basic", false, T0.plusSeconds(30), null);
        assertNotEquals(first, AppEventPolicy.subscriptionChanged(reactivatedLater,
                sub("canceled", "basic", false, T0.plusSeconds(40), null)).orElseThrow().id());
    }

    @Test
    void aPlanSwitchNamesThePreviousPlan() {
        AppEvent event = AppEventPolicy.subscriptionChanged(active, sub("active", "pro", false, T0.plusSeconds(1),
                T0.plusSeconds(1))).orElseThrow();
        assertEquals("pro", event.data().get("productId"));
        assertEquals("basic", event.data().get("previousProductId"));
    }
}
