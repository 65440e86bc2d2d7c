package dev.prepaid.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.EventInFlightException;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.EventQueue;
import dev.prepaid.port.out.PaymentProvider;
import dev.prepaid.port.out.WebhookInbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The intake's three answers to a claim: queue it (claimed), acknowledge it (accepted), refuse it (in flight). */
class WebhookIntakeTest {
    private static final PaymentEvent REFUND = new PaymentEvent.PaymentRefunded("fake", "evt_1", "refund.created",
            "re_1", "pi_1", new Money(395, "usd"));

    /** A lease table in memory: held leases are in flight until {@link #lapse}; accepted ones stay. */
    static final class LeaseInbox implements WebhookInbox {
        final Map<String, String> states = new HashMap<>();
        int releases;

        @Override
        public synchronized Claim claim(String provider, String eventId, String type) {
            String state = states.get(eventId);
            if ("accepted".equals(state)) {
                return Claim.ACCEPTED;
            }
            if ("claimed".equals(state)) {
                return Claim.inFlight(Duration.ofSeconds(42));
            }
            states.put(eventId, "claimed");
            return Claim.CLAIMED;
        }

        @Override
        public synchronized void accepted(String provider, String eventId) {
            states.put(eventId, "accepted");
        }

        @Override
        public synchronized void release(String provider, String eventId) {
            releases++;
            states.remove(eventId, "claimed");
        }

        synchronized void lapse(String eventId) {
            states.remove(eventId, "claimed");
        }
    }

    static final class ListQueue implements EventQueue {
        final List<PaymentEvent> queued = new ArrayList<>();
        boolean refuse;

        @Override
        public void enqueue(PaymentEvent event) {
            if (refuse) {
                throw new IllegalStateException("queue unavailable");
            }
            queued.add(event);
        }
    }

    static final class FakeProvider implements PaymentProvider {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public CheckoutSession createCheckout(Order order, Product product, String successUrl, String cancelUrl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CheckoutState fetchCheckout(String checkoutId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<PaymentEvent> parseWebhook(Map<String, String> headers, byte[] rawBody) {
            return List.of(REFUND);
        }

        @Override
        public Subscription cancelSubscription(Subscription subscription, boolean atPeriodEnd) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void changePlan(Subscription subscription, dev.prepaid.domain.payment.Product target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String billingPortalUrl(Subscription subscription, String returnUrl) {
            throw new UnsupportedOperationException();
        }
    }

    private final LeaseInbox inbox = new LeaseInbox();
    private final ListQueue queue = new ListQueue();
    private final WebhookIntake intake = new WebhookIntake(Map.of("fake", new FakeProvider()), inbox, queue);

    @Test
    void aNewEventIsQueuedAndAcceptedAndItsRedeliveryIsADuplicate() {
        WebhookIntake.Received first = intake.receive("fake", Map.of(), new byte[0]);
        assertEquals(1, first.queued());
        assertFalse(first.duplicate());
        assertEquals("accepted", inbox.states.get("evt_1"));
        WebhookIntake.Received again = intake.receive("fake", Map.of(), new byte[0]);
        assertTrue(again.duplicate());
        assertEquals(1, queue.queued.size());
    }

    @Test
    void anEventAnotherDeliveryHoldsIsInFlightNotADuplicate() {
        inbox.claim("fake", "evt_1", "refund.created"); // a delivery that died after its claim
        EventInFlightException e = assertThrows(EventInFlightException.class,
                () -> intake.receive("fake", Map.of(), new byte[0]));
        assertEquals("event_in_flight", e.code());
        assertEquals(42, e.retryAfterSeconds());
        assertTrue(queue.queued.isEmpty());
        assertEquals(0, inbox.releases, "the other delivery's lease is not ours to release");
        assertEquals("claimed", inbox.states.get("evt_1"));

        inbox.lapse("evt_1");
        WebhookIntake.Received retried = intake.receive("fake", Map.of(), new byte[0]);
        assertEquals(1, retried.queued());
        assertFalse(retried.duplicate());
        assertEquals(1, queue.queued.size());
    }

    @Test
    void aRefusedEnqueueReleasesTheClaimSoTheRetryGoesThrough() {
        queue.refuse = true;
        assertThrows(IllegalStateException.class, () -> intake.receive("fake", Map.of(), new byte[0]));
        assertEquals(1, inbox.releases);
        queue.refuse = false;
        assertEquals(1, intake.receive("fake", Map.of(), new byte[0]).queued());
    }

    @Test
    void anInFlightRetryAfterIsAtLeastOneSecond() {
        assertEquals(1, new EventInFlightException("evt", 0).retryAfterSeconds());
        assertEquals(Duration.ZERO, WebhookInbox.Claim.inFlight(Duration.ofSeconds(-5)).retryAfter());
    }
}
