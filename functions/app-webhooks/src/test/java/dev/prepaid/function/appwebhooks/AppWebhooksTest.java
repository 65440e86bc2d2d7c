package dev.prepaid.function.appwebhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import dev.prepaid.adapter.out.webhooks.AppEventSweeper;
import dev.prepaid.adapter.out.webhooks.SigningSecrets;
import dev.prepaid.application.CreditService;
import dev.prepaid.domain.BalanceRule;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryIds;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingEffect;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.domain.events.AppEventPolicy;
import dev.prepaid.domain.events.AppEventType;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.DeductCreditsCommand;
import dev.prepaid.port.in.GrantCreditsCommand;
import dev.prepaid.port.out.AppEventNotifier;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.MutableClock;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.TestClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The outgoing webhooks end to end on the real engines: postings through the real ledger store on DynamoDB Local
 * (outbox items in the posting's transaction), the app-events queue on ElasticMQ with a redrive policy, the
 * app-webhooks handler behind {@link QueuePoller} (what Lambda's event source mapping does), and a real HTTP
 * receiver on loopback that checks nothing itself: the test verifies what it received.
 */
class AppWebhooksTest {
    private static final int MAX_RECEIVES = 3;

    private final DynamoDbClient dynamo = TestClients.dynamo(LocalEngines.shared().dynamoEndpoint());
    private final SqsClient sqs = TestClients.sqs(LocalEngines.shared().sqsEndpoint());
    private final String table = TestClients.createLedgerTable(dynamo);
    private final String[] queue = createQueues();
    private final SqsAppEventQueue appQueue = new SqsAppEventQueue(() -> sqs, queue[0]);
    private final DynamoAppWebhookStore store = new DynamoAppWebhookStore(dynamo, table);
    private final MutableClock clock = new MutableClock(Instant.now());
    private final AppWebhookDelivery delivery = new AppWebhookDelivery(store, clock, true);
    private final AppEventSweeper sweeper = new AppEventSweeper(store, appQueue, clock);
    /** Failures come back at once: the schedule itself is RetryScheduleTest's. */
    private final AppWebhooksHandler handler = new AppWebhooksHandler(delivery, sqs, queue[0], n -> Duration.ZERO);
    private final QueuePoller poller = new QueuePoller(sqs, queue[0], handler, "app-webhooks");
    private final Receiver receiver = new Receiver();
    private final DynamoLedgerStore ledger = new DynamoLedgerStore(dynamo, table,
            new AppEventPolicy(Credits.of(10)), appQueue);
    private final CreditService credits = new CreditService(ledger, PricingCatalog.defaults(), Clock.systemUTC());

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void aGrantDeliversExactlyOneSignedCreditsGranted() {
        String secret = endpoint(receiver.url("/hooks"), "credits.granted", "credits.low");
        String user = newUser();
        grant(user, 50, "welcome-" + user);
        grant(user, 50, "welcome-" + user); // the app's retry: replayed, no second event
        drain();

        assertEquals(1, receiver.requests.size(), "one delivery: " + receiver.requests);
        Request request = receiver.requests.peek();
        String expectedId = AppEvent.idFor(EntryIds.adjustment(new IdempotencyKey("welcome-" + user)),
                AppEventType.CREDITS_GRANTED);
        JsonNode body = request.json();
        assertEquals(expectedId, body.get("id").asText());
        assertEquals("credits.granted", body.get("type").asText());
        assertEquals(user, body.get("data").get("userId").asText());
        assertEquals(0, body.get("data").get("amount").decimalValue().compareTo(new java.math.BigDecimal("50")));
        assertEquals(0, body.get("data").get("balance").decimalValue().compareTo(new java.math.BigDecimal("50")));
        assertTrue(body.get("created").isIntegralNumber());
        assertEquals(expectedId, request.header("Prepaid-Event-Id"));
        String signature = request.header("Prepaid-Signature");
        assertTrue(signature.matches("t=\\d+,v1=[0-9a-f]{64}"), signature);
        long now = Instant.now().getEpochSecond();
        assertTrue(WebhookSignature.verify(secret, signature, request.body, now, 300), "the signature verifies");
        assertFalse(WebhookSignature.verify(secret, signature, request.body.replace("50", "51"), now, 300),
                "a changed body does not");
        assertFalse(WebhookSignature.verify(SigningSecrets.newSecret(), signature, request.body, now, 300),
                "another secret does not");
        assertFalse(WebhookSignature.verify(secret, signature, request.body, now + 3600, 300), "an old one does not");

        DynamoAppWebhookStore.EventDeliveries recorded = store.event(expectedId).orElseThrow();
        assertTrue(recorded.event().dispatched());
        assertEquals(1, recorded.deliveries().size());
        assertEquals(1, recorded.deliveries().get(0).attempts());
        assertEquals(200, recorded.deliveries().get(0).lastStatus());
        assertNotNull(recorded.deliveries().get(0).deliveredAt());
    }

    @Test
    void aLowThresholdCrossingFiresOnceAndNotOnTheNextDeductBelow() {
        endpoint(receiver.url("/low"), "credits.low", "credits.depleted");
        String user = newUser();
        grant(user, 20, "g-" + user);
        String crossing = deduct(user, "15.00", "d1-" + user); // 20 -> 5: below 10
        String below = deduct(user, "1", "d2-" + user);        // 5 -> 4: already below
        drain();
        assertEquals(List.of("credits.low"), receiver.types());
        JsonNode low = receiver.requests.peek().json();
        assertEquals(AppEvent.idFor(crossing, AppEventType.CREDITS_LOW), low.get("id").asText());
        assertEquals(0, low.get("data").get("threshold").decimalValue().compareTo(new java.math.BigDecimal("10")));
        assertEquals(0, low.get("data").get("balance").decimalValue().compareTo(new java.math.BigDecimal("5")));
        for (AppEventType type : AppEventType.values()) {
            assertTrue(store.event(AppEvent.idFor(below, type)).isEmpty(),
                    "a deduct that crosses nothing writes no outbox item (" + type + ")");
        }

        deduct(user, "4", "d3-" + user); // 4 -> 0: depleted
        drain();
        assertEquals(List.of("credits.low", "credits.depleted"), receiver.types());

        grant(user, 30, "g2-" + user); // back above
        deduct(user, "25", "d4-" + user); // 30 -> 5: a new crossing, a new event
        drain();
        assertEquals(List.of("credits.low", "credits.depleted", "credits.low"), receiver.types());
    }

    @Test
    void aReceiverThatFailsThenSucceedsGetsTheSameEventAgain() {
        endpoint(receiver.url("/flaky"), "credits.granted");
        receiver.statuses.add(500);
        String user = newUser();
        grant(user, 5, "flaky-" + user);
        drain();
        assertEquals(2, receiver.requests.size());
        List<Request> both = new ArrayList<>(receiver.requests);
        assertEquals(both.get(0).json().get("id").asText(), both.get(1).json().get("id").asText(), "a stable event id");
        assertEquals(both.get(0).body, both.get(1).body, "the same body");
        DynamoAppWebhookStore.Delivery recorded = store.event(both.get(0).json().get("id").asText()).orElseThrow()
                .deliveries().get(0);
        assertEquals(2, recorded.attempts());
        assertEquals(200, recorded.lastStatus());
        assertNotNull(recorded.deliveredAt());
        assertEquals(0, depth(queue[1]), "nothing in the DLQ");
    }

    @Test
    void aReceiverThatNeverSucceedsSendsTheMessageToTheDlqAfterTheLastReceive() {
        endpoint(receiver.url("/down"), "credits.granted");
        for (int i = 0; i < 10; i++) {
            receiver.statuses.add(503);
        }
        grant(newUser(), 5, "down-" + UUID.randomUUID());
        drain();
        assertEquals(MAX_RECEIVES, receiver.requests.size(), "one attempt per receive");
        assertEquals(1, depth(queue[1]), "then the DLQ");
    }

    @Test
    void aDeletedEndpointGetsNothingAndOthersStillDo() {
        Receiver other = new Receiver();
        try {
            endpoint(receiver.url("/kept"), "credits.granted");
            String gone = SigningSecrets.newEndpointId();
            store.createEndpoint(new DynamoAppWebhookStore.Endpoint(gone, other.url("/gone"),
                    Set.of("credits.granted"), SigningSecrets.newSecret(), Instant.now()));
            assertTrue(store.deleteEndpoint(gone));
            assertFalse(store.deleteEndpoint(gone), "deleted once");
            grant(newUser(), 5, "del-" + UUID.randomUUID());
            drain();
            assertEquals(1, receiver.requests.size());
            assertEquals(0, other.requests.size(), "the deleted endpoint got nothing");
        } finally {
            other.close();
        }
    }

    @Test
    void anEndpointGetsOnlyTheTypesItSubscribedTo() {
        endpoint(receiver.url("/orders"), "order.completed");
        String user = newUser();
        grant(user, 50, "g-" + user);
        deduct(user, "45", "d-" + user);
        drain();
        assertEquals(List.of(), receiver.types());
    }

    @Test
    void theRedeliverMessageSendsADeliveredEventAgainWithTheSameId() {
        endpoint(receiver.url("/again"), "credits.granted");
        String user = newUser();
        grant(user, 5, "again-" + user);
        drain();
        drain();
        assertEquals(1, receiver.requests.size(), "a delivered event is not sent again by itself");
        String id = receiver.requests.peek().json().get("id").asText();
        appQueue.redeliver(id, Instant.now().plusMillis(1));
        drain();
        assertEquals(2, receiver.requests.size());
        assertEquals(id, new ArrayList<>(receiver.requests).get(1).json().get("id").asText());
        assertEquals(2, store.event(id).orElseThrow().deliveries().get(0).attempts());
    }

    @Test
    void theOutboxItemIsPartOfThePostingsTransaction() {
        String user = newUser();
        String orderId = "ord_missing_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String entryId = EntryIds.purchase(orderId);
        // a purchase whose order does not exist: the completion's condition cancels the whole transaction
        Posting posting = new Posting(new UserId(user), entryId, EntryType.PURCHASE, Credits.of(100),
                BalanceRule.ALLOW_NEGATIVE, null, "fp", "purchase", null, Map.of("orderId", orderId), Instant.now(),
                Optional.empty(), List.of(new PostingEffect.CompleteOrder(orderId, "pi_1", null, Instant.now())));
        assertThrows(RuntimeException.class, () -> ledger.post(posting));
        assertTrue(ledger.entry(entryId).isEmpty(), "no entry");
        assertTrue(store.event(AppEvent.idFor(entryId, AppEventType.CREDITS_GRANTED)).isEmpty(), "no granted event");
        assertTrue(store.event(AppEvent.idFor(entryId, AppEventType.ORDER_COMPLETED)).isEmpty(), "no order event");
        assertEquals(0, depth(queue[0]), "nothing announced");
        assertEquals(0, sweeper.sweep(), "nothing for the sweeper either");
    }

    @Test
    void anEventItsWriterNeverEnqueuedIsFoundByTheSweeper() {
        endpoint(receiver.url("/swept"), "credits.granted");
        // the writer commits, then "crashes" before its enqueue: a notifier that fails
        DynamoLedgerStore crashing = new DynamoLedgerStore(dynamo, table, new AppEventPolicy(Credits.of(10)),
                events -> {
                    throw new IllegalStateException("process died after the commit");
                });
        String user = newUser();
        new CreditService(crashing, PricingCatalog.defaults(), Clock.systemUTC())
                .grant(new GrantCreditsCommand(new UserId(user), Credits.of(7), "lost", new IdempotencyKey("lost-" + user), "t"));
        assertEquals(0, depth(queue[0]), "nothing was enqueued");
        assertEquals(0, sweeper.sweep(), "a fresh event is left to its writer for a minute");

        clock.advance(Duration.ofMinutes(2));
        assertEquals(1, sweeper.sweep(), "the sweeper enqueues it");
        assertEquals(0, sweeper.sweep(), "once: it is re-armed for later");
        drain();
        assertEquals(1, receiver.requests.size());
        clock.advance(Duration.ofHours(1));
        assertEquals(0, sweeper.sweep(), "taken by the delivery function: off the unsent list");
    }

    @Test
    void aNotifierThatDoesNothingStillLeavesTheEventToTheSweeper() {
        endpoint(receiver.url("/none"), "credits.granted");
        DynamoLedgerStore quiet = new DynamoLedgerStore(dynamo, table, AppEventPolicy.defaults(), AppEventNotifier.NONE);
        String user = newUser();
        new CreditService(quiet, PricingCatalog.defaults(), Clock.systemUTC())
                .grant(new GrantCreditsCommand(new UserId(user), Credits.of(7), "q", new IdempotencyKey("q-" + user), "t"));
        clock.advance(Duration.ofMinutes(2));
        assertEquals(1, sweeper.sweep());
        drain();
        assertEquals(1, receiver.requests.size());
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private String endpoint(String url, String... events) {
        String secret = SigningSecrets.newSecret();
        store.createEndpoint(new DynamoAppWebhookStore.Endpoint(SigningSecrets.newEndpointId(), url, Set.of(events),
                secret, Instant.now()));
        return secret;
    }

    private void grant(String user, long credits, String key) {
        this.credits.grant(new GrantCreditsCommand(new UserId(user), Credits.of(credits), "test", new IdempotencyKey(key), "test"));
    }

    private String deduct(String user, String amount, String key) {
        return this.credits.deduct(new DeductCreditsCommand(new UserId(user), Credits.parse(new java.math.BigDecimal(amount), "amount"),
                null, null, new IdempotencyKey(key), null, null)).entry().entryId();
    }

    /** Polls until the queue is empty (failures come back at once, see the handler's backoff). */
    private void drain() {
        for (int round = 0; round < 50; round++) {
            int received = poller.pollOnce(10, 0);
            if (received == 0 && depth(queue[0]) == 0 && inFlight(queue[0]) == 0) {
                return;
            }
        }
        throw new AssertionError("the app-events queue did not drain");
    }

    private int depth(String url) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings(
                "ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
    }

    private int inFlight(String url) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings(
                "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings().get("ApproximateNumberOfMessagesNotVisible"));
    }

    private String[] createQueues() {
        String name = "app-events-" + UUID.randomUUID().toString().substring(0, 8);
        String dlqUrl = sqs.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings().get("QueueArn");
        String url = sqs.createQueue(b -> b.queueName(name).attributesWithStrings(Map.of("VisibilityTimeout", "30",
                "RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVES + "\"}")))
                .queueUrl();
        return new String[] {url, dlqUrl};
    }

    private static String newUser() {
        return "hooked-" + UUID.randomUUID().toString().substring(0, 8);
    }

    record Request(String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A real HTTP server on loopback: records every request, answers the scripted statuses, then 200. */
    static final class Receiver implements AutoCloseable {
        final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        private final HttpServer server;

        Receiver() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(new Request(exchange.getRequestURI().getPath(),
                        Collections.unmodifiableMap(new java.util.HashMap<>(exchange.getRequestHeaders())), body));
                Integer status = statuses.poll();
                byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status == null ? 200 : status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        List<String> types() {
            return requests.stream().map(r -> r.json().get("type").asText()).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
