package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.InsufficientCreditsException;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.testing.TestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fulfilment of every kind of payment event against DynamoDB Local, including repeats and disorder. */
class FulfilmentTest {
    static FulfilmentFixture fx;

    @BeforeAll
    static void start() {
        fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
    }

    private static Credits credits(String value) {
        return Credits.parse(new java.math.BigDecimal(value), "test");
    }

    @Test
    void aPaidPackCompletesTheOrderAndGrantsItsCreditsOnce() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        PaymentEvent.CheckoutPaid paid = fx.paid(order, FulfilmentFixture.id("pi_"), null, null);
        assertTrue(fx.deliver(paid).getBatchItemFailures().isEmpty());
        assertEquals(credits("100"), fx.balance(user));
        assertEquals(OrderStatus.COMPLETED, fx.orders.find(order.orderId()).orElseThrow().status());
        assertEquals(EntryType.PURCHASE, fx.ledger.entry("purchase#" + order.orderId().value()).orElseThrow().type());
        assertTrue(fx.orders.pendingBefore(java.time.Instant.now().plusSeconds(60), 100).stream()
                .noneMatch(o -> o.orderId().equals(order.orderId())), "a completed order leaves the pending index");
        fx.deliver(paid);
        assertEquals(credits("100"), fx.balance(user));
    }

    @Test
    void theSameWebhookFiveTimesAtOnceCreditsOnce() throws Exception {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        PaymentEvent.CheckoutPaid paid = fx.paid(order, FulfilmentFixture.id("pi_"), null, null);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<SQSBatchResponse>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FulfilmentHandler instance = fx.newHandler(ClawbackPolicy.ALLOW_NEGATIVE);
            results.add(pool.submit(() -> {
                go.await();
                return fx.deliver(instance, paid);
            }));
        }
        go.countDown();
        for (Future<SQSBatchResponse> r : results) {
            assertTrue(r.get(30, TimeUnit.SECONDS).getBatchItemFailures().isEmpty());
        }
        pool.shutdown();
        assertEquals(credits("100"), fx.balance(user));
    }

    @Test
    void aSubscriptionGrantsEveryPaidPeriodOnceWhicheverEventComesFirst() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "basic");
        String sub = FulfilmentFixture.id("sub_");
        String firstInvoice = FulfilmentFixture.id("in_");
        // invoice.paid for the first period arrives before checkout.session.completed
        fx.deliver(fx.renewal(firstInvoice, sub, FulfilmentFixture.id("pi_"), order.amount(), order));
        fx.deliver(fx.paid(order, FulfilmentFixture.id("pi_"), sub, firstInvoice));
        assertEquals(credits("300"), fx.balance(user));
        assertEquals(OrderStatus.COMPLETED, fx.orders.find(order.orderId()).orElseThrow().status());
        assertEquals("basic", fx.orders.subscription(new UserId(user)).orElseThrow().productId());
        // two renewals, the second delivered twice; the renewal carries no metadata: found by subscription id
        String second = FulfilmentFixture.id("in_");
        String third = FulfilmentFixture.id("in_");
        fx.deliver(fx.renewal(second, sub, FulfilmentFixture.id("pi_"), order.amount(), null));
        PaymentEvent.SubscriptionPaid thirdPaid = fx.renewal(third, sub, FulfilmentFixture.id("pi_"), order.amount(), null);
        fx.deliver(thirdPaid, thirdPaid);
        assertEquals(credits("900"), fx.balance(user));
    }

    @Test
    void aSubscriptionRefundFindsItsCreditsByEitherPaymentReference() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "basic");
        String sub = FulfilmentFixture.id("sub_");
        String invoice = FulfilmentFixture.id("in_");
        String pi = FulfilmentFixture.id("pi_");
        // Stripe: the subscription checkout names only the invoice; the invoice event names the payment intent.
        fx.deliver(fx.paid(order, invoice, sub, invoice));
        fx.deliver(fx.renewal(invoice, sub, pi, order.amount(), order));
        assertEquals(credits("300"), fx.balance(user));
        PaymentEvent.PaymentRefunded refund = new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"),
                "charge.refunded", FulfilmentFixture.id("re_"), pi, order.amount());
        assertTrue(fx.deliver(refund).getBatchItemFailures().isEmpty(), "the refund found the grant by payment intent");
        assertEquals(credits("0"), fx.balance(user));
    }

    @Test
    void aRenewalBeforeItsSubscriptionIsKnownWaitsAndIsNeverDropped() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "pro");
        String sub = FulfilmentFixture.id("sub_");
        PaymentEvent.SubscriptionPaid early = fx.renewal(FulfilmentFixture.id("in_"), sub, FulfilmentFixture.id("pi_"),
                order.amount(), null);
        PaymentEvent.CheckoutPaid unrelated = fx.paid(fx.order(user, "trial"), FulfilmentFixture.id("pi_"), null, null);
        SQSBatchResponse response = fx.deliver(early, unrelated);
        assertEquals(1, response.getBatchItemFailures().size(), "only the early renewal is retried");
        assertEquals(credits("100"), fx.balance(user));
        // the subscription checkout (its invoice not named) records the subscription; the retry then succeeds
        fx.deliver(fx.paid(order, FulfilmentFixture.id("pi_"), sub, null));
        assertTrue(fx.deliver(early).getBatchItemFailures().isEmpty());
        assertEquals(credits("1600"), fx.balance(user));
    }

    @Test
    void aRefundAfterTheCreditsWereSpentLeavesADebtThatBlocksDeducts() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        String pi = FulfilmentFixture.id("pi_");
        fx.deliver(fx.paid(order, pi, null, null));
        fx.spend(user, "80");
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "charge.refunded",
                FulfilmentFixture.id("re_"), pi, order.amount()));
        assertEquals(credits("-80"), fx.balance(user));
        assertThrows(InsufficientCreditsException.class, () -> fx.spend(user, "1"));
    }

    @Test
    void partialRefundsAddUpAndNeverTakeMoreThanWasGranted() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial"); // 7.90 USD for 100 credits
        String pi = FulfilmentFixture.id("pi_");
        fx.deliver(fx.paid(order, pi, null, null));
        String r1 = FulfilmentFixture.id("re_");
        PaymentEvent.PaymentRefunded first = new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"),
                "refund.created", r1, pi, new Money(395, "usd"));
        fx.deliver(first, first);
        assertEquals(credits("50"), fx.balance(user), "floor(100 x 3.95 / 7.90) = 50, once");
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created",
                FulfilmentFixture.id("re_"), pi, new Money(200, "usd")));
        assertEquals(credits("25"), fx.balance(user), "floor(100 x 5.95 / 7.90) - 50 = 75 - 50 = 25 more");
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created",
                FulfilmentFixture.id("re_"), pi, new Money(195, "usd")));
        assertEquals(credits("0"), fx.balance(user),
                "the whole payment is back: floor(100 x 7.90 / 7.90) - 75 = 25 (not floor(100 x 1.95 / 7.90) = 24)");
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created",
                FulfilmentFixture.id("re_"), pi, new Money(790, "usd")));
        assertEquals(credits("0"), fx.balance(user), "a refund beyond the payment takes nothing more");
        assertEquals(10_000, fx.clawedCounter("purchase#" + order.orderId().value()));
    }

    @Test
    void aRefundBeforeItsPurchaseWaitsUntilThePurchaseLands() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        String pi = FulfilmentFixture.id("pi_");
        PaymentEvent.PaymentRefunded refund = new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"),
                "charge.refunded", FulfilmentFixture.id("re_"), pi, order.amount());
        assertEquals(1, fx.deliver(refund).getBatchItemFailures().size());
        fx.deliver(fx.paid(order, pi, null, null));
        assertTrue(fx.deliver(refund).getBatchItemFailures().isEmpty());
        assertEquals(credits("0"), fx.balance(user));
    }

    @Test
    void aDisputeTakesTheCreditsBackAndAWonDisputeReturnsThem() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        String pi = FulfilmentFixture.id("pi_");
        String dispute = FulfilmentFixture.id("dp_");
        fx.deliver(fx.paid(order, pi, null, null));
        fx.deliver(new PaymentEvent.DisputeOpened("stripe", FulfilmentFixture.id("evt_"), "charge.dispute.created",
                dispute, pi, order.amount()));
        assertEquals(credits("0"), fx.balance(user));
        PaymentEvent.DisputeClosed won = new PaymentEvent.DisputeClosed("stripe", FulfilmentFixture.id("evt_"),
                "charge.dispute.closed", dispute, pi, true);
        fx.deliver(won, won);
        assertEquals(credits("100"), fx.balance(user));
    }

    @Test
    void aWonDisputeGivesBackItsClawBackRoomSoALaterRefundTakesTheWholePurchase() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial"); // 7.90 USD for 100 credits
        String pi = FulfilmentFixture.id("pi_");
        String dispute = FulfilmentFixture.id("dp_");
        fx.deliver(fx.paid(order, pi, null, null));
        fx.deliver(new PaymentEvent.DisputeOpened("stripe", FulfilmentFixture.id("evt_"), "charge.dispute.created",
                dispute, pi, order.amount()));
        assertEquals(credits("0"), fx.balance(user));
        assertEquals(100_00L, fx.clawedCounter("purchase#" + order.orderId().value()));
        PaymentEvent.DisputeClosed won = new PaymentEvent.DisputeClosed("stripe", FulfilmentFixture.id("evt_"),
                "charge.dispute.closed", dispute, pi, true);
        assertTrue(fx.deliver(won, won).getBatchItemFailures().isEmpty());
        assertEquals(credits("100"), fx.balance(user));
        assertEquals(0L, fx.clawedCounter("purchase#" + order.orderId().value()),
                "the restore lowers the counter in its own transaction, once");

        String refundRef = FulfilmentFixture.id("re_");
        PaymentEvent.PaymentRefunded refund = new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"),
                "charge.refunded", refundRef, pi, order.amount());
        assertTrue(fx.deliver(refund, refund).getBatchItemFailures().isEmpty());
        assertEquals(credits("0"), fx.balance(user), "the full refund takes back the whole purchase");
        assertEquals(credits("-100"), fx.ledger.entry("clawback#stripe:" + refundRef).orElseThrow().amount());

        // The won event again (a late redelivery) replays: no credits, and the counter is not lowered again.
        assertTrue(fx.deliver(won).getBatchItemFailures().isEmpty());
        assertEquals(credits("0"), fx.balance(user));
        assertEquals(100_00L, fx.clawedCounter("purchase#" + order.orderId().value()));
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "charge.refunded",
                FulfilmentFixture.id("re_"), pi, order.amount()));
        assertEquals(credits("0"), fx.balance(user), "never more than the payment granted");
    }

    @Test
    void aWonPartialDisputeLeavesEarlierRefundsCounted() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial"); // 7.90 USD for 100 credits
        String pi = FulfilmentFixture.id("pi_");
        String dispute = FulfilmentFixture.id("dp_");
        fx.deliver(fx.paid(order, pi, null, null));
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created",
                FulfilmentFixture.id("re_"), pi, new Money(395, "usd")));
        assertEquals(credits("50"), fx.balance(user));
        fx.deliver(new PaymentEvent.DisputeOpened("stripe", FulfilmentFixture.id("evt_"), "charge.dispute.created",
                dispute, pi, new Money(395, "usd")));
        assertEquals(credits("0"), fx.balance(user));
        fx.deliver(new PaymentEvent.DisputeClosed("stripe", FulfilmentFixture.id("evt_"), "charge.dispute.closed",
                dispute, pi, true));
        assertEquals(credits("50"), fx.balance(user));
        assertEquals(50_00L, fx.clawedCounter("purchase#" + order.orderId().value()));
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created",
                FulfilmentFixture.id("re_"), pi, order.amount()));
        assertEquals(credits("0"), fx.balance(user), "the rest of the payment: 50, not 100");
    }

    @Test
    void aFailedRenewalPaymentMarksTheSubscriptionPastDueAndKeepsWhatItDoesNotSay() {
        String user = FulfilmentFixture.newUser();
        String sub = FulfilmentFixture.id("sub_");
        Instant periodEnd = Instant.parse("2027-01-22T00:00:00Z");
        fx.orders.saveSubscription(new Subscription(new UserId(user), "stripe", sub, "basic", "active", periodEnd, true,
                "cus_1", Instant.now()));
        // what StripeEvents makes of invoice.payment_failed: the status only
        PaymentEvent.SubscriptionChanged failed = new PaymentEvent.SubscriptionChanged("stripe",
                FulfilmentFixture.id("evt_"), "invoice.payment_failed", sub, "past_due", null, null);
        assertTrue(fx.deliver(failed, failed).getBatchItemFailures().isEmpty());
        Subscription after = fx.orders.subscriptionById("stripe", sub).orElseThrow();
        assertEquals("past_due", after.status());
        assertEquals(periodEnd, after.currentPeriodEnd());
        assertTrue(after.cancelAtPeriodEnd(), "a failed payment does not undo a scheduled cancellation");
        assertEquals(Credits.ZERO, fx.balance(user), "no credits move");

        // Stripe's retry succeeds: the renewal's invoice.paid grants the period and the plan is active again.
        fx.deliver(fx.renewal(FulfilmentFixture.id("in_"), sub, FulfilmentFixture.id("pi_"), new Money(1990, "usd"), null));
        assertEquals("active", fx.orders.subscriptionById("stripe", sub).orElseThrow().status());
    }

    @Test
    void floorZeroTakesOnlyWhatIsLeft() {
        FulfilmentFixture floor = new FulfilmentFixture(ClawbackPolicy.FLOOR_ZERO);
        String user = FulfilmentFixture.newUser();
        Order order = floor.order(user, "trial");
        String pi = FulfilmentFixture.id("pi_");
        floor.deliver(floor.paid(order, pi, null, null));
        floor.spend(user, "70");
        floor.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created",
                FulfilmentFixture.id("re_"), pi, order.amount()));
        assertEquals(credits("0"), floor.balance(user));
    }

    @Test
    void anExpiredCheckoutGrantsNothingButALatePaymentStillWins() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        fx.deliver(new PaymentEvent.CheckoutClosed("stripe", FulfilmentFixture.id("evt_"), "checkout.session.expired",
                order.orderId().value(), order.checkoutId(), OrderStatus.EXPIRED));
        assertEquals(OrderStatus.EXPIRED, fx.orders.find(order.orderId()).orElseThrow().status());
        assertEquals(Credits.ZERO, fx.balance(user));
        fx.deliver(fx.paid(order, FulfilmentFixture.id("pi_"), null, null));
        assertEquals(OrderStatus.COMPLETED, fx.orders.find(order.orderId()).orElseThrow().status());
        assertEquals(credits("100"), fx.balance(user));
    }

    @Test
    void anUnreadableMessageIsReportedAsFailedSoItReachesTheDlq() {
        SQSEvent batch = new SQSEvent();
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("m-1");
        message.setBody("{\"kind\": \"Nonsense\"");
        batch.setRecords(List.of(message));
        SQSBatchResponse response = fx.handler.handleRequest(batch, new TestContext("fulfilment"));
        assertEquals("m-1", response.getBatchItemFailures().get(0).getItemIdentifier());
    }

    @Test
    void aCheckoutForAnOrderThatIsNotOursIsAcknowledgedAndGrantsNothing() {
        PaymentEvent.CheckoutPaid stranger = new PaymentEvent.CheckoutPaid("stripe", FulfilmentFixture.id("evt_"),
                "checkout.session.completed", null, "cs_unknown_" + UUID.randomUUID(), "pi_x", new Money(790, "usd"),
                null, null, null, null);
        assertTrue(fx.deliver(stranger).getBatchItemFailures().isEmpty());
        assertEquals(Optional.empty(), fx.orders.findByCheckout("stripe", stranger.checkoutId()));
    }
}
