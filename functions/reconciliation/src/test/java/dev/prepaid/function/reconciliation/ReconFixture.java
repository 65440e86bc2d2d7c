package dev.prepaid.function.reconciliation;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.adapter.out.sqs.SqsDeadLetterQueue;
import dev.prepaid.application.CreditService;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryIds;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.GrantCreditsCommand;
import dev.prepaid.port.out.PaymentProvider;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.stripe.FakeStripe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A fresh table and queue pair on DynamoDB Local and ElasticMQ, a fake Stripe API, and the purchase side
 * wired exactly as the Lambda wires it (PaymentWiring from an environment map), plus helpers that put the
 * data into the states reconciliation must find.
 */
public final class ReconFixture implements AutoCloseable {
    public static final String STRIPE_WEBHOOK_SECRET = "whsec_reconciliation_test";

    public final LocalEngines engines = LocalEngines.shared();
    /** The ledger entries read from GSI1 through {@link #dynamo} (the drift check's reads). */
    final LedgerReads ledgerReads = new LedgerReads();
    public final DynamoDbClient dynamo = TestClients.dynamo(engines.dynamoEndpoint(), ledgerReads);
    public final SqsClient sqs = TestClients.sqs(engines.sqsEndpoint());
    public final String table = TestClients.createLedgerTable(dynamo);
    public final String queueUrl;
    public final String dlqUrl;
    public final FakeStripe stripe = new FakeStripe();
    public final Map<String, String> vars = new HashMap<>();
    public final PaymentWiring wiring;
    public final FulfilmentService fulfilment;
    public final CreditService credits;

    public ReconFixture() {
        String[] queues = QueuePoller.createQueueWithDlq(sqs, "fulfilment-" + UUID.randomUUID().toString().substring(0, 8), 1);
        queueUrl = queues[0];
        dlqUrl = queues[1];
        stripe.price("price_trial", 790, "usd").price("price_basic", 1990, "usd").price("price_pro", 4990, "usd");
        vars.put("TABLE_NAME", table);
        vars.put("DYNAMODB_ENDPOINT", engines.dynamoEndpoint().toString());
        vars.put("SQS_ENDPOINT", engines.sqsEndpoint().toString());
        vars.put("FULFILMENT_QUEUE_URL", queueUrl);
        vars.put("FULFILMENT_DLQ_URL", dlqUrl);
        vars.put("PAYMENT_PROVIDER", "stripe");
        vars.put("PAYMENT_ENV", "test");
        vars.put("STRIPE_SECRET_KEY", "sk_test_reconciliation_tests_0000");
        vars.put("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET);
        vars.put("STRIPE_API_BASE", stripe.baseUrl());
        vars.put("STRIPE_PRICE_TRIAL", "price_trial");
        vars.put("STRIPE_PRICE_BASIC", "price_basic");
        vars.put("STRIPE_PRICE_PRO", "price_pro");
        wiring = new PaymentWiring(new Env(vars), Clock.systemUTC(), dynamo, () -> sqs, null);
        fulfilment = wiring.fulfilment();
        credits = new CreditService(wiring.ledger(), PricingCatalog.defaults(), Clock.systemUTC());
    }

    /** Settings for tests: nothing waits to settle, and the first run looks back one hour. */
    public static ReconciliationService.Settings settings() {
        return ReconciliationService.Settings.defaults().withSettleLag(Duration.ZERO)
                .withInitialLookback(Duration.ofHours(1));
    }

    public ReconciliationService service() {
        return service(settings());
    }

    public ReconciliationService service(ReconciliationService.Settings settings) {
        return service(settings, Clock.systemUTC());
    }

    /** With the test's clock (a MutableClock moves a run past an order's checkout lifetime). */
    public ReconciliationService service(ReconciliationService.Settings settings, Clock clock) {
        return new ReconciliationService(wiring.orders(), wiring.ledger(), new DynamoReconciliationStore(dynamo, table),
                wiring.providers(), wiring.fulfilment(), dlq(), settings, clock);
    }

    public SqsDeadLetterQueue dlq() {
        return new SqsDeadLetterQueue(sqs, dlqUrl, queueUrl);
    }

    /** A run, a moment after the writes before it (the walk's window ends at the run's start). */
    public ReconciliationReport run(ReconciliationService service) {
        LockSupport.parkNanos(Duration.ofMillis(3).toNanos());
        return service.run();
    }

    public static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    public static String id(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    /**
     * A pending order created {@code age} ago with a real checkout session at (fake) Stripe, as create-order
     * leaves it.
     */
    public Order stripeOrder(String user, String productId, Duration age) {
        Product product = wiring.catalog().require(productId);
        Order order = Order.pending(OrderId.random(), new UserId(user), product, "stripe", Instant.now().minus(age));
        wiring.orders().create(order);
        CheckoutSession session = wiring.providers().get("stripe").createCheckout(order, product,
                "https://app.test/success", "https://app.test/cancel");
        wiring.orders().attachCheckout(order.orderId(), session.checkoutId(), session.url(), Instant.now());
        return wiring.orders().find(order.orderId()).orElseThrow();
    }

    /** A pending order of a provider that is not configured here, with a checkout id nobody can look up. */
    public Order foreignOrder(String user, String provider, Duration age) {
        Product product = wiring.catalog().require("trial");
        Order order = Order.pending(OrderId.random(), new UserId(user), product, provider, Instant.now().minus(age));
        wiring.orders().create(order);
        wiring.orders().attachCheckout(order.orderId(), id("ch_"), "https://pay.example/x", Instant.now());
        return wiring.orders().find(order.orderId()).orElseThrow();
    }

    /** A pack bought and credited through the webhook path. */
    public Order purchased(String user, String productId) {
        Order order = stripeOrder(user, productId, Duration.ZERO);
        fulfilment.handle(new PaymentEvent.CheckoutPaid("stripe", id("evt_"), "checkout.session.completed",
                order.orderId().value(), order.checkoutId(), id("pi_"), order.amount(), null, null, null, null));
        return wiring.orders().find(order.orderId()).orElseThrow();
    }

    /** A plan bought through the webhook path: the checkout names its first invoice, which grants. */
    public Order subscribed(String user, String productId) {
        Order order = stripeOrder(user, productId, Duration.ZERO);
        String invoice = id("in_");
        fulfilment.handle(new PaymentEvent.CheckoutPaid("stripe", id("evt_"), "checkout.session.completed",
                order.orderId().value(), order.checkoutId(), invoice, order.amount(), id("sub_"), id("cus_"),
                invoice, Instant.now().plus(Duration.ofDays(30))));
        return wiring.orders().find(order.orderId()).orElseThrow();
    }

    public void grant(String user, long hundredths) {
        credits.grant(new GrantCreditsCommand(new UserId(user), Credits.ofHundredths(hundredths), "test grant",
                new IdempotencyKey(id("grant-")), "tests"));
    }

    /** A grant posted at {@code clock}'s time (its entry and its changed-balance bucket). */
    public void grant(String user, long hundredths, Clock clock) {
        new CreditService(wiring.ledger(), PricingCatalog.defaults(), clock).grant(new GrantCreditsCommand(
                new UserId(user), Credits.ofHundredths(hundredths), "test grant", new IdempotencyKey(id("grant-")),
                "tests"));
    }

    public Credits balance(String user) {
        return wiring.ledger().balance(new UserId(user)).map(b -> b.credits()).orElse(Credits.ZERO);
    }

    public List<LedgerEntry> entries(String user) {
        List<LedgerEntry> all = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            var page = wiring.ledger().history(new UserId(user), Optional.empty(), 100, cursor);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        return all;
    }

    /**
     * A user with {@code count} grants of 1.00 each, seq 1..count: the first posted through the ledger, the
     * others copies of its item written in batches (their versions, ids and balances-after adjusted), and the
     * balance item set to match. Much faster than posting them one by one.
     */
    public void longHistory(String user, int count) {
        grant(user, 100);
        LedgerEntry first = entries(user).get(0);
        Map<String, AttributeValue> template = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("ENTRY#" + first.entryId()), "sk", AttributeValue.fromS("ENTRY")))
                .consistentRead(true)).item();
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> batch = new ArrayList<>();
        for (int seq = 2; seq <= count; seq++) {
            String entryId = first.entryId() + "-" + seq;
            Map<String, AttributeValue> item = new HashMap<>(template);
            String sk = String.format("%020d", seq);
            item.put("pk", AttributeValue.fromS("ENTRY#" + entryId));
            item.put("entryId", AttributeValue.fromS(entryId));
            item.put("idempotencyKey", AttributeValue.fromS("copy-" + entryId));
            item.put("seq", AttributeValue.fromN(Integer.toString(seq)));
            item.put("balanceAfter", AttributeValue.fromN(Long.toString(100L * seq)));
            item.put("gsi1sk", AttributeValue.fromS(sk));
            item.put("gsi2sk", AttributeValue.fromS(template.get("createdAt").s() + "#" + sk));
            batch.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                    .putRequest(p -> p.item(item)).build());
            if (batch.size() == 25 || seq == count) {
                var request = Map.of(table, List.copyOf(batch));
                var unprocessed = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
                while (unprocessed != null && !unprocessed.isEmpty()) {
                    var retry = unprocessed;
                    unprocessed = dynamo.batchWriteItem(b -> b.requestItems(retry)).unprocessedItems();
                }
                batch.clear();
            }
        }
        dynamo.updateItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("USER#" + user), "sk", AttributeValue.fromS("BALANCE")))
                .updateExpression("SET #b = :balance, #s = :seq")
                .expressionAttributeNames(Map.of("#b", "balance", "#s", "seq"))
                .expressionAttributeValues(Map.of(":balance", AttributeValue.fromN(Long.toString(100L * count)),
                        ":seq", AttributeValue.fromN(Integer.toString(count))))
                .conditionExpression("attribute_exists(pk)"));
    }

    /** Someone changes a balance item behind the ledger's back. */
    public void corruptBalance(String user, long addHundredths, long addSeq) {
        dynamo.updateItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("USER#" + user), "sk", AttributeValue.fromS("BALANCE")))
                .updateExpression("SET #b = #b + :add, #s = #s + :seq")
                .expressionAttributeNames(Map.of("#b", "balance", "#s", "seq"))
                .expressionAttributeValues(Map.of(":add", AttributeValue.fromN(Long.toString(addHundredths)),
                        ":seq", AttributeValue.fromN(Long.toString(addSeq))))
                .conditionExpression("attribute_exists(pk)"));
    }

    public void deleteEntry(String entryId) {
        dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("ENTRY#" + entryId),
                "sk", AttributeValue.fromS("ENTRY"))));
    }

    public void deleteOrder(Order order) {
        dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("ORDER#" + order.orderId().value()),
                "sk", AttributeValue.fromS("ORDER"))));
    }

    public Order order(Order order) {
        return wiring.orders().find(order.orderId()).orElseThrow();
    }

    public static String purchaseEntry(Order order) {
        return EntryIds.purchase(order.orderId().value());
    }

    public PaymentProvider stripeProvider() {
        return wiring.providers().get("stripe");
    }

    public int depth(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("ApproximateNumberOfMessages",
                        "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().mapToInt(Integer::parseInt).sum();
    }

    @Override
    public void close() {
        stripe.close();
    }
}
