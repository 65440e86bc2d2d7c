package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.PaymentMismatch;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 1: a signed paid event grants only the order it paid for, on DynamoDB Local. Each attack is
 * acknowledged (no failure, so no DLQ), grants nothing, leaves the order pending, counts PaymentMismatch
 * and leaves a MISMATCH item that reconciliation lists.
 */
class PaymentMatchTest {
    static FulfilmentFixture fx;

    @BeforeAll
    static void start() {
        fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
    }

    private PaymentEvent.CheckoutPaid paid(Order order, String orderId, String checkoutId, String provider, Money money) {
        return new PaymentEvent.CheckoutPaid(provider, FulfilmentFixture.id("evt_"), "checkout.session.completed",
                orderId, checkoutId, FulfilmentFixture.id("pi_"), money, null, null, null, null);
    }

    private void assertRejected(Order order, PaymentEvent.CheckoutPaid attack, String reason) {
        long before = fx.counted("PaymentMismatch");
        assertTrue(fx.deliver(attack, attack).getBatchItemFailures().isEmpty(), "acknowledged, not retried into the DLQ");
        assertEquals(Credits.ZERO, fx.balance(order.userId().value()), reason + " grants nothing");
        assertEquals(OrderStatus.PENDING, fx.orders.find(order.orderId()).orElseThrow().status());
        assertEquals(before + 2, fx.counted("PaymentMismatch"));
        List<PaymentMismatch> listed = new DynamoReconciliationStore(fx.dynamo, fx.table).paymentMismatches(100);
        assertEquals(1, listed.stream().filter(m -> m.eventId().equals(attack.eventId())).count(),
                "one MISMATCH item per event, redelivery included");
        PaymentMismatch item = listed.stream().filter(m -> m.eventId().equals(attack.eventId())).findFirst().orElseThrow();
        assertEquals(reason, item.reason());
        assertEquals(order.orderId().value(), item.orderId());
        assertEquals(order.amount(), item.expected());
    }

    @Test
    void aPaymentForAnotherCheckoutNamingTheOrderGrantsNothing() {
        Order order = fx.order(FulfilmentFixture.newUser(), "pro");
        // a Payment Link of the same account with client_reference_id set to the victim's order
        assertRejected(order, paid(order, order.orderId().value(), "cs_link_" + FulfilmentFixture.id(""), "stripe",
                order.amount()), PaymentMismatch.CHECKOUT_MISMATCH);
    }

    @Test
    void aCheckoutThatNamesAnotherOrderGrantsNeither() {
        Order mine = fx.order(FulfilmentFixture.newUser(), "trial");
        Order other = fx.order(FulfilmentFixture.newUser(), "pro");
        // the named order's own checkout was not the one paid
        assertRejected(other, paid(mine, other.orderId().value(), mine.checkoutId(), "stripe", other.amount()),
                PaymentMismatch.CHECKOUT_MISMATCH);
        assertEquals(Credits.ZERO, fx.balance(mine.userId().value()));
        assertEquals(OrderStatus.PENDING, fx.orders.find(mine.orderId()).orElseThrow().status());
    }

    @Test
    void aCheckoutThatNamesAnOrderThatDoesNotExistGrantsNothing() {
        Order mine = fx.order(FulfilmentFixture.newUser(), "trial");
        assertRejected(mine, paid(mine, dev.prepaid.domain.payment.OrderId.random().value(), mine.checkoutId(), "stripe",
                mine.amount()), PaymentMismatch.ORDER_MISMATCH);
    }

    @Test
    void oneCentGrantsNothing() {
        Order order = fx.order(FulfilmentFixture.newUser(), "pro");
        assertRejected(order, paid(order, order.orderId().value(), order.checkoutId(), "stripe", new Money(1, "usd")),
                PaymentMismatch.AMOUNT_TOO_LOW);
    }

    @Test
    void theRightNumberInAnotherCurrencyGrantsNothing() {
        Order order = fx.order(FulfilmentFixture.newUser(), "pro");
        assertRejected(order, paid(order, order.orderId().value(), order.checkoutId(), "stripe",
                new Money(order.amount().minor(), "jpy")), PaymentMismatch.CURRENCY_MISMATCH);
    }

    @Test
    void aPaymentThatDoesNotSayHowMuchGrantsNothing() {
        Order order = fx.order(FulfilmentFixture.newUser(), "trial");
        assertRejected(order, paid(order, null, order.checkoutId(), "stripe", null), PaymentMismatch.AMOUNT_UNKNOWN);
    }

    @Test
    void anotherProvidersCheckoutNamingTheOrderGrantsNothing() {
        Order order = fx.order(FulfilmentFixture.newUser(), "trial");
        assertRejected(order, paid(order, order.orderId().value(), order.checkoutId(), "mock", order.amount()),
                PaymentMismatch.PROVIDER_MISMATCH);
    }

    @Test
    void theOrdersOwnCheckoutPaidInFullOrWithTaxGrants() {
        Order order = fx.order(FulfilmentFixture.newUser(), "trial");
        long before = fx.counted("PaymentMismatch");
        assertTrue(fx.deliver(paid(order, order.orderId().value(), order.checkoutId(), "stripe",
                new Money(order.amount().minor() + 158, "USD"))).getBatchItemFailures().isEmpty());
        assertEquals(order.credits(), fx.balance(order.userId().value()));
        assertEquals(before, fx.counted("PaymentMismatch"));
    }

    @Test
    void anExpiryNamingAnotherOrderDoesNotCloseIt() {
        Order order = fx.order(FulfilmentFixture.newUser(), "trial");
        fx.deliver(new PaymentEvent.CheckoutClosed("stripe", FulfilmentFixture.id("evt_"), "checkout.session.expired",
                order.orderId().value(), "cs_other_" + FulfilmentFixture.id(""), OrderStatus.EXPIRED));
        assertEquals(OrderStatus.PENDING, fx.orders.find(order.orderId()).orElseThrow().status());
    }
}
