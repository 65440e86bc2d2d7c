package dev.prepaid.function.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Step a: pending orders older than 10 minutes are asked about at (fake) Stripe through the real Stripe
 * adapter, and paid ones are fulfilled through the webhook's own operation.
 */
class PendingOrdersTest {
    private final ReconFixture fx = new ReconFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void aPaidCheckoutWhoseWebhookWasLostIsHealedOnceAndASecondRunChangesNothing() {
        String user = ReconFixture.newUser();
        Order order = fx.stripeOrder(user, "trial", Duration.ofMinutes(15));
        fx.stripe.markPaid(order.checkoutId()); // paid at Stripe; the webhook never arrives
        ReconciliationService service = fx.service();

        ReconciliationReport first = fx.run(service);

        assertEquals(1, first.pending().checked());
        assertEquals(1, first.pending().healed());
        assertEquals(List.of(order.orderId().value()), first.pending().healedOrderIds());
        assertEquals(0, first.pending().stuck());
        assertEquals(OrderStatus.COMPLETED, fx.order(order).status());
        assertEquals(Credits.of(100), fx.balance(user));
        assertEquals(List.of(ReconFixture.purchaseEntry(order)), fx.entries(user).stream().map(e -> e.entryId()).toList());
        assertEquals(List.of(), first.errors());

        ReconciliationReport second = fx.run(service);

        assertEquals(0, second.pending().checked(), "the order left the pending list");
        assertEquals(0, second.pending().healed());
        assertEquals(Credits.of(100), fx.balance(user), "credited exactly once");
        assertEquals(1, fx.entries(user).size());
        // the second run checks what the first changed, and finds it whole
        assertEquals(1, second.completed().checked());
        assertEquals(List.of(), second.completed().missingEntries());
        assertEquals(1, second.drift().usersChecked());
        assertEquals(List.of(), second.drift().drifts());
        assertEquals(List.of(), second.orphanEntries());
        assertEquals(ReconciliationReport.SuccessRate.OBSERVED, second.successRate().basis());
        assertEquals(1.0, second.successRate().rate());
        assertEquals(1, second.successRate().completed());
    }

    @Test
    void anExpiredCheckoutIsMarkedExpiredAndCountsAgainstTheSuccessRate() {
        String user = ReconFixture.newUser();
        Order order = fx.stripeOrder(user, "trial", Duration.ofMinutes(30));
        fx.stripe.markExpired(order.checkoutId());

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(1, report.pending().expired());
        assertEquals(0, report.pending().stuck());
        assertEquals(0, report.pending().healed());
        assertEquals(OrderStatus.EXPIRED, fx.order(order).status());
        assertEquals(Credits.ZERO, fx.balance(user));
        assertEquals(new ReconciliationReport.SuccessRate(0, 0, 1, 0.0, ReconciliationReport.SuccessRate.OBSERVED),
                report.successRate());
        assertEquals(0, fx.run(fx.service()).pending().checked(), "an expired order is not pending any more");
    }

    @Test
    void anOpenCheckoutWithinItsLifetimeIsAwaitingNotStuckWhileAYoungOneIsNotLookedAt() {
        String user = ReconFixture.newUser();
        Order old = fx.stripeOrder(user, "trial", Duration.ofMinutes(11));
        Order young = fx.stripeOrder(user, "trial", Duration.ofMinutes(2));
        fx.stripe.markPaid(young.checkoutId()); // its webhook may still come: not reconciliation's business yet

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(1, report.pending().checked());
        assertEquals(0, report.pending().stuck(), "the buyer has until the checkout's lifetime to pay");
        assertEquals(1, report.pending().awaiting());
        assertEquals(List.of(), report.pending().stuckOrderIds());
        assertEquals(OrderStatus.PENDING, fx.order(old).status());
        assertEquals(OrderStatus.PENDING, fx.order(young).status());
        assertEquals(Credits.ZERO, fx.balance(user));
        assertEquals(1, fx.stripe.requests("GET", "/v1/checkout/sessions/" + old.checkoutId()).size());
        assertEquals(0, fx.stripe.requests("GET", "/v1/checkout/sessions/" + young.checkoutId()).size());
        assertEquals(ReconciliationReport.SuccessRate.NO_CLOSED_ORDERS, report.successRate().basis());
        assertEquals(1.0, report.successRate().rate());
    }

    @Test
    void anOrderOfAnUnconfiguredProviderAndAProviderFailureAreStuckWithErrorsAndTheRunGoesOn() {
        String user = ReconFixture.newUser();
        Order foreign = fx.foreignOrder(user, "creem", Duration.ofMinutes(40));
        Order paid = fx.stripeOrder(user, "trial", Duration.ofMinutes(20));
        fx.stripe.markPaid(paid.checkoutId());

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(2, report.pending().checked());
        assertEquals(1, report.pending().stuck());
        assertEquals(List.of(foreign.orderId().value()), report.pending().stuckOrderIds());
        assertEquals(1, report.pending().healed(), "the next order is still healed");
        assertEquals(List.of(new ReconciliationReport.RunError("pending", foreign.orderId().value(),
                "provider_not_configured", "provider creem is not configured here")), report.errors());
        assertEquals(Credits.of(100), fx.balance(user));

        Order down = fx.stripeOrder(user, "trial", Duration.ofMinutes(20));
        fx.stripe.outage(503);
        ReconciliationReport outage = fx.run(fx.service());
        fx.stripe.recover();
        assertTrue(outage.pending().stuckOrderIds().contains(down.orderId().value()), outage.pending().toString());
        assertTrue(outage.errors().stream().anyMatch(e -> e.subject().equals(down.orderId().value())
                && e.code().equals("provider_unavailable")), outage.errors().toString());
        assertEquals(OrderStatus.PENDING, fx.order(down).status());
    }

    @Test
    void thePendingWalkIsBoundedAndResumesWhereItStopped() {
        String user = ReconFixture.newUser();
        for (int i = 0; i < 5; i++) {
            fx.stripeOrder(user, "trial", Duration.ofMinutes(120 - i)); // all open past their lifetime: stuck
        }
        ReconciliationService service = fx.service(ReconFixture.settings().withMaxPendingOrders(2));

        List<ReconciliationReport.Pending> runs = List.of(fx.run(service).pending(), fx.run(service).pending(),
                fx.run(service).pending());

        assertEquals(List.of(2, 2, 1), runs.stream().map(ReconciliationReport.Pending::checked).toList());
        assertEquals(List.of(false, false, true), runs.stream().map(ReconciliationReport.Pending::walkComplete).toList());
        assertEquals(5, runs.stream().flatMap(p -> p.stuckOrderIds().stream()).distinct().count(),
                "every stuck order was looked at once, oldest first, none twice");
        assertEquals(2, fx.run(service).pending().checked(), "a finished walk starts over from the oldest");
        assertEquals(0, fx.entries(user).stream().filter(e -> e.type() == EntryType.PURCHASE).count());
    }

    // --- awaiting vs stuck: the checkout lifetime ------------------------------------------------------

    @Test
    void anOpenCheckoutIsAwaitingUntilItsLifetimeAndGraceHavePassedThenStuck() {
        String user = ReconFixture.newUser();
        Order order = fx.stripeOrder(user, "trial", Duration.ofMinutes(20)); // abandoned: Stripe keeps it open
        Instant stuckFrom = order.createdAt().plus(Duration.ofMinutes(60 + 5));
        MutableClock clock = new MutableClock(Instant.now());
        ReconciliationService service = fx.service(ReconFixture.settings(), clock);

        ReconciliationReport now = fx.run(service);
        clock.set(stuckFrom.minusSeconds(1));
        ReconciliationReport justBefore = fx.run(service);
        clock.set(stuckFrom);
        ReconciliationReport after = fx.run(service);

        assertEquals(List.of(1, 1, 0), List.of(now.pending().awaiting(), justBefore.pending().awaiting(),
                after.pending().awaiting()));
        assertEquals(List.of(0, 0, 1), List.of(now.pending().stuck(), justBefore.pending().stuck(),
                after.pending().stuck()));
        assertEquals(List.of(order.orderId().value()), after.pending().stuckOrderIds());
        assertEquals(List.of(), justBefore.pending().stuckOrderIds());
        assertEquals(0, ReconciliationHandlerTest.metric(justBefore, "StuckOrders"), "no alarm for an abandoned checkout");
        assertEquals(1, ReconciliationHandlerTest.metric(after, "StuckOrders"), "open past its lifetime: stuck");
        assertEquals(OrderStatus.PENDING, fx.order(order).status());
        assertEquals(List.of(), after.errors());
    }

    @Test
    void aCheckoutStripeExpiredAtItsLifetimeIsClosedAsExpiredNotStuck() {
        String user = ReconFixture.newUser();
        Order order = fx.stripeOrder(user, "trial", Duration.ofMinutes(20));
        Instant expiresAt = order.createdAt().plus(Duration.ofMinutes(60));
        assertEquals(expiresAt.getEpochSecond(), fx.stripe.expiresAt(order.checkoutId()), "expires_at sent to Stripe");
        MutableClock clock = new MutableClock(expiresAt.plus(Duration.ofMinutes(30)));
        fx.stripe.expireDue(clock.instant()); // Stripe expired it, and its webhook was lost

        ReconciliationReport report = fx.run(fx.service(ReconFixture.settings(), clock));

        assertEquals(1, report.pending().expired());
        assertEquals(0, report.pending().stuck());
        assertEquals(0, report.pending().awaiting());
        assertEquals(OrderStatus.EXPIRED, fx.order(order).status());
    }

    @Test
    void theLifetimeComesFromTheSettingsAndFailuresAreStuckWhateverTheAge() {
        String user = ReconFixture.newUser();
        Order open = fx.stripeOrder(user, "trial", Duration.ofMinutes(50));
        Order foreign = fx.foreignOrder(user, "creem", Duration.ofMinutes(11)); // young, but nobody can check it
        ReconciliationService.Settings longer = ReconFixture.settings().withCheckoutLifetime(CheckoutLifetime.ofMinutes(120));
        ReconciliationService.Settings shorter = ReconFixture.settings().withCheckoutLifetime(CheckoutLifetime.ofMinutes(40));

        ReconciliationReport withLonger = fx.run(fx.service(longer));
        ReconciliationReport withShorter = fx.run(fx.service(shorter));

        assertEquals(1, withLonger.pending().awaiting());
        assertEquals(List.of(foreign.orderId().value()), withLonger.pending().stuckOrderIds());
        assertEquals(0, withShorter.pending().awaiting());
        assertEquals(2, withShorter.pending().stuck());
        assertTrue(withShorter.pending().stuckOrderIds().contains(open.orderId().value()));
    }
}
