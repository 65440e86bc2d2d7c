package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 10 item 10: a refund that fails later gives back its claw-back exactly once, on DynamoDB Local. */
class RefundFailedTest {
    static FulfilmentFixture fx;

    @BeforeAll
    static void start() {
        fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
    }

    private static Credits credits(String value) {
        return Credits.parse(new java.math.BigDecimal(value), "test");
    }

    @Test
    void aFailedRefundGivesItsClawBackBackOnceWhateverIsReplayed() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial"); // 7.90 USD, 100 credits
        String pi = FulfilmentFixture.id("pi_");
        fx.deliver(fx.paid(order, pi, null, null));
        String refundId = FulfilmentFixture.id("re_");
        PaymentEvent.PaymentRefunded refund = new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"),
                "refund.created", refundId, pi, new Money(395, "usd"));
        fx.deliver(refund);
        assertEquals(credits("50"), fx.balance(user));

        PaymentEvent.RefundFailed failed = new PaymentEvent.RefundFailed("stripe", FulfilmentFixture.id("evt_"),
                "charge.refund.updated", refundId, pi);
        PaymentEvent.RefundFailed sameFailureOtherType = new PaymentEvent.RefundFailed("stripe",
                FulfilmentFixture.id("evt_"), "refund.failed", refundId, pi);
        assertTrue(fx.deliver(failed, failed, sameFailureOtherType).getBatchItemFailures().isEmpty());
        assertEquals(credits("100"), fx.balance(user), "given back once, whichever event says it and how often");
        assertEquals(EntryType.CLAWBACK_REVERSAL,
                fx.ledger.entry("clawback_reversal#stripe:" + refundId).orElseThrow().type());
        // the refund's own event replayed after its failure takes nothing again
        fx.deliver(refund);
        assertEquals(credits("100"), fx.balance(user));
        assertEquals(0, fx.clawedCounter("purchase#" + order.orderId().value()), "credits and money released");

        // so a later real refund of the whole payment computes its share from money really returned: all 100
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created",
                FulfilmentFixture.id("re_"), pi, order.amount()));
        assertEquals(credits("0"), fx.balance(user));
    }

    @Test
    void aFailedSmallRefundThatTookNoWholeCreditStillReleasesItsMoney() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        String pi = FulfilmentFixture.id("pi_");
        fx.deliver(fx.paid(order, pi, null, null));
        String small = FulfilmentFixture.id("re_");
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created", small, pi,
                new Money(5, "usd"))); // 0.63 credit: nothing taken yet, 0.05 counted
        fx.deliver(new PaymentEvent.RefundFailed("stripe", FulfilmentFixture.id("evt_"), "refund.failed", small, pi));
        fx.deliver(new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created",
                FulfilmentFixture.id("re_"), pi, new Money(785, "usd")));
        assertEquals(credits("1"), fx.balance(user), "floor(100 x 7.85 / 7.90) = 99: the failed 0.05 does not count");
    }

    @Test
    void aFailureOfARefundNeverClawedBackIsAcknowledgedAfterItsRetries() {
        PaymentEvent.RefundFailed failed = new PaymentEvent.RefundFailed("stripe", FulfilmentFixture.id("evt_"),
                "refund.failed", FulfilmentFixture.id("re_"), FulfilmentFixture.id("pi_"));
        assertEquals(1, fx.deliverReceive(1, failed).getBatchItemFailures().size());
        assertTrue(fx.deliverReceive(3, failed).getBatchItemFailures().isEmpty());
    }
}
