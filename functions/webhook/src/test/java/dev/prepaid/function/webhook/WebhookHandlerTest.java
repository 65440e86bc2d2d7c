package dev.prepaid.function.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prepaid.adapter.out.dynamodb.DynamoWebhookInbox;
import dev.prepaid.adapter.out.provider.mock.InMemoryMockCheckouts;
import dev.prepaid.adapter.out.provider.mock.MockPaymentProvider;
import dev.prepaid.adapter.out.provider.mock.MockWebhooks;
import dev.prepaid.adapter.out.sqs.SqsEventQueue;
import dev.prepaid.application.WebhookIntake;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.port.out.WebhookInbox;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The webhook function on DynamoDB Local and ElasticMQ (real engines): a delivery is queued once, a
 * redelivery of a queued event is a 200 duplicate, and a delivery that meets another delivery's unexpired
 * claim is a 409 {@code event_in_flight} with Retry-After (never a 200), until that lease lapses.
 */
class WebhookHandlerTest {
    private static final String SECRET = "mock_webhook_secret_for_tests_0000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DynamoDbClient DYNAMO = TestClients.dynamo(LocalEngines.shared().dynamoEndpoint());
    private static final SqsClient SQS = TestClients.sqs(LocalEngines.shared().sqsEndpoint());
    private static final String TABLE = TestClients.createLedgerTable(DYNAMO);

    private final MovableClock clock = new MovableClock(Instant.now());
    private DynamoWebhookInbox inbox;
    private String queueUrl;
    private WebhookHandler handler;

    /** A clock the test moves: the inbox's leases are measured on it. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        MovableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @BeforeEach
    void setUp() {
        queueUrl = SQS.createQueue(b -> b.queueName("webhook-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();
        inbox = new DynamoWebhookInbox(DYNAMO, TABLE, clock);
        MockPaymentProvider mock = new MockPaymentProvider(new InMemoryMockCheckouts(), ProductCatalog.defaults(), SECRET,
                "http://127.0.0.1:1/mock/checkout", URI.create("http://127.0.0.1:1/api/payment/webhook/mock"),
                HttpClient.newHttpClient(), Clock.systemUTC());
        handler = new WebhookHandler(new WebhookIntake(Map.of("mock", mock), inbox, new SqsEventQueue(SQS, queueUrl)),
                "mock", System.out::println);
    }

    private static byte[] refundEvent(String eventId) {
        return ("{\"id\": \"" + eventId + "\", \"type\": \"refund.created\", \"created\": " + Instant.now().getEpochSecond()
                + ", \"data\": {\"refund_id\": \"re_" + eventId + "\", \"payment_ref\": \"pay_1\", \"amount\": 395,"
                + " \"currency\": \"usd\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private APIGatewayV2HTTPResponse deliver(byte[] body) {
        return handler.handleRequest(Events.request("POST", "/api/payment/webhook/mock")
                .header("content-type", "application/json")
                .header(MockWebhooks.SIGNATURE_HEADER,
                        MockWebhooks.signatureHeader(SECRET, Instant.now().getEpochSecond(), body))
                .body(new String(body, StandardCharsets.UTF_8)).build(), new TestContext("webhook"));
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return JSON.readTree(response.getBody());
    }

    private int queued() {
        return Integer.parseInt(SQS.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                .get("ApproximateNumberOfMessages"));
    }

    private static String header(APIGatewayV2HTTPResponse response, String name) {
        return response.getHeaders() == null ? null : response.getHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Test
    void anEventIsQueuedOnceAndItsRedeliveryIsADuplicate() throws Exception {
        byte[] body = refundEvent("mock_evt_" + UUID.randomUUID());
        APIGatewayV2HTTPResponse first = deliver(body);
        assertEquals(200, first.getStatusCode(), first.getBody());
        assertEquals(1, json(first).get("queued").asInt());
        assertFalse(json(first).get("duplicate").asBoolean());
        APIGatewayV2HTTPResponse again = deliver(body);
        assertEquals(200, again.getStatusCode(), again.getBody());
        assertTrue(json(again).get("duplicate").asBoolean());
        assertEquals(0, json(again).get("queued").asInt());
        assertEquals(1, queued());
    }

    @Test
    void aDeliveryThatMeetsAnotherDeliverysLeaseIsNotAcknowledgedUntilTheLeaseLapses() throws Exception {
        String eventId = "mock_evt_" + UUID.randomUUID();
        byte[] body = refundEvent(eventId);
        // Another delivery claimed the event and died before queueing it: its lease is left behind.
        assertEquals(WebhookInbox.Claim.State.CLAIMED, inbox.claim("mock", eventId, "refund.created").state());
        clock.advance(Duration.ofSeconds(20));

        APIGatewayV2HTTPResponse inFlight = deliver(body);
        assertEquals(409, inFlight.getStatusCode(), inFlight.getBody());
        JsonNode error = json(inFlight);
        assertEquals("event_in_flight", error.get("error").asText());
        assertTrue(error.hasNonNull("message"));
        assertEquals("41", header(inFlight, "retry-after"), "until the lease lapses: 60 - 20 + 1 seconds");
        assertEquals(41, error.get("retryAfterSeconds").asLong());
        assertTrue(header(inFlight, "content-type").startsWith("application/json"));
        assertEquals(0, queued(), "nothing was queued by the delivery that met the lease");

        clock.advance(Duration.ofSeconds(41));
        APIGatewayV2HTTPResponse takenOver = deliver(body);
        assertEquals(200, takenOver.getStatusCode(), takenOver.getBody());
        assertEquals(1, json(takenOver).get("queued").asInt());
        assertFalse(json(takenOver).get("duplicate").asBoolean());
        APIGatewayV2HTTPResponse duplicate = deliver(body);
        assertEquals(200, duplicate.getStatusCode(), duplicate.getBody());
        assertTrue(json(duplicate).get("duplicate").asBoolean());
        assertEquals(1, queued());
    }

    @Test
    void theInboxTellsClaimedAcceptedAndInFlightApart() {
        String eventId = "mock_evt_" + UUID.randomUUID();
        assertEquals(WebhookInbox.Claim.State.CLAIMED, inbox.claim("mock", eventId, "refund.created").state());
        WebhookInbox.Claim held = inbox.claim("mock", eventId, "refund.created");
        assertEquals(WebhookInbox.Claim.State.IN_FLIGHT, held.state());
        assertEquals(Duration.ofSeconds(61), held.retryAfter());
        // at the lease's last second it is still held; one second later it is taken over
        clock.advance(Duration.ofSeconds(60));
        assertEquals(WebhookInbox.Claim.State.IN_FLIGHT, inbox.claim("mock", eventId, "refund.created").state());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(WebhookInbox.Claim.State.CLAIMED, inbox.claim("mock", eventId, "refund.created").state());
        inbox.accepted("mock", eventId);
        assertEquals(WebhookInbox.Claim.State.ACCEPTED, inbox.claim("mock", eventId, "refund.created").state());
        clock.advance(Duration.ofHours(1));
        assertEquals(WebhookInbox.Claim.State.ACCEPTED, inbox.claim("mock", eventId, "refund.created").state(),
                "an accepted event is never taken over");

        String released = "mock_evt_" + UUID.randomUUID();
        inbox.claim("mock", released, "refund.created");
        inbox.release("mock", released);
        assertEquals(WebhookInbox.Claim.State.CLAIMED, inbox.claim("mock", released, "refund.created").state());
    }

    @Test
    void aDeliveryWithABadSignatureIsA4xxJsonError() throws Exception {
        byte[] body = refundEvent("mock_evt_" + UUID.randomUUID());
        APIGatewayV2HTTPResponse forged = handler.handleRequest(Events.request("POST", "/api/payment/webhook/mock")
                .header("content-type", "application/json")
                .header(MockWebhooks.SIGNATURE_HEADER, "t=" + Instant.now().getEpochSecond() + ",v1=deadbeef")
                .body(new String(body, StandardCharsets.UTF_8)).build(), new TestContext("webhook"));
        assertTrue(forged.getStatusCode() >= 400 && forged.getStatusCode() < 500, forged.getBody());
        assertTrue(json(forged).hasNonNull("error"));
        assertEquals(0, queued());
    }
}
