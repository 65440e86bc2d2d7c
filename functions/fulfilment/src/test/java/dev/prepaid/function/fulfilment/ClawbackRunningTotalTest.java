package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.PaymentMismatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 10 item 6: claw-back from the running refunded total, and refunds in another currency, on DynamoDB Local. */
class ClawbackRunningTotalTest {
    static FulfilmentFixture fx;

    @BeforeAll
    static void start() {
        fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
    }

    private static PaymentEvent.PaymentRefunded refund(String pi, Money amount) {
        return new PaymentEvent.PaymentRefunded("stripe", FulfilmentFixture.id("evt_"), "refund.created",
                FulfilmentFixture.id("re_"), pi, amount);
    }

    private static Credits credits(String value) {
        return Credits.parse(new java.math.BigDecimal(value), "test");
    }

    @Test
    void twentySmallRefundsTakeWhatOneRefundOfTheirSumWould() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial"); // 7.90 USD for 100 credits
        String pi = FulfilmentFixture.id("pi_");
        fx.deliver(fx.paid(order, pi, null, null));
        for (int i = 0; i < 20; i++) {
            PaymentEvent.PaymentRefunded small = refund(pi, new Money(39, "usd")); // 0.39 each: 4.93 credits
            fx.deliver(small, small); // and every one delivered twice
        }
        // one refund of 7.80: floor(100 x 780 / 790) = 98; per refund it was 20 x floor(4.93) = 80
        assertEquals(credits("2"), fx.balance(user));
        assertEquals(9_800, fx.clawedCounter("purchase#" + order.orderId().value()));
    }

    @Test
    void concurrentSmallRefundsStillAddUpExactly() throws Exception {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        String pi = FulfilmentFixture.id("pi_");
        fx.deliver(fx.paid(order, pi, null, null));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                PaymentEvent.PaymentRefunded small = refund(pi, new Money(79, "usd"));
                done.add(pool.submit(() -> {
                    // a message that lost the race too often is redelivered by the queue: deliver until acknowledged
                    while (!fx.deliver(small).getBatchItemFailures().isEmpty()) {
                        Thread.onSpinWait();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(credits("0"), fx.balance(user), "10 x 0.79 = 7.90: the whole payment, all 100 credits");
    }

    @Test
    void aRefundInAnotherCurrencyIsRejectedNotApplied() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "trial");
        String pi = FulfilmentFixture.id("pi_");
        fx.deliver(fx.paid(order, pi, null, null));
        long before = fx.counted("RefundCurrencyMismatch");
        PaymentEvent.PaymentRefunded yen = refund(pi, new Money(790, "jpy"));
        assertTrue(fx.deliver(yen, yen).getBatchItemFailures().isEmpty(), "acknowledged, not retried into the DLQ");
        assertEquals(credits("100"), fx.balance(user));
        assertEquals(before + 2, fx.counted("RefundCurrencyMismatch"));
        assertTrue(new DynamoReconciliationStore(fx.dynamo, fx.table).paymentMismatches(100).stream()
                .anyMatch(m -> m.ref().equals(yen.refundRef())
                        && m.reason().equals(PaymentMismatch.REFUND_CURRENCY_MISMATCH)));
        // the same refund in the payment's currency still applies
        fx.deliver(refund(pi, new Money(790, "usd")));
        assertEquals(credits("0"), fx.balance(user));
    }
}
