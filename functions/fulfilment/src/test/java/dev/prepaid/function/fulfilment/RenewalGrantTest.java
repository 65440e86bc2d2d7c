package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.PaymentEvent.BillingReason;
import dev.prepaid.domain.payment.ProductCatalog;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 2: a subscription invoice grants a period's credits only when it bills a period
 * (subscription_create / subscription_cycle), for the plan its line charges, at the catalog price.
 */
class RenewalGrantTest {
    static FulfilmentFixture fx;

    @BeforeAll
    static void start() {
        fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
    }

    /** A subscribed user: the first period granted (basic, 300), the subscription known. */
    private static String subscribed(String user, String sub) {
        Order order = fx.order(user, "basic");
        String firstInvoice = FulfilmentFixture.id("in_");
        fx.deliver(fx.paid(order, FulfilmentFixture.id("pi_"), sub, firstInvoice));
        assertEquals(Credits.parsePositive(new BigDecimal("300"), "c"), fx.balance(user));
        return firstInvoice;
    }

    private static PaymentEvent.SubscriptionPaid invoice(String sub, Money paid, BillingReason reason, String linePrice,
                                                         String lineProduct, String metadataProduct, String user) {
        return new PaymentEvent.SubscriptionPaid("stripe", FulfilmentFixture.id("evt_"), "invoice.paid",
                FulfilmentFixture.id("in_"), sub, FulfilmentFixture.id("pi_"), paid, Instant.parse("2027-01-22T00:00:00Z"),
                null, user, metadataProduct, "cus_1", reason, linePrice, lineProduct);
    }

    private static Credits credits(String value) {
        return Credits.parsePositive(new BigDecimal(value), "c");
    }

    @Test
    void aProrationInvoiceGrantsNothing() {
        String user = FulfilmentFixture.newUser();
        String sub = FulfilmentFixture.id("sub_");
        subscribed(user, sub);
        // a plan change invoiced at once (always_invoice): the difference paid, no period
        fx.deliver(invoice(sub, new Money(3000, "usd"), BillingReason.UPDATE, "price_pro", "pro", "basic", user));
        fx.deliver(invoice(sub, new Money(1990, "usd"), BillingReason.OTHER, "price_basic", "basic", "basic", user));
        assertEquals(credits("300"), fx.balance(user));
    }

    @Test
    void aRenewalGrantsThePlanItsLineChargesNotTheCreationMetadata() {
        String user = FulfilmentFixture.newUser();
        String sub = FulfilmentFixture.id("sub_");
        subscribed(user, sub);
        // bought as basic (metadata), renewed as pro after a plan change: pro's 1500
        fx.deliver(invoice(sub, new Money(4990, "usd"), BillingReason.CYCLE, "price_pro", "pro", "basic", user));
        assertEquals(credits("1800"), fx.balance(user));
        assertEquals("pro", fx.orders.subscription(new UserId(user)).orElseThrow().productId());
    }

    @Test
    void aRenewalOfAPriceThatIsNoPlanOfTheCatalogGrantsNothing() {
        String user = FulfilmentFixture.newUser();
        String sub = FulfilmentFixture.id("sub_");
        subscribed(user, sub);
        fx.deliver(invoice(sub, new Money(1990, "usd"), BillingReason.CYCLE, "price_someone_elses", null, "basic", user));
        assertEquals(credits("300"), fx.balance(user));
    }

    @Test
    void aRenewalGrantsOnlyAtTheCatalogPrice() {
        String user = FulfilmentFixture.newUser();
        String sub = FulfilmentFixture.id("sub_");
        subscribed(user, sub);
        // a 50% coupon, another currency, a price raised at the provider: none is the catalog's basic period
        fx.deliver(invoice(sub, new Money(995, "usd"), BillingReason.CYCLE, "price_basic", "basic", "basic", user));
        fx.deliver(invoice(sub, new Money(1990, "eur"), BillingReason.CYCLE, "price_basic", "basic", "basic", user));
        fx.deliver(invoice(sub, new Money(2990, "usd"), BillingReason.CYCLE, "price_basic", "basic", "basic", user));
        assertEquals(credits("300"), fx.balance(user));
        fx.deliver(invoice(sub, new Money(1990, "usd"), BillingReason.CYCLE, "price_basic", "basic", "basic", user));
        assertEquals(credits("600"), fx.balance(user));
    }

    @Test
    void aFullyDiscountedPeriodGrantsPerTheCatalogFlag() {
        String user = FulfilmentFixture.newUser();
        String sub = FulfilmentFixture.id("sub_");
        subscribed(user, sub);
        // default: a 100% coupon or credit-balance invoice grants
        fx.deliver(invoice(sub, new Money(0, "usd"), BillingReason.CYCLE, "price_basic", "basic", "basic", user));
        assertEquals(credits("600"), fx.balance(user));

        ProductCatalog strict = ProductCatalog.parse(ProductCatalog.DEFAULTS + "basic.unpaid_periods_grant = false\n");
        FulfilmentHandler strictHandler = new FulfilmentHandler(new FulfilmentService(
                new DynamoLedgerStore(fx.dynamo, fx.table), new DynamoOrderStore(fx.dynamo, fx.table), strict,
                ClawbackPolicy.ALLOW_NEGATIVE, Clock.systemUTC()), dev.prepaid.adapter.out.metrics.MetricsPublisher.fromEnvironment(dev.prepaid.adapter.config.Env.system()));
        fx.deliver(strictHandler, invoice(sub, new Money(0, "usd"), BillingReason.CYCLE, "price_basic", "basic", "basic", user));
        assertEquals(credits("600"), fx.balance(user));
    }
}
