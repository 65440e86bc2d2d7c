package dev.prepaid.function.fulfilment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.adapter.out.dynamodb.DynamoOrderStore;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import dev.prepaid.application.ClawbackPolicy;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.domain.events.AppEventPolicy;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Issue 13: a subscription change that moves no credits (cancel at period end, deleted) writes its own
 * {@code subscription.changed} outbox item in the record's transaction and announces it on the app-events queue
 * (ElasticMQ) after the commit; a redelivered provider event and a write that changes nothing produce none.
 */
class SubscriptionChangedEventTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant PERIOD_END = Instant.parse("2027-01-01T00:00:00Z");

    final FulfilmentFixture fx = new FulfilmentFixture(ClawbackPolicy.ALLOW_NEGATIVE);
    final SqsClient sqs = TestClients.sqs(LocalEngines.shared().sqsEndpoint());
    final String queueUrl = sqs.createQueue(b -> b.queueName("app-events-" + UUID.randomUUID())
            .attributesWithStrings(Map.of("VisibilityTimeout", "300"))).queueUrl();
    final SqsAppEventQueue appQueue = new SqsAppEventQueue(() -> sqs, queueUrl);
    final DynamoOrderStore orders = new DynamoOrderStore(fx.dynamo, fx.table, appQueue);
    final FulfilmentService fulfilment = new FulfilmentService(
            new DynamoLedgerStore(fx.dynamo, fx.table, AppEventPolicy.defaults(), appQueue), orders, fx.catalog,
            ClawbackPolicy.ALLOW_NEGATIVE, Clock.systemUTC());

    @Test
    void cancelAtPeriodEndThenDeletionEachAnnounceOneEventAndReplaysOrNoOpsNone() {
        String user = FulfilmentFixture.newUser();
        Order order = fx.order(user, "basic");
        String sub = FulfilmentFixture.id("sub_");
        fulfilment.handle(fx.paid(order, FulfilmentFixture.id("pi_"), sub, FulfilmentFixture.id("in_")));
        List<String> baseline = ids(user);
        announced(); // the first period's posting announced its own events
        Subscription active = orders.subscription(new UserId(user)).orElseThrow();

        PaymentEvent.SubscriptionChanged cancelAtEnd = changed(sub, "customer.subscription.updated", "active", true, T0);
        fulfilment.handle(cancelAtEnd);
        List<String> afterCancel = ids(user);
        assertEquals(baseline.size() + 1, afterCancel.size(), "one subscription.changed: " + afterCancel);
        String cancelId = afterCancel.stream().filter(id -> !baseline.contains(id)).findFirst().orElseThrow();
        assertEquals(List.of(cancelId), announced(), "announced once after the commit");
        JsonNode data = body(cancelId).get("data");
        assertEquals(user, data.get("userId").asText());
        assertEquals(sub, data.get("subscriptionId").asText());
        assertEquals("stripe", data.get("provider").asText());
        assertEquals("basic", data.get("productId").asText());
        assertEquals("active", data.get("status").asText());
        assertEquals("active", data.get("previousStatus").asText());
        assertTrue(data.get("cancelAtPeriodEnd").asBoolean());
        assertEquals(PERIOD_END.toString(), data.get("currentPeriodEnd").asText());

        // the provider redelivers the same event: the record already says so, nothing more
        fulfilment.handle(cancelAtEnd);
        // a redelivery that raced the first (it read the record before the first wrote): the same event id,
        // whose outbox item exists; the write counts as done and adds nothing
        Subscription cancelled = orders.subscription(new UserId(user)).orElseThrow();
        List<AppEvent> raced = AppEventPolicy.subscriptionChanged(active, cancelled).stream().toList();
        assertEquals(List.of(cancelId), raced.stream().map(AppEvent::id).toList(), "a stable id per change");
        assertTrue(orders.saveSubscriptionIfNotStale(cancelled, raced));
        // a later update that changes none of status, plan, cancelAtPeriodEnd
        fulfilment.handle(changed(sub, "customer.subscription.updated", "active", true, T0.plusSeconds(2)));
        assertEquals(afterCancel, ids(user), "replays and no-op updates write no event");
        assertEquals(List.of(), announced());

        fulfilment.handle(changed(sub, "customer.subscription.deleted", "canceled", false, T0.plusSeconds(9)));
        List<String> afterDelete = ids(user);
        assertEquals(afterCancel.size() + 1, afterDelete.size(), "the deletion's event: " + afterDelete);
        String deletedId = afterDelete.stream().filter(id -> !afterCancel.contains(id)).findFirst().orElseThrow();
        assertEquals(List.of(deletedId), announced());
        JsonNode deleted = body(deletedId).get("data");
        assertEquals("canceled", deleted.get("status").asText());
        assertEquals("active", deleted.get("previousStatus").asText());
        assertEquals(false, deleted.get("cancelAtPeriodEnd").asBoolean());
        assertEquals("canceled", orders.subscription(new UserId(user)).orElseThrow().status());
    }

    private static PaymentEvent.SubscriptionChanged changed(String sub, String type, String status, boolean cancelAtEnd,
                                                            Instant at) {
        return new PaymentEvent.SubscriptionChanged("stripe", FulfilmentFixture.id("evt_"), type, sub, status,
                PERIOD_END, cancelAtEnd, at, null, null);
    }

    /** The ids of the user's subscription.changed outbox items. */
    private List<String> ids(String user) {
        List<String> ids = new ArrayList<>();
        for (Map<String, AttributeValue> item : fx.dynamo.scanPaginator(b -> b.tableName(fx.table)
                .filterExpression("begins_with(pk, :p) AND sk = :sk AND #type = :t AND userId = :u")
                .expressionAttributeNames(Map.of("#type", "type"))
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("APPHOOK#EVENT#"),
                        ":sk", AttributeValue.fromS("EVENT"), ":t", AttributeValue.fromS("subscription.changed"),
                        ":u", AttributeValue.fromS(user)))).items()) {
            ids.add(item.get("eventId").s());
        }
        return ids;
    }

    private JsonNode body(String eventId) {
        Map<String, AttributeValue> item = fx.dynamo.getItem(b -> b.tableName(fx.table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("APPHOOK#EVENT#" + eventId), "sk", AttributeValue.fromS("EVENT"))))
                .item();
        try {
            return Json.MAPPER.readTree(item.get("body").s());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The subscription.changed ids on the queue since the last call (other types skipped). */
    private List<String> announced() {
        List<String> ids = new ArrayList<>();
        while (true) {
            var messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            if (messages.isEmpty()) {
                return ids;
            }
            for (var message : messages) {
                String id = SqsAppEventQueue.read(message.body()).eventId();
                if ("subscription.changed".equals(body(id).get("type").asText())) {
                    ids.add(id);
                }
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }
}
