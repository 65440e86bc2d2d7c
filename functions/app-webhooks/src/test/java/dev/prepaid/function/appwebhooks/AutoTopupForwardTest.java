package dev.prepaid.function.appwebhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import dev.prepaid.application.CreditService;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.domain.events.AppEventPolicy;
import dev.prepaid.domain.events.AppEventType;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.DeductCreditsCommand;
import dev.prepaid.port.in.GrantCreditsCommand;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.MutableClock;
import dev.prepaid.testing.TestClients;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Auto top-up's trigger (docs/auto-topup.md): the delivery of a {@code credits.low} outbox event sends
 * {@code {"eventId", "userId"}} to AUTO_TOPUP_QUEUE_URL once, before the event is marked dispatched; a failed send
 * leaves the event undispatched (the message is retried); other event types are not forwarded.
 */
class AutoTopupForwardTest {
    private final DynamoDbClient dynamo = TestClients.dynamo(LocalEngines.shared().dynamoEndpoint());
    private final SqsClient sqs = TestClients.sqs(LocalEngines.shared().sqsEndpoint());
    private final String table = TestClients.createLedgerTable(dynamo);
    private final DynamoAppWebhookStore store = new DynamoAppWebhookStore(dynamo, table);
    private final DynamoLedgerStore ledger = new DynamoLedgerStore(dynamo, table, new AppEventPolicy(Credits.of(10)),
            events -> { });
    private final CreditService credits = new CreditService(ledger, PricingCatalog.defaults(), Clock.systemUTC());

    @Test
    void aCreditsLowEventIsForwardedOnceBeforeItIsMarkedDispatched() throws Exception {
        String queueUrl = sqs.createQueue(b -> b.queueName("auto-topup-" + UUID.randomUUID().toString().substring(0, 8)))
                .queueUrl();
        AppWebhookDelivery delivery = new AppWebhookDelivery(store, new MutableClock(Instant.now()), true,
                AppWebhooksHandler.autoTopupForward(sqs, queueUrl));
        String user = "u-" + UUID.randomUUID();
        String grant = credits.grant(new GrantCreditsCommand(new UserId(user), Credits.of(20), "test",
                new IdempotencyKey("g-" + user), "test")).entry().entryId();
        String crossing = credits.deduct(new DeductCreditsCommand(new UserId(user), Credits.parse(new BigDecimal("15"),
                "amount"), null, null, new IdempotencyKey("d-" + user), null, null)).entry().entryId();
        String low = AppEvent.idFor(crossing, AppEventType.CREDITS_LOW);
        String granted = AppEvent.idFor(grant, AppEventType.CREDITS_GRANTED);

        assertEquals(AppWebhookDelivery.Result.DELIVERED, delivery.deliver(new SqsAppEventQueue.Message(granted, null)));
        assertEquals(AppWebhookDelivery.Result.DELIVERED, delivery.deliver(new SqsAppEventQueue.Message(low, null)));
        assertEquals(AppWebhookDelivery.Result.DELIVERED, delivery.deliver(new SqsAppEventQueue.Message(low, null)));
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages();
        assertEquals(1, messages.size(), "one trigger, for credits.low only: " + messages);
        JsonNode body = Json.MAPPER.readTree(messages.get(0).body());
        assertEquals(low, body.get("eventId").asText());
        assertEquals(user, body.get("userId").asText());
        assertTrue(store.event(low).orElseThrow().event().dispatched());
    }

    @Test
    void aFailedForwardLeavesTheEventToBeRetried() {
        AtomicInteger calls = new AtomicInteger();
        AppWebhookDelivery failing = new AppWebhookDelivery(store, new MutableClock(Instant.now()), true, event -> {
            calls.incrementAndGet();
            throw new IllegalStateException("SQS is down");
        });
        String user = "u-" + UUID.randomUUID();
        credits.grant(new GrantCreditsCommand(new UserId(user), Credits.of(20), "test", new IdempotencyKey("g-" + user),
                "test"));
        String crossing = credits.deduct(new DeductCreditsCommand(new UserId(user), Credits.parse(new BigDecimal("15"),
                "amount"), null, null, new IdempotencyKey("d-" + user), null, null)).entry().entryId();
        String low = AppEvent.idFor(crossing, AppEventType.CREDITS_LOW);
        try {
            failing.deliver(new SqsAppEventQueue.Message(low, null));
        } catch (IllegalStateException expected) {
            // the handler reports the message failed: SQS brings it back
        }
        assertEquals(1, calls.get());
        assertTrue(!store.event(low).orElseThrow().event().dispatched(), "not dispatched: the sweeper and retries see it");
    }
}
