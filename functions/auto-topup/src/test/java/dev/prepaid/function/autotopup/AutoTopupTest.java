package dev.prepaid.function.autotopup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.application.AutoTopupService;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.domain.events.AppEventPolicy;
import dev.prepaid.domain.events.AppEventType;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.domain.topup.AutoTopup;
import dev.prepaid.port.out.AppEventNotifier;
import dev.prepaid.port.out.PaymentProvider;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import dev.prepaid.testing.stripe.FakeStripe;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Auto top-up end to end on DynamoDB Local, ElasticMQ and the fake Stripe API through real stripe-java with real
 * webhook signatures: a posting crossing the user's threshold writes the credits.low outbox event in its own
 * transaction (racing deducts: one crossing), its trigger charges the saved card once however often and however
 * concurrently it is delivered, the payment's signed webhook grants the pack once through fulfilment (replayed:
 * once), a declined card is recorded, told to the app and disables auto top-up after the configured failures, the
 * cooldown and the monthly cap hold, and an opt-out stops it.
 */
class AutoTopupTest {
    private static final String WEBHOOK_SECRET = "whsec_auto_topup_test";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private final LocalEngines engines = LocalEngines.shared();
    private final DynamoDbClient dynamo = TestClients.dynamo(engines.dynamoEndpoint());
    private final SqsClient sqs = TestClients.sqs(engines.sqsEndpoint());
    private final FakeStripe stripe = new FakeStripe().price("price_trial", 790, "usd");
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final List<AppEvent> announced = Collections.synchronizedList(new ArrayList<>());
    private String table;
    private DynamoLedgerStore ledger;
    private DynamoOrderStore orders;
    private FulfilmentService fulfilment;
    private PaymentProvider provider;
    private String customer;
    private String card;

    private AutoTopupService service(int cooldownMinutes, int monthlyCap, int maxFailures) {
        Map<String, String> vars = new HashMap<>();
        vars.put("TABLE_NAME", table);
        vars.put("DYNAMODB_ENDPOINT", engines.dynamoEndpoint().toString());
        vars.put("PAYMENT_PROVIDER", "stripe");
        vars.put("PAYMENT_ENV", "test");
        vars.put("STRIPE_SECRET_KEY", "sk_test_auto_topup_0000");
        vars.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        vars.put("STRIPE_API_BASE", stripe.baseUrl());
        vars.put("STRIPE_PRICE_TRIAL", "price_trial");
        vars.put("STRIPE_PRICE_BASIC", "price_basic");
        vars.put("STRIPE_PRICE_PRO", "price_pro");
        vars.put("CALLBACK_URL", "https://api.test/api/payment/callback");
        vars.put("SUCCESS_URL", "https://app.test/success");
        vars.put("AUTO_TOPUP_COOLDOWN_MINUTES", Integer.toString(cooldownMinutes));
        vars.put("AUTO_TOPUP_MONTHLY_CAP", Integer.toString(monthlyCap));
        vars.put("AUTO_TOPUP_MAX_FAILURES", Integer.toString(maxFailures));
        Env env = new Env(vars);
        PaymentWiring wiring = new PaymentWiring(env, clock, dynamo, () -> sqs, null);
        provider = wiring.providers().get("stripe");
        fulfilment = wiring.fulfilment();
        return new AutoTopupService(new dev.prepaid.adapter.out.dynamodb.DynamoAutoTopupStore(dynamo, table), orders,
                wiring.providers(), wiring.catalog(), PaymentWiring.autoTopupPolicy(env), announced::addAll, clock);
    }

    @BeforeEach
    void wire() {
        table = TestClients.createLedgerTable(dynamo);
        orders = new DynamoOrderStore(dynamo, table);
        AppEventNotifier capture = announced::addAll;
        ledger = new DynamoLedgerStore(dynamo, table, AppEventPolicy.defaults(), capture);
        customer = "cus_" + HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6});
        card = stripe.addDefaultCard(customer);
    }

    @AfterEach
    void close() {
        stripe.close();
    }

    // --- helpers --------------------------------------------------------------------------------------

    /** A user whose Stripe customer (from a subscription checkout) has a default card, holding {@code credits}. */
    private UserId user(String name, long credits) {
        UserId user = new UserId(name + "-" + System.nanoTime());
        orders.saveSubscription(new Subscription(user, "stripe", "sub_" + user.value(), "basic", "canceled", T0, false,
                customer, T0));
        post(user, "seed", credits);
        return user;
    }

    private void post(UserId user, String key, long credits) {
        ledger.post(new Posting(user, "ENTRY#" + user.value() + "#" + key, EntryType.ADJUSTMENT, Credits.of(credits),
                BalanceRule.ALLOW_NEGATIVE, key, "fp-" + key + credits, "test " + key, null, Map.of(), now.get(),
                Optional.empty()));
    }

    private long balance(UserId user) {
        return ledger.balance(user).orElseThrow().credits().hundredths() / 100;
    }

    private List<AppEvent> events(UserId user, AppEventType type) {
        synchronized (announced) {
            return announced.stream().filter(e -> e.userId().equals(user) && e.type() == type).toList();
        }
    }

    private static String eventId(int n) {
        return String.format("evt_%032x", n);
    }

    /** The auto-topup function's handler receiving {@code {"eventId", "userId"}} as app-webhooks sends it. */
    private SQSBatchResponse deliver(AutoTopupHandler handler, UserId user, String eventId) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("m-" + System.nanoTime());
        ObjectNode body = Json.object();
        body.put("eventId", eventId);
        body.put("userId", user.value());
        message.setBody(body.toString());
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return handler.handleRequest(event, new TestContext("auto-topup"));
    }

    /** Signs and parses the fake Stripe's webhook for {@code intent} and hands it to fulfilment. */
    private FulfilmentService.Outcome webhook(ObjectNode envelope) {
        String body = StripeWebhooks.json(envelope);
        List<PaymentEvent> parsed = provider.parseWebhook(StripeWebhooks.headers(body, WEBHOOK_SECRET),
                body.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, parsed.size());
        return fulfilment.handle(parsed.get(0));
    }

    private long intentsOf(UserId user) {
        return stripe.paymentIntents().stream()
                .filter(pi -> user.value().equals(pi.path("metadata").path("userId").asText())).count();
    }

    // --- tests ----------------------------------------------------------------------------------------

    @Test
    void aCrossingChargesOnceAndTheWebhookGrantsThePackOnce() throws Exception {
        AutoTopupService service = service(60, 5, 3);
        AutoTopupHandler handler = new AutoTopupHandler(service);
        UserId user = user("alice", 55);
        service.optIn(user, "trial", new BigDecimal("20"));

        // 5 racing deducts of 10: 55 -> 5, exactly one of them crosses 20
        ExecutorService pool = Executors.newFixedThreadPool(5);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> deducts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            DynamoLedgerStore own = new DynamoLedgerStore(dynamo, table, AppEventPolicy.defaults(), announced::addAll);
            deducts.add(pool.submit(() -> {
                start.await();
                own.post(new Posting(user, "ENTRY#" + user.value() + "#use" + n, EntryType.USAGE, Credits.of(-10),
                        BalanceRule.REQUIRE_FUNDS, "use" + n, "fp-use" + n, "use", null, Map.of(), now.get(),
                        Optional.empty()));
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : deducts) {
            f.get();
        }
        assertEquals(5, balance(user));
        List<AppEvent> low = events(user, AppEventType.CREDITS_LOW);
        assertEquals(1, low.size(), "one crossing, one credits.low: " + low);
        assertEquals(0, new BigDecimal("20").compareTo((BigDecimal) low.get(0).data().get("threshold")));

        // the trigger delivered 5 times at once (redeliveries, duplicate forwards): one charge
        List<Future<SQSBatchResponse>> triggers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 5; i++) {
            triggers.add(pool.submit(() -> {
                go.await();
                return deliver(handler, user, low.get(0).id());
            }));
        }
        go.countDown();
        for (Future<SQSBatchResponse> f : triggers) {
            assertTrue(f.get().getBatchItemFailures().isEmpty());
        }
        pool.shutdown();
        assertEquals(1, intentsOf(user), "one PaymentIntent: " + stripe.paymentIntents());
        ObjectNode intent = stripe.paymentIntents().stream()
                .filter(pi -> user.value().equals(pi.path("metadata").path("userId").asText())).findFirst().orElseThrow();
        assertEquals(790, intent.get("amount").asLong());
        assertEquals(customer, intent.get("customer").asText());
        assertEquals(card, intent.get("payment_method").asText());
        assertEquals("succeeded", intent.get("status").asText());
        FakeStripe.Request create = stripe.requests("POST", "/v1/payment_intents").stream()
                .filter(r -> user.value().equals(r.param("metadata[userId]"))).findFirst().orElseThrow();
        assertEquals("true", create.param("off_session"));
        assertEquals("true", create.param("confirm"));
        String orderId = create.param("metadata[orderId]");
        assertEquals("autotopup-" + orderId, create.idempotencyKey());
        Order order = orders.find(new OrderId(orderId)).orElseThrow();
        assertEquals(intent.get("id").asText(), order.checkoutId());
        assertEquals(OrderStatus.PENDING, order.status());
        assertEquals(5, balance(user), "nothing granted before the webhook");
        AutoTopup settings = service.settings(user).orElseThrow();
        assertEquals(AutoTopup.State.IDLE, settings.state());
        assertEquals(1, settings.monthCount());

        // the signed payment_intent.succeeded, delivered twice: the pack's 100 credits once
        ObjectNode succeeded = stripe.paymentIntentEvents().stream()
                .filter(e -> e.path("data").path("object").path("id").asText().equals(intent.get("id").asText()))
                .findFirst().orElseThrow();
        assertEquals("payment_intent.succeeded", succeeded.get("type").asText());
        assertEquals(FulfilmentService.Outcome.Kind.APPLIED, webhook(succeeded).kind());
        assertEquals(FulfilmentService.Outcome.Kind.REPLAYED, webhook(succeeded).kind());
        assertEquals(105, balance(user));
        assertEquals(OrderStatus.COMPLETED, orders.find(new OrderId(orderId)).orElseThrow().status());
        // fulfilment's posting wrote order.completed and credits.granted in its outbox, like any purchase
        String completed = AppEvent.idFor(dev.prepaid.domain.EntryIds.purchase(orderId), AppEventType.ORDER_COMPLETED);
        assertEquals("order.completed", dynamo.getItem(b -> b.tableName(table).key(Map.of(
                "pk", AttributeValue.fromS("APPHOOK#EVENT#" + completed), "sk", AttributeValue.fromS("EVENT"))))
                .item().get("type").s());

        // the same trigger once more, later: nothing
        deliver(handler, user, low.get(0).id());
        assertEquals(1, intentsOf(user));
    }

    @Test
    void aWebhookBeforeTheOrderKnowsItsPaymentIsRetriedNotRefused() {
        AutoTopupService service = service(60, 5, 3);
        UserId user = user("early", 5);
        Order order = Order.pending(OrderId.random(), user, dev.prepaid.domain.payment.ProductCatalog.defaults()
                .find("trial").orElseThrow(), "stripe", T0);
        assertTrue(orders.create(order));
        ObjectNode intent = StripeWebhooks.event("payment_intent.succeeded", (ObjectNode) Json.MAPPER.valueToTree(Map.of(
                "id", "pi_early", "object", "payment_intent", "amount", 790, "amount_received", 790,
                "currency", "usd", "status", "succeeded", "customer", customer,
                "metadata", Map.of("orderId", order.orderId().value(), "userId", user.value(), "autoTopup", "true"))));
        try {
            webhook(intent);
            throw new AssertionError("expected a retry");
        } catch (dev.prepaid.domain.payment.RetryLaterException expected) {
            // the queue redelivers once the worker attached the payment
        }
        orders.attachCheckout(order.orderId(), "pi_early", null, T0);
        assertEquals(FulfilmentService.Outcome.Kind.APPLIED, webhook(intent).kind());
        assertEquals(105, balance(user));
        assertNotNull(service);
    }

    @Test
    void aDeclinedCardIsRecordedToldToTheAppAndDisablesAfterTheLimit() {
        AutoTopupService service = service(0, 10, 3);
        UserId user = user("bob", 5);
        service.optIn(user, "trial", new BigDecimal("20"));
        stripe.declineCard(card, "insufficient_funds");

        AutoTopupService.Outcome first = service.trigger(user, eventId(1));
        assertEquals(AutoTopupService.Outcome.Kind.REFUSED, first.kind(), first.detail());
        AutoTopup settings = service.settings(user).orElseThrow();
        assertEquals(1, settings.consecutiveFailures());
        assertEquals("card_declined", settings.lastFailureCode());
        assertTrue(settings.enabled());
        assertEquals(OrderStatus.FAILED, orders.find(new OrderId(first.orderId())).orElseThrow().status());
        List<AppEvent> failed = events(user, AppEventType.AUTO_TOPUP_FAILED);
        assertEquals(1, failed.size());
        assertEquals("card_declined", failed.get(0).data().get("code"));
        assertEquals("insufficient_funds", failed.get(0).data().get("declineCode"));
        // the event is an outbox item, written with the settings
        Map<String, AttributeValue> outbox = dynamo.getItem(b -> b.tableName(table).key(Map.of(
                "pk", AttributeValue.fromS("APPHOOK#EVENT#" + failed.get(0).id()),
                "sk", AttributeValue.fromS("EVENT")))).item();
        assertEquals("auto_topup.failed", outbox.get("type").s());
        // the payment_intent.payment_failed webhook only closes the (already failed) order: nothing granted
        ObjectNode failedEvent = stripe.paymentIntentEvents().get(0);
        assertEquals("payment_intent.payment_failed", failedEvent.get("type").asText());
        webhook(failedEvent);
        assertEquals(5, balance(user));

        // authentication_required counts too; the third failure disables
        stripe.declineCard(card, "authentication_required");
        assertEquals(AutoTopupService.Outcome.Kind.REFUSED, service.trigger(user, eventId(2)).kind());
        assertEquals("authentication_required", service.settings(user).orElseThrow().lastFailureCode());
        assertEquals(AutoTopupService.Outcome.Kind.REFUSED, service.trigger(user, eventId(3)).kind());
        settings = service.settings(user).orElseThrow();
        assertFalse(settings.enabled());
        assertEquals("too_many_failures", settings.disabledReason());
        assertEquals(3, events(user, AppEventType.AUTO_TOPUP_FAILED).size());
        assertEquals(1, events(user, AppEventType.AUTO_TOPUP_DISABLED).size());
        long intents = intentsOf(user);
        assertEquals(AutoTopupService.Outcome.Kind.SKIPPED, service.trigger(user, eventId(4)).kind());
        assertEquals(intents, intentsOf(user), "disabled: no charge");

        // opting in again (a new card) enables it with the failures reset
        stripe.declineCard(card, null);
        AutoTopup again = service.optIn(user, "trial", new BigDecimal("20"));
        assertTrue(again.enabled());
        assertEquals(0, again.consecutiveFailures());
        assertEquals(AutoTopupService.Outcome.Kind.CHARGED, service.trigger(user, eventId(5)).kind());
    }

    @Test
    void theCooldownAndTheMonthlyCapHold() {
        AutoTopupService service = service(60, 2, 3);
        UserId user = user("carol", 5);
        service.optIn(user, "trial", new BigDecimal("20"));
        assertEquals(AutoTopupService.Outcome.Kind.CHARGED, service.trigger(user, eventId(11)).kind());
        AutoTopupService.Outcome cooling = service.trigger(user, eventId(12));
        assertEquals(AutoTopupService.Outcome.Kind.SKIPPED, cooling.kind());
        assertTrue(cooling.detail().startsWith("cooldown"), cooling.detail());
        now.set(T0.plusSeconds(61 * 60));
        assertEquals(AutoTopupService.Outcome.Kind.CHARGED, service.trigger(user, eventId(13)).kind());
        now.set(T0.plusSeconds(3 * 61 * 60));
        AutoTopupService.Outcome capped = service.trigger(user, eventId(14));
        assertEquals(AutoTopupService.Outcome.Kind.SKIPPED, capped.kind());
        assertTrue(capped.detail().startsWith("monthly cap"), capped.detail());
        assertEquals(2, intentsOf(user));
        now.set(Instant.parse("2026-12-01T00:00:00Z")); // a new UTC month
        assertEquals(AutoTopupService.Outcome.Kind.CHARGED, service.trigger(user, eventId(15)).kind());
        assertEquals(3, intentsOf(user));
        assertEquals(1, service.settings(user).orElseThrow().monthCount());
    }

    @Test
    void optingOutStopsItAndRemovesTheThreshold() {
        AutoTopupService service = service(0, 10, 3);
        UserId user = user("dave", 50);
        service.optIn(user, "trial", new BigDecimal("30"));
        assertEquals(Credits.of(30), ledger.balance(user).orElseThrow().lowThreshold());
        assertTrue(service.optOut(user));
        assertFalse(service.optOut(user));
        assertTrue(ledger.balance(user).orElseThrow().lowThreshold() == null);
        assertEquals(AutoTopupService.Outcome.Kind.SKIPPED, service.trigger(user, eventId(21)).kind());
        assertEquals(0, intentsOf(user));
        // and a deduct below 30 now crosses only the stack's default (10), not 30
        post(user, "use", -25);
        assertTrue(events(user, AppEventType.CREDITS_LOW).isEmpty());
    }

    @Test
    void anOptInNeedsAOneTimePackAPositiveThresholdAndASavedCard() {
        AutoTopupService service = service(0, 10, 3);
        UserId user = user("erin", 50);
        assertCode("invalid_product", () -> service.optIn(user, "basic", new BigDecimal("10")));
        assertCode("invalid_product", () -> service.optIn(user, "nope", new BigDecimal("10")));
        assertCode("invalid_threshold", () -> service.optIn(user, "trial", new BigDecimal("0")));
        assertCode("invalid_threshold", () -> service.optIn(user, "trial", new BigDecimal("-5")));
        assertCode("invalid_threshold", () -> service.optIn(user, "trial", new BigDecimal("1.234")));
        UserId noCustomer = new UserId("frank-" + System.nanoTime());
        assertCode("no_saved_card", () -> service.optIn(noCustomer, "trial", new BigDecimal("10")));
        stripe.setDefaultPaymentMethod(customer, null);
        assertCode("no_saved_card", () -> service.optIn(user, "trial", new BigDecimal("10")));
        assertTrue(service.settings(user).isEmpty(), "nothing written");
    }

    @Test
    void aChangedThresholdReachesAWarmLedgerThatCachedTheOldOne() {
        AutoTopupService service = service(0, 10, 3);
        UserId user = user("gina", 100);
        post(user, "warm", -1); // the ledger's cache now holds the balance without a threshold
        service.optIn(user, "trial", new BigDecimal("50"));
        post(user, "cross", -60); // 99 -> 39: crosses 50 (the default 10 would not be crossed)
        List<AppEvent> low = events(user, AppEventType.CREDITS_LOW);
        assertEquals(1, low.size(), "the threshold written by the opt-in applied: " + low);
    }

    private static void assertCode(String code, Runnable call) {
        try {
            call.run();
            throw new AssertionError("expected " + code);
        } catch (dev.prepaid.domain.DomainException e) {
            assertEquals(code, e.code(), e.getMessage());
        }
    }

    @SuppressWarnings("unused")
    private static JsonNode json(String body) throws Exception {
        return Json.MAPPER.readTree(body);
    }
}
