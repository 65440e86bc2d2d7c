package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 7: refunds and disputes of payments prepaid never credited (a shared Stripe account) are
 * retried while their purchase may still land, then acknowledged as foreign: never into the DLQ.
 */
class ForeignPaymentTest {
    static FulfilmentFixture fx;

    @BeforeAll
    static void start() {
        fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
    }

    @Test
    void aForeignRefundWaitsTwiceThenIsAcknowledgedAndCounted() {
        PaymentEvent.PaymentRefunded foreign = new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"),
                "charge.refunded", FulfilmentFixture.id("re_"), FulfilmentFixture.id("pi_"), new Money(500, "usd"));
        long before = fx.counted("ForeignPaymentIgnored");
        assertEquals(1, fx.deliverReceive(1, foreign).getBatchItemFailures().size(), "receive 1: may be early");
        assertEquals(1, fx.deliverReceive(2, foreign).getBatchItemFailures().size(), "receive 2: may be early");
        assertTrue(fx.deliverReceive(3, foreign).getBatchItemFailures().isEmpty(), "receive 3: acknowledged as foreign");
        assertEquals(before + 1, fx.counted("ForeignPaymentIgnored"));
    }

    @Test
    void foreignDisputesAndTheirClosingAreAcknowledgedToo() {
        String pi = FulfilmentFixture.id("pi_");
        String dispute = FulfilmentFixture.id("dp_");
        assertTrue(fx.deliverReceive(3, new PaymentEvent.DisputeOpened("stripe", FulfilmentFixture.id("evt_"),
                "charge.dispute.created", dispute, pi, new Money(500, "usd"))).getBatchItemFailures().isEmpty());
        assertTrue(fx.deliverReceive(3, new PaymentEvent.DisputeClosed("stripe", FulfilmentFixture.id("evt_"),
                "charge.dispute.closed", dispute, pi, true)).getBatchItemFailures().isEmpty());
    }

    @Test
    void aRefundThatOvertakesItsPurchaseIsStillAppliedWhenThePurchaseLandsBeforeTheThirdReceive() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        String pi = FulfilmentFixture.id("pi_");
        PaymentEvent.PaymentRefunded refund = new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"),
                "charge.refunded", FulfilmentFixture.id("re_"), pi, order.amount());
        long before = fx.counted("ForeignPaymentIgnored");
        assertEquals(1, fx.deliverReceive(1, refund).getBatchItemFailures().size());
        fx.deliver(fx.paid(order, pi, null, null));
        assertEquals(order.credits(), fx.balance(user));
        assertTrue(fx.deliverReceive(2, refund).getBatchItemFailures().isEmpty());
        assertEquals(Credits.ZERO, fx.balance(user));
        assertEquals(before, fx.counted("ForeignPaymentIgnored"));
    }
}
