package dev.prepaid.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.adapter.out.provider.mock.MockCheckout;
import dev.prepaid.application.CreditService;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.function.deduct.DeductCreditsHandler;
import dev.prepaid.function.fulfilment.FulfilmentHandler;
import dev.prepaid.function.order.CreateOrderHandler;
import dev.prepaid.function.order.PaymentConfig;
import dev.prepaid.function.webhook.WebhookHandler;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.system.ReliabilityAccess;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Fault injection. The functions are built with their dependency-taking constructors on DynamoDB and SQS
 * clients that carry a {@link FaultInjector}. For each operation (deduct, refund, grant, a webhook's
 * acknowledgement, the fulfilment of a purchase, a renewal, a claw-back, create-order) a clean run first
 * counts its DynamoDB and SQS calls; then, for every call position and every kind of fault (throttled,
 * connection reset before sending, response lost after the call executed), a fresh user or order runs the
 * operation with that one call failing. Then the world carries on as it would: the app retries with the
 * same idempotency key, the provider re-delivers the same webhook until it gets a 2xx, the queue redelivers,
 * reconciliation runs. After that nothing may be lost and nothing doubled: the balance is the expected one
 * and the sum of the ledger, the ledger holds exactly the expected entries, and reconciliation finds no
 * drift, no missing entry, no orphan and an empty DLQ.
 */
@ExtendWith(SuiteLogs.class)
class FaultInjectionTest {
    private static final String SERVICE_SUBJECT = "app-backend";

    private static ReliabilityAccess system;
    private static Faulty faulty;
    private static Http http;
    private static Consumer cleanConsumer;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** The functions under test, wired on clients that fail on request. */
    static final class Faulty {
        final FaultInjector injector = new FaultInjector();
        final DynamoDbClient dynamo;
        final SqsClient sqs;
        final DeductCreditsHandler deduct;
        final WebhookHandler webhook;
        final FulfilmentHandler fulfilment;
        final CreateOrderHandler orders;
        final Consumer consumer;
        final ReconciliationService reconciliation;

        Faulty(ReliabilityAccess system) {
            URI dynamoEndpoint = URI.create(system.env().required("DYNAMODB_ENDPOINT"));
            URI sqsEndpoint = URI.create(system.env().required("SQS_ENDPOINT"));
            dynamo = TestClients.dynamo(dynamoEndpoint, injector);
            sqs = TestClients.sqs(sqsEndpoint, injector);
            // The mock provider stands for the provider's own systems: its store is not ours to break.
            PaymentWiring wiring = new PaymentWiring(system.env(), Clock.systemUTC(), dynamo, () -> sqs,
                    Map.of("mock", system.mock()));
            deduct = new DeductCreditsHandler(new dev.prepaid.wiring.DeductCreditsWiring.Services(
                    new CreditService(new DynamoLedgerStore(dynamo, system.table()), PricingCatalog.defaults(),
                            Clock.systemUTC()), dev.prepaid.wiring.DeductCreditsWiring.DEFAULT_MAX_GRANT, () -> { }));
            webhook = new WebhookHandler(wiring.webhookIntake(), "mock", System.out::println);
            fulfilment = new FulfilmentHandler(wiring.fulfilment(), dev.prepaid.adapter.out.metrics.MetricsPublisher.fromEnvironment(dev.prepaid.adapter.config.Env.system()));
            orders = new CreateOrderHandler(wiring.orderService(), wiring.subscriptionService(), wiring.returnUrlOrigins(),
                    new PaymentConfig(wiring.activeProvider().name(), List.copyOf(wiring.providers().keySet()), null), null);
            // The event source mapping is Lambda's, not ours: it receives and deletes with a clean client.
            // A failed message comes back at once: nothing here waits for a precondition, and the sweep is long.
            consumer = new Consumer(system.sqs(), system.queueUrl(), fulfilment, 0);
            reconciliation = Reconciler.build(system, dynamo, sqs, Map.of("mock", system.mock()));
        }
    }

    /** One run of an operation: made fresh, acted with the injector armed, then recovered and checked. */
    interface Case {
        /** The operation itself, as the first attempt; returns what its caller saw. */
        String act();

        /** What the world does next: the client's or provider's retries until an answer sticks. */
        void recover();

        /** The expected end state, once the queue is drained and reconciliation ran. */
        void verify(String context, Violations violations);
    }

    /** A fresh user and one provider event whose fulfilment must land exactly once: what it writes and leaves. */
    record PaidEvent(String user, MockEvents.Event event, List<String> expectedKeys, long balance) {
    }

    /**
     * {@code purchase}: a trial pack's checkout.completed; {@code renewal}: a plan's second invoice; {@code clawback}:
     * a half refund of a bought pack. Everything before the event is already fulfilled.
     */
    private PaidEvent paidEvent(String kind, String tag) {
        String user = fresh(tag + "-" + kind);
        List<String> expected = new ArrayList<>();
        switch (kind) {
            case "purchase" -> {
                MockCheckout checkout = order(user, "trial");
                expected.add(MockEvents.purchaseKey(checkout));
                return new PaidEvent(user, MockEvents.checkoutCompleted(checkout), expected, 10_000);
            }
            case "renewal" -> {
                MockCheckout checkout = subscribed(user);
                expected.add(MockEvents.grantKey(checkout, 1));
                expected.add(MockEvents.grantKey(checkout, 2));
                return new PaidEvent(user, MockEvents.invoicePaid(checkout, 2), expected, 60_000);
            }
            case "clawback" -> {
                MockCheckout checkout = bought(user);
                String refundId = "mock_re_" + tag + "_" + SEQUENCE.incrementAndGet();
                MockEvents.Event event = MockEvents.refundCreated(refundId, checkout.paymentRef(), 395, "usd", user);
                expected.add(MockEvents.purchaseKey(checkout));
                expected.add(event.ledgerKey());
                return new PaidEvent(user, event, expected, 5_000);
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    record Scenario(String name, Supplier<Case> setup) {
    }

    @BeforeAll
    static void start() {
        system = new ReliabilityAccess("mock");
        faulty = new Faulty(system);
        http = new Http(system.baseUrl());
        cleanConsumer = new Consumer(system.sqs(), system.queueUrl(), FulfilmentHandler.fromEnv(system.env()));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void everyFaultAtEveryCallOfEveryOperationLosesNothingAndDoublesNothing() {
        List<Scenario> scenarios = List.of(
                new Scenario("deduct", FaultInjectionTest::deductCase),
                new Scenario("refund", FaultInjectionTest::refundCase),
                new Scenario("grant", FaultInjectionTest::grantCase),
                new Scenario("webhookAck", FaultInjectionTest::webhookAckCase),
                new Scenario("purchaseFulfilment", FaultInjectionTest::fulfilmentCase),
                new Scenario("renewal", FaultInjectionTest::renewalCase),
                new Scenario("clawback", FaultInjectionTest::clawbackCase),
                new Scenario("createOrder", FaultInjectionTest::createOrderCase));
        Violations violations = new Violations();
        ObjectNode figures = Figures.object();
        ObjectNode perOperation = figures.putObject("operations");
        Map<String, Integer> firstAnswers = new TreeMap<>();
        int runs = 0;
        int healed = 0;
        long started = System.nanoTime();
        for (Scenario scenario : scenarios) {
            // A clean run counts the calls: the positions to sweep.
            Case clean = scenario.setup().get();
            faulty.injector.count();
            clean.act();
            faulty.injector.disarm();
            int positions = faulty.injector.calls();
            List<String> calls = faulty.injector.seen();
            healed += finish(clean, scenario.name() + " (no fault)", violations);
            runs++;
            violations.check(positions > 0, scenario.name() + ": the operation made no DynamoDB or SQS call");
            ObjectNode node = perOperation.putObject(scenario.name());
            node.put("positions", positions);
            node.putPOJO("calls", calls);
            int injected = 0;
            for (int position = 1; position <= positions; position++) {
                for (FaultInjector.Kind kind : FaultInjector.Kind.values()) {
                    String context = scenario.name() + " with " + kind + " at call " + position + " (" + calls.get(position - 1) + ")";
                    Case run = scenario.setup().get();
                    faulty.injector.arm(position, kind);
                    String answer;
                    try {
                        answer = run.act();
                    } finally {
                        faulty.injector.disarm();
                    }
                    if (faulty.injector.injectedAt() == null) {
                        violations.add(context + ": the fault was never reached (the operation made fewer calls)");
                    } else {
                        injected++;
                    }
                    firstAnswers.merge(scenario.name() + " " + answer, 1, Integer::sum);
                    healed += finish(run, context, violations);
                    runs++;
                }
            }
            node.put("faultsInjected", injected);
        }
        figures.put("runs", runs);
        figures.put("faultsInjected", faulty.injector.injected());
        figures.putPOJO("faultKinds", List.of(FaultInjector.Kind.values()));
        figures.put("ordersHealedByReconciliation", healed);
        ObjectNode answers = figures.putObject("firstAnswers");
        firstAnswers.forEach(answers::put);
        figures.put("seconds", (System.nanoTime() - started) / 1_000_000_000L);
        figures.put("violations", violations.count());
        figures.putPOJO("firstViolations", violations.first());
        Figures.publish("faults", figures);
        assertEquals(0, violations.count(), violations.summary());
        assertTrue(faulty.injector.injected() >= 3 * scenarios.size(), "faults were injected: " + faulty.injector.injected());
    }

    /**
     * A fulfilment that dies after its ledger write and before the SQS delete: the message comes back and
     * replays, for a purchase, a renewal and a claw-back.
     */
    @Test
    void aFulfilmentThatCrashesBeforeTheDeleteReplaysWhenTheMessageComesBack() throws Exception {
        Violations violations = new Violations();
        int crashes = 0;
        int redeliveries = 0;
        for (String kind : List.of("purchase", "renewal", "clawback")) {
            PaidEvent paid = paidEvent(kind, "crash");
            String user = paid.user();
            MockEvents.Event event = paid.event();
            List<String> expected = paid.expectedKeys();
            long balance = paid.balance();
            deliverClean(event);
            // Lambda hands the batch to the function, which writes the ledger and then dies: no delete.
            List<Message> received = List.of();
            for (int i = 0; i < 20 && received.isEmpty(); i++) {
                received = system.sqs().receiveMessage(b -> b.queueUrl(system.queueUrl()).maxNumberOfMessages(10)
                        .waitTimeSeconds(1).messageSystemAttributeNames(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.ALL))
                        .messages();
            }
            violations.check(received.size() == 1, kind + ": expected one message, got " + received.size());
            SQSBatchResponse crashed = faulty.fulfilment.handleRequest(QueuePoller.toEvent(received), new TestContext("fulfilment"));
            violations.check(crashed.getBatchItemFailures().isEmpty(), kind + ": the first handling failed");
            crashes++;
            Ledger.checkInvariants(user, Ledger.balance(http, user), Ledger.read(http, user), violations);
            // The message becomes visible again (the queue's 1 s timeout here) and is handled again.
            Set<String> messageIds = Set.of(received.get(0).messageId());
            AtomicInteger again = new AtomicInteger();
            Consumer counting = new Consumer(system.sqs(), system.queueUrl(), (sqsEvent, context) -> {
                sqsEvent.getRecords().stream().filter(r -> messageIds.contains(r.getMessageId())).forEach(r -> again.incrementAndGet());
                return faulty.fulfilment.handleRequest(sqsEvent, context);
            });
            settle(counting, kind, violations);
            violations.check(again.get() >= 1, kind + ": the message never came back");
            redeliveries += again.get();
            verifyLedger(kind + " crash", user, balance, expected, violations);
        }
        ReconciliationReport report = faulty.reconciliation.run();
        Reconciler.check("after the crashes", report, violations);
        ObjectNode figures = Figures.object();
        figures.put("crashes", crashes);
        figures.put("redeliveries", redeliveries);
        figures.put("violations", violations.count());
        figures.putPOJO("firstViolations", violations.first());
        Figures.publish("crashedFulfilment", figures);
        assertEquals(0, violations.count(), violations.summary());
    }

    /**
     * A webhook function that dies between its claim and its enqueue (a timeout, a lost execution
     * environment): no release, no answer, the 60-second lease left behind. The provider's retry inside
     * the lease must not be acknowledged (409 {@code event_in_flight} with Retry-After, nothing queued),
     * or the provider stops retrying an event that was never queued; the retry after the lease takes the
     * claim over, queues the event, and it is fulfilled exactly once. For a purchase (which reconciliation
     * could heal, so it is checked before reconciliation runs), a renewal and a claw-back (which it could not).
     */
    @Test
    void aWebhookThatDiesAfterItsClaimIsRetriedNotSwallowed() {
        Violations violations = new Violations();
        // The same function, later: its clock past the dead delivery's lease (the lease is 60 s).
        PaymentWiring later = new PaymentWiring(system.env(), Clock.offset(Clock.systemUTC(), Duration.ofSeconds(61)),
                faulty.dynamo, () -> faulty.sqs, Map.of("mock", system.mock()));
        WebhookHandler laterWebhook = new WebhookHandler(later.webhookIntake(), "mock", System.out::println);
        ObjectNode figures = Figures.object();
        ObjectNode answers = figures.putObject("answers");
        int crashes = 0;
        for (String kind : List.of("purchase", "renewal", "clawback")) {
            PaidEvent paid = paidEvent(kind, "inflight");
            String user = paid.user();
            MockEvents.Event event = paid.event();
            List<String> expected = paid.expectedKeys();
            long balance = paid.balance();
            String context = "in-flight " + kind;

            faulty.injector.crashAt("Sqs.SendMessage");
            boolean died = false;
            try {
                deliver(faulty.webhook, event);
            } catch (FaultInjector.ProcessDied e) {
                died = true;
            } finally {
                faulty.injector.disarm();
            }
            violations.check(died, context + ": the first delivery did not reach its enqueue");
            crashes += died ? 1 : 0;
            violations.check(system.queueDepth() == 0, context + ": the dead delivery queued something");

            // The provider retries at once (its request timed out): the lease is held, nothing was queued.
            APIGatewayV2HTTPResponse inside = deliver(faulty.webhook, event);
            answers.put(kind + " retry inside the lease", inside.getStatusCode());
            JsonNode error = json(inside.getBody());
            violations.check(inside.getStatusCode() == 409 && "event_in_flight".equals(error.path("error").asText()),
                    context + ": the retry inside the lease answered " + inside.getStatusCode() + " " + inside.getBody());
            String retryAfter = inside.getHeaders() == null ? null : inside.getHeaders().get("retry-after");
            violations.check(retryAfter != null && Long.parseLong(retryAfter) >= 1 && Long.parseLong(retryAfter) <= 61,
                    context + ": Retry-After " + retryAfter);
            violations.check(system.queueDepth() == 0, context + ": the retry inside the lease queued something");

            // The provider retries after the lease: the claim is taken over and the event queued, once.
            APIGatewayV2HTTPResponse after = deliver(laterWebhook, event);
            answers.put(kind + " retry after the lease", after.getStatusCode());
            JsonNode accepted = json(after.getBody());
            violations.check(after.getStatusCode() == 200 && accepted.path("queued").asInt() == 1
                            && !accepted.path("duplicate").asBoolean(),
                    context + ": the retry after the lease answered " + after.getStatusCode() + " " + after.getBody());
            APIGatewayV2HTTPResponse again = deliver(laterWebhook, event);
            violations.check(again.getStatusCode() == 200 && json(again.getBody()).path("duplicate").asBoolean(),
                    context + ": a further delivery answered " + again.getStatusCode() + " " + again.getBody());

            settle(faulty.consumer, context, violations);
            // Before reconciliation: the fast path alone delivered it, exactly once.
            verifyLedger(context, user, balance, expected, violations);
            ReconciliationReport report = faulty.reconciliation.run();
            Reconciler.check(context, report, violations);
            violations.check(report.pending().healed() == 0, context + ": reconciliation had to heal an order");
            verifyLedger(context + " after reconciliation", user, balance, expected, violations);
        }
        figures.put("crashes", crashes);
        figures.put("violations", violations.count());
        figures.putPOJO("firstViolations", violations.first());
        Figures.publish("inFlightWebhook", figures);
        assertEquals(0, violations.count(), violations.summary());
    }

    private static APIGatewayV2HTTPResponse deliver(WebhookHandler handler, MockEvents.Event event) {
        Events.Builder request = Events.request("POST", "/api/payment/webhook/mock")
                .body(new String(event.body(), StandardCharsets.UTF_8));
        event.headers(ReliabilityAccess.MOCK_WEBHOOK_SECRET).forEach(request::header);
        return handler.handleRequest(request.build(), new TestContext("webhook"));
    }

    // --- the scenarios ---------------------------------------------------------------------------------

    private static Case deductCase() {
        String user = fresh("deduct");
        grantClean(user, "100");
        String key = "fault-deduct-" + SEQUENCE.incrementAndGet();
        String body = "{\"userId\": \"" + user + "\", \"amount\": 10, \"idempotencyKey\": \"" + key + "\"}";
        return new ClientCase(() -> serviceCall(faulty.deduct, "/api/credits/deduct", body)) {
            @Override
            public void verify(String context, Violations v) {
                v.check(last.getStatusCode() == 200, context + ": the retried deduct answered " + last.getStatusCode() + " " + last.getBody());
                verifyLedger(context, user, 9_000, List.of("adjustment#setup-" + user, "usage#" + key), v);
            }
        };
    }

    private static Case refundCase() {
        String user = fresh("refund");
        grantClean(user, "100");
        String deductionId = deductClean(user, "30");
        String key = "fault-refund-" + SEQUENCE.incrementAndGet();
        String body = "{\"deductionId\": \"" + deductionId + "\", \"reason\": \"render failed\", \"amount\": 10, \"idempotencyKey\": \"" + key + "\"}";
        return new ClientCase(() -> serviceCall(faulty.deduct, "/api/credits/refund", body)) {
            @Override
            public void verify(String context, Violations v) {
                v.check(last.getStatusCode() == 200, context + ": the retried refund answered " + last.getStatusCode() + " " + last.getBody());
                verifyLedger(context, user, 8_000, List.of("adjustment#setup-" + user, deductionId,
                        "usage_refund#" + deductionId + "#" + key), v);
            }
        };
    }

    private static Case grantCase() {
        String user = fresh("grant");
        String key = "fault-grant-" + SEQUENCE.incrementAndGet();
        String body = "{\"userId\": \"" + user + "\", \"amount\": 50, \"reason\": \"goodwill\", \"idempotencyKey\": \"" + key + "\"}";
        return new ClientCase(() -> serviceCall(faulty.deduct, "/api/credits/grant", body)) {
            @Override
            public void verify(String context, Violations v) {
                v.check(last.getStatusCode() == 200, context + ": the retried grant answered " + last.getStatusCode() + " " + last.getBody());
                verifyLedger(context, user, 5_000, List.of("adjustment#" + key), v);
            }
        };
    }

    /** The webhook function alone: the provider's delivery of checkout.completed for a paid pack. */
    private static Case webhookAckCase() {
        String user = fresh("ack");
        MockCheckout checkout = order(user, "trial");
        MockEvents.Event event = MockEvents.checkoutCompleted(checkout);
        return new ProviderCase(event, false) {
            @Override
            public void verify(String context, Violations v) {
                verifyLedger(context, user, 10_000, List.of(MockEvents.purchaseKey(checkout)), v);
                verifyOrderCompleted(context, user, checkout.orderId(), v);
            }
        };
    }

    /** The fulfilment function alone: the purchase event is already on the queue. */
    private static Case fulfilmentCase() {
        String user = fresh("fulfil");
        MockCheckout checkout = order(user, "trial");
        deliverClean(MockEvents.checkoutCompleted(checkout));
        return new Case() {
            @Override
            public String act() {
                int received = 0;
                for (int i = 0; i < 5 && received == 0; i++) {
                    received = faulty.consumer.pollOnce(10, 1);
                }
                return received == 1 ? "handled" : "received " + received;
            }

            @Override
            public void recover() {
                // the queue redelivers by itself
            }

            @Override
            public void verify(String context, Violations v) {
                verifyLedger(context, user, 10_000, List.of(MockEvents.purchaseKey(checkout)), v);
                verifyOrderCompleted(context, user, checkout.orderId(), v);
            }
        };
    }

    /** invoice.paid for period 2 through the webhook and the fulfilment functions. */
    private static Case renewalCase() {
        String user = fresh("renew");
        MockCheckout checkout = subscribed(user);
        MockEvents.Event event = MockEvents.invoicePaid(checkout, 2);
        return new ProviderCase(event, true) {
            @Override
            public void verify(String context, Violations v) {
                verifyLedger(context, user, 60_000, List.of(MockEvents.grantKey(checkout, 1), MockEvents.grantKey(checkout, 2)), v);
            }
        };
    }

    /** refund.created for half of a pack's payment through the webhook and the fulfilment functions. */
    private static Case clawbackCase() {
        String user = fresh("claw");
        MockCheckout checkout = bought(user);
        String refundId = "mock_re_fault_" + SEQUENCE.incrementAndGet();
        MockEvents.Event event = MockEvents.refundCreated(refundId, checkout.paymentRef(), 395, "usd", user);
        return new ProviderCase(event, true) {
            @Override
            public void verify(String context, Violations v) {
                verifyLedger(context, user, 5_000, List.of(MockEvents.purchaseKey(checkout), event.ledgerKey()), v);
            }
        };
    }

    /** create-order with an Idempotency-Key; then the customer pays the checkout it was given. */
    private static Case createOrderCase() {
        String user = fresh("order");
        String key = "fault-order-" + SEQUENCE.incrementAndGet();
        return new ClientCase(() -> faulty.orders.handleRequest(Events.request("POST", "/api/payment/create-order")
                .user(user).header("idempotency-key", key).body("{\"productId\": \"trial\"}").build(), new TestContext("create-order"))) {
            @Override
            public void recover() {
                super.recover();
                if (last.getStatusCode() == 201) {
                    JsonNode order = json(last.getBody());
                    MockCheckout checkout = MockEvents.pay(system.mock(), order.get("checkoutId").asText());
                    deliverClean(MockEvents.checkoutCompleted(checkout));
                }
            }

            @Override
            public void verify(String context, Violations v) {
                v.check(last.getStatusCode() == 201, context + ": the retried create-order answered " + last.getStatusCode() + " " + last.getBody());
                String orderId = OrderId.forKey(new UserId(user), key).value();
                v.check(last.getStatusCode() != 201 || orderId.equals(json(last.getBody()).path("orderId").asText()),
                        context + ": the retry answered another order " + last.getBody());
                verifyLedger(context, user, 10_000, List.of("purchase#" + orderId), v);
                verifyOrderCompleted(context, user, orderId, v);
                long orders = system.dynamo().scanPaginator(b -> b.tableName(system.table()).consistentRead(true)
                        .filterExpression("begins_with(pk, :p) AND userId = :u")
                        .expressionAttributeValues(Map.of(":p", s("ORDER#"), ":u", s(user)))).items().stream().count();
                v.check(orders == 1, context + ": the user has " + orders + " orders, not 1");
            }
        };
    }

    // --- how the world retries -------------------------------------------------------------------------

    /** The app (or the browser) calls; on a 5xx it calls again with the same request and key. */
    abstract static class ClientCase implements Case {
        private final Supplier<APIGatewayV2HTTPResponse> call;
        APIGatewayV2HTTPResponse last;

        ClientCase(Supplier<APIGatewayV2HTTPResponse> call) {
            this.call = call;
        }

        @Override
        public String act() {
            last = call.get();
            return Integer.toString(last.getStatusCode());
        }

        @Override
        public void recover() {
            for (int attempt = 0; attempt < 10 && last.getStatusCode() >= 500; attempt++) {
                last = call.get();
            }
        }
    }

    /** The provider delivers an event; until it gets a 2xx it delivers the same event again. */
    abstract static class ProviderCase implements Case {
        private final MockEvents.Event event;
        private final boolean consume;
        APIGatewayV2HTTPResponse last;

        ProviderCase(MockEvents.Event event, boolean consume) {
            this.event = event;
            this.consume = consume;
        }

        private APIGatewayV2HTTPResponse deliver() {
            Events.Builder request = Events.request("POST", "/api/payment/webhook/mock")
                    .body(new String(event.body(), StandardCharsets.UTF_8));
            event.headers(ReliabilityAccess.MOCK_WEBHOOK_SECRET).forEach(request::header);
            return faulty.webhook.handleRequest(request.build(), new TestContext("webhook"));
        }

        @Override
        public String act() {
            last = deliver();
            if (consume && last.getStatusCode() == 200) {
                int received = 0;
                for (int i = 0; i < 3 && received == 0; i++) {
                    received = faulty.consumer.pollOnce(10, 1);
                }
            }
            return Integer.toString(last.getStatusCode());
        }

        @Override
        public void recover() {
            for (int attempt = 0; attempt < 10 && (last.getStatusCode() < 200 || last.getStatusCode() > 299); attempt++) {
                last = deliver();
            }
        }
    }

    /** Recovery, the queue drained, reconciliation, then the case's own checks; returns orders healed. */
    private static int finish(Case run, String context, Violations violations) {
        run.recover();
        settle(faulty.consumer, context, violations);
        ReconciliationReport report = faulty.reconciliation.run();
        Reconciler.check(context, report, violations);
        // What reconciliation healed was in the ledger only after it ran: the fast path lost it.
        run.verify(context, violations);
        return report.pending().healed();
    }

    /** Handles the queue until nothing is left in it, visible or in flight; nothing may reach the DLQ. */
    private static void settle(Consumer consumer, String context, Violations violations) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (consumer.pollOnce(10, 0) == 0) {
                if (system.queueDepth() == 0) {
                    break;
                }
                sleep(100);
            }
        }
        violations.check(system.queueDepth() == 0, context + ": the queue did not drain");
        int dead = Integer.parseInt(system.sqs().getQueueAttributes(b -> b.queueUrl(system.dlqUrl())
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
        violations.check(dead == 0, context + ": " + dead + " message(s) in the DLQ");
    }

    // --- the expected end state ------------------------------------------------------------------------

    private static void verifyLedger(String context, String user, long balance, List<String> entryIds, Violations v) {
        long actual = Ledger.balance(http, user);
        List<Ledger.Entry> entries = Ledger.read(http, user);
        Ledger.checkInvariants(context + " " + user, actual, entries, v);
        v.check(actual == balance, context + ": balance " + Ledger.credits(actual) + ", expected " + Ledger.credits(balance));
        List<String> ids = entries.stream().map(Ledger.Entry::entryId).sorted().toList();
        v.check(ids.equals(entryIds.stream().sorted().toList()), context + ": entries " + ids + ", expected " + entryIds);
    }

    private static void verifyOrderCompleted(String context, String user, String orderId, Violations v) {
        Http.Reply reply = http.get("/api/payment/orders/" + orderId, "user:" + user);
        v.check(reply.status() == 200 && "completed".equals(reply.json().path("status").asText()),
                context + ": order " + orderId + " is " + reply.status() + " " + reply.body());
    }

    // --- set-up through the clean system ---------------------------------------------------------------

    private static String fresh(String what) {
        return what + "-" + SEQUENCE.incrementAndGet() + "-" + Reliability.seed();
    }

    private static void grantClean(String user, String amount) {
        Http.Reply reply = http.json("POST", "/api/credits/grant", "service:" + SERVICE_SUBJECT, "{\"userId\": \"" + user
                + "\", \"amount\": " + amount + ", \"reason\": \"setup\", \"idempotencyKey\": \"setup-" + user + "\"}");
        if (reply.status() != 200) {
            throw new IllegalStateException("setup grant: " + reply.status() + " " + reply.body());
        }
    }

    private static String deductClean(String user, String amount) {
        Http.Reply reply = http.json("POST", "/api/credits/deduct", "service:" + SERVICE_SUBJECT, "{\"userId\": \"" + user
                + "\", \"amount\": " + amount + ", \"idempotencyKey\": \"setup-deduct-" + user + "\"}");
        if (reply.status() != 200) {
            throw new IllegalStateException("setup deduct: " + reply.status() + " " + reply.body());
        }
        return reply.json().get("deductionId").asText();
    }

    /** An order (through the clean system) whose checkout the customer has paid; no webhook yet. */
    private static MockCheckout order(String user, String product) {
        Http.Reply created = http.json("POST", "/api/payment/create-order", "user:" + user,
                "{\"productId\": \"" + product + "\"}");
        if (created.status() != 201) {
            throw new IllegalStateException("setup order: " + created.status() + " " + created.body());
        }
        return MockEvents.pay(system.mock(), created.json().get("checkoutId").asText());
    }

    /** A pack bought and credited (100 credits). */
    private static MockCheckout bought(String user) {
        MockCheckout checkout = order(user, "trial");
        deliverClean(MockEvents.checkoutCompleted(checkout));
        drainClean();
        return checkout;
    }

    /** A basic subscription bought and its first period credited (300 credits). */
    private static MockCheckout subscribed(String user) {
        MockCheckout checkout = order(user, "basic");
        deliverClean(MockEvents.checkoutCompleted(checkout));
        deliverClean(MockEvents.invoicePaid(checkout, 1));
        drainClean();
        return checkout;
    }

    private static void deliverClean(MockEvents.Event event) {
        List<Http.Header> headers = new ArrayList<>();
        event.headers(ReliabilityAccess.MOCK_WEBHOOK_SECRET).forEach((k, v) -> headers.add(new Http.Header(k, v)));
        Http.Reply reply = http.send("POST", "/api/payment/webhook/mock", event.body(), headers);
        if (reply.status() != 200) {
            throw new IllegalStateException("setup webhook: " + reply.status() + " " + reply.body());
        }
    }

    private static void drainClean() {
        Violations ignored = new Violations();
        settle(cleanConsumer, "setup", ignored);
        if (ignored.count() > 0) {
            throw new IllegalStateException(ignored.summary());
        }
    }

    private static APIGatewayV2HTTPResponse serviceCall(ApiGatewayHandler handler, String path, String body) {
        APIGatewayV2HTTPEvent event = Events.request("POST", path).service(SERVICE_SUBJECT, "credits/write credits/grant").body(body).build();
        return handler.handleRequest(event, new TestContext("deduct-credits"));
    }

    private static JsonNode json(String body) {
        try {
            return Http.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(body, e);
        }
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue s(String value) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(value);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
