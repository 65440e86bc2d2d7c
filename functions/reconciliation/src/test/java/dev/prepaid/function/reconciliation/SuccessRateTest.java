package dev.prepaid.function.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.port.out.ReconciliationReport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PaymentSuccessRate counts every order closed in its window, whoever closed it: most unpaid checkouts are
 * closed by the provider's webhook (or the browser callback), never seen by reconciliation's pending walk.
 */
class SuccessRateTest {
    private final ReconFixture fx = new ReconFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private void closeByWebhook(Order order, OrderStatus outcome) {
        fx.fulfilment.handle(new PaymentEvent.CheckoutClosed("stripe", ReconFixture.id("evt_"),
                outcome == OrderStatus.EXPIRED ? "checkout.session.expired" : "checkout.session.async_payment_failed",
                order.orderId().value(), order.checkoutId(), outcome));
    }

    @Test
    void ordersClosedByTheWebhookCountAgainstTheRate() throws Exception {
        String user = ReconFixture.newUser();
        fx.purchased(user, "trial");                                   // paid, through the webhook
        Order expired = fx.stripeOrder(user, "trial", Duration.ZERO);  // young: the pending walk never sees it
        Order failed = fx.stripeOrder(user, "basic", Duration.ZERO);
        Order failedToo = fx.stripeOrder(user, "pro", Duration.ZERO);
        closeByWebhook(expired, OrderStatus.EXPIRED);
        closeByWebhook(failed, OrderStatus.FAILED);
        closeByWebhook(failedToo, OrderStatus.FAILED);
        fx.stripeOrder(user, "trial", Duration.ZERO);                  // still open: not closed, not counted
        assertEquals(OrderStatus.EXPIRED, fx.order(expired).status());

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(0, report.pending().checked(), "reconciliation closed none of them itself");
        assertEquals(new ReconciliationReport.SuccessRate(1, 2, 1, 0.25, ReconciliationReport.SuccessRate.OBSERVED),
                report.successRate());
        assertEquals(25.0, new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(ReconciliationHandler.emf(report, java.time.Instant.now())).path("PaymentSuccessRate").asDouble(),
                "the metric is the whole window's rate");
    }

    @Test
    void theRateCoversItsWindowAcrossRunsNotOnlyWhatOneRunSaw() {
        String user = ReconFixture.newUser();
        fx.purchased(user, "trial");
        Order expired = fx.stripeOrder(user, "trial", Duration.ZERO);
        closeByWebhook(expired, OrderStatus.EXPIRED);
        fx.run(fx.service());

        ReconciliationReport second = fx.run(fx.service()); // nothing new happened since the first run

        assertEquals(new ReconciliationReport.SuccessRate(1, 0, 1, 0.5, ReconciliationReport.SuccessRate.OBSERVED),
                second.successRate());
    }

    @Test
    void anOrderClosedAndThenPaidCountsOnceAsPaid() {
        String user = ReconFixture.newUser();
        Order order = fx.stripeOrder(user, "trial", Duration.ZERO);
        closeByWebhook(order, OrderStatus.EXPIRED);
        fx.fulfilment.handle(new PaymentEvent.CheckoutPaid("stripe", ReconFixture.id("evt_"), "checkout.session.completed",
                order.orderId().value(), order.checkoutId(), ReconFixture.id("pi_"), order.amount(), null, null, null, null));
        assertEquals(OrderStatus.COMPLETED, fx.order(order).status());

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(new ReconciliationReport.SuccessRate(1, 0, 0, 1.0, ReconciliationReport.SuccessRate.OBSERVED),
                report.successRate());
    }

    @Test
    void ordersClosedBeforeTheWindowAreNotCounted() {
        String user = ReconFixture.newUser();
        Order expired = fx.stripeOrder(user, "trial", Duration.ZERO);
        closeByWebhook(expired, OrderStatus.EXPIRED);

        ReconciliationReport report = fx.run(fx.service(ReconFixture.settings().withSuccessRateWindow(Duration.ZERO)));

        assertEquals(ReconciliationReport.SuccessRate.NO_CLOSED_ORDERS, report.successRate().basis());
    }
}
