package dev.prepaid.function.fulfilment;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.adapter.out.dynamodb.LedgerTable;
import dev.prepaid.adapter.out.sqs.PaymentEventJson;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.CreditService;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.DeductCreditsCommand;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The fulfilment function on a fresh table in DynamoDB Local, with helpers to place orders and send events. */
final class FulfilmentFixture {
    final DynamoDbClient dynamo = TestClients.dynamo(LocalEngines.shared().dynamoEndpoint());
    final String table = TestClients.createLedgerTable(dynamo);
    final ProductCatalog catalog = ProductCatalog.defaults();
    final DynamoLedgerStore ledger = new DynamoLedgerStore(dynamo, table);
    final DynamoOrderStore orders = new DynamoOrderStore(dynamo, table);
    final FulfilmentHandler handler;
    /** The EMF lines the fixture's handlers wrote (PaymentMismatch, RefundCurrencyMismatch, ...). */
    final List<String> metrics = new java.util.concurrent.CopyOnWriteArrayList<>();
    final CreditService credits = new CreditService(new DynamoLedgerStore(dynamo, table), PricingCatalog.defaults(), Clock.systemUTC());

    FulfilmentFixture(ClawbackPolicy policy) {
        handler = newHandler(policy);
    }

    FulfilmentHandler newHandler(ClawbackPolicy policy) {
        return new FulfilmentHandler(new FulfilmentService(new DynamoLedgerStore(dynamo, table),
                new DynamoOrderStore(dynamo, table), catalog, policy, Clock.systemUTC()),
                dev.prepaid.adapter.out.metrics.MetricsPublisher.writingTo("prepaid", metrics::add));
    }

    /** A pending order with a checkout, as create-order leaves it. */
    Order order(String user, String product) {
        OrderId id = OrderId.random();
        Order order = Order.pending(id, new UserId(user), catalog.require(product), "stripe", Instant.now());
        orders.create(order);
        String checkout = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
        orders.attachCheckout(id, checkout, "https://checkout.example/" + checkout, Instant.now());
        return orders.find(id).orElseThrow();
    }

    static String newUser() {
        return "buyer-" + UUID.randomUUID();
    }

    static String id(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    PaymentEvent.CheckoutPaid paid(Order order, String paymentRef, String subscriptionId, String invoiceRef) {
        return new PaymentEvent.CheckoutPaid("stripe", id("evt_"), "checkout.session.completed", order.orderId().value(),
                order.checkoutId(), paymentRef, order.amount(), subscriptionId, "cus_1", invoiceRef,
                Instant.parse("2026-12-22T00:00:00Z"));
    }

    PaymentEvent.SubscriptionPaid renewal(String invoice, String subscriptionId, String paymentRef, Money paid,
                                          Order metadataOrder) {
        return new PaymentEvent.SubscriptionPaid("stripe", id("evt_"), "invoice.paid", invoice, subscriptionId, paymentRef,
                paid, Instant.parse("2027-01-22T00:00:00Z"),
                metadataOrder == null ? null : metadataOrder.orderId().value(),
                metadataOrder == null ? null : metadataOrder.userId().value(),
                metadataOrder == null ? null : metadataOrder.productId(), "cus_1");
    }

    SQSBatchResponse deliver(PaymentEvent... events) {
        return deliver(handler, events);
    }

    /** How many EMF lines of {@code metric} the handlers wrote so far. */
    long counted(String metric) {
        return metrics.stream().filter(line -> line.contains("\"Name\":\"" + metric + "\"")).count();
    }

    /** One event delivered as the {@code receive}-th receive of its message (SQS ApproximateReceiveCount). */
    SQSBatchResponse deliverReceive(int receive, PaymentEvent event) {
        SQSEvent batch = new SQSEvent();
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(PaymentEventJson.write(event));
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receive)));
        batch.setRecords(List.of(message));
        return handler.handleRequest(batch, new TestContext("fulfilment"));
    }

    SQSBatchResponse deliver(FulfilmentHandler target, PaymentEvent... events) {
        SQSEvent batch = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (PaymentEvent event : events) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId(UUID.randomUUID().toString());
            message.setBody(PaymentEventJson.write(event));
            records.add(message);
        }
        batch.setRecords(records);
        return target.handleRequest(batch, new TestContext("fulfilment"));
    }

    Credits balance(String user) {
        return ledger.balance(new UserId(user)).map(b -> b.credits()).orElse(Credits.ZERO);
    }

    /** The total of counter {@code clawed#<creditedEntryId>} in hundredths, read from the table (0 when absent). */
    long clawedCounter(String creditedEntryId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                LedgerTable.PK, AttributeValue.fromS("COUNTER#clawed#" + creditedEntryId),
                LedgerTable.SK, AttributeValue.fromS("COUNTER")))).item();
        return item == null || !item.containsKey("total") ? 0 : Long.parseLong(item.get("total").n());
    }

    void spend(String user, String amount) {
        credits.deduct(new DeductCreditsCommand(new UserId(user), Credits.parsePositive(new java.math.BigDecimal(amount), "amount"),
                null, null, new IdempotencyKey(id("spend-")), null, null));
    }
}
