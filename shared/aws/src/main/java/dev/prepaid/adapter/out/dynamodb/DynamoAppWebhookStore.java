package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.n;
import static dev.prepaid.adapter.out.dynamodb.Attr.num;
import static dev.prepaid.adapter.out.dynamodb.Attr.s;
import static dev.prepaid.adapter.out.dynamodb.Attr.str;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The app's webhook endpoints, the outbox events the postings wrote and the delivery attempts, on the ledger table
 * ({@link AppEventItems} has the keys). Writes only {@code APPHOOK#} items.
 */
public final class DynamoAppWebhookStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAppWebhookStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** A registered endpoint. {@code secret} is the signing secret ({@code whsec_...}). */
    public record Endpoint(String id, String url, Set<String> events, String secret, Instant createdAt) {
        public boolean wants(String type) {
            return events.contains(type);
        }
    }

    /** An outbox event: the body the app receives; {@code dispatched} once the delivery function took it. */
    public record OutboxEvent(String id, String type, String userId, String body, Instant created,
                              boolean dispatched) {
    }

    /** What happened when sending one event to one endpoint. */
    public record Delivery(String endpointId, String url, long attempts, Integer lastStatus, String lastError,
                           Instant lastAttemptAt, Instant deliveredAt) {
    }

    public record EventDeliveries(OutboxEvent event, List<Delivery> deliveries) {
        public Optional<Delivery> delivery(String endpointId) {
            return deliveries.stream().filter(d -> d.endpointId().equals(endpointId)).findFirst();
        }
    }

    // --- endpoints --------------------------------------------------------------------------------------------

    public void createEndpoint(Endpoint endpoint) {
        Map<String, AttributeValue> item = new HashMap<>(AppEventItems.endpointKey(endpoint.id()));
        item.put("endpointId", s(endpoint.id()));
        item.put("url", s(endpoint.url()));
        item.put("events", AttributeValue.fromL(endpoint.events().stream().map(Attr::s).toList()));
        item.put("secret", s(endpoint.secret()));
        item.put("createdAt", s(LedgerTable.timestamp(endpoint.createdAt())));
        dynamo.putItem(b -> b.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(" + LedgerTable.PK + ")"));
    }

    /** Every endpoint, oldest first (one partition: a handful of endpoints). */
    public List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :sk)")
                    .expressionAttributeNames(Map.of("#pk", LedgerTable.PK, "#sk", LedgerTable.SK))
                    .expressionAttributeValues(Map.of(":pk", s(AppEventItems.ENDPOINTS_PK),
                            ":sk", s(AppEventItems.ENDPOINT_SK_PREFIX)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(query.build());
            response.items().forEach(item -> endpoints.add(endpoint(item)));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        endpoints.sort(java.util.Comparator.comparing(Endpoint::createdAt).thenComparing(Endpoint::id));
        return endpoints;
    }

    /** Removes the endpoint; false when there was none. Events not yet delivered to it are not sent to it. */
    public boolean deleteEndpoint(String endpointId) {
        Map<String, AttributeValue> old = dynamo.deleteItem(b -> b.tableName(table)
                .key(AppEventItems.endpointKey(endpointId)).returnValues(ReturnValue.ALL_OLD)).attributes();
        return old != null && !old.isEmpty();
    }

    private static Endpoint endpoint(Map<String, AttributeValue> item) {
        Set<String> events = new LinkedHashSet<>();
        AttributeValue list = item.get("events");
        if (list != null && list.hasL()) {
            list.l().forEach(v -> events.add(v.s()));
        }
        return new Endpoint(str(item, "endpointId"), str(item, "url"), events, str(item, "secret"),
                Instant.parse(str(item, "createdAt")));
    }

    // --- outbox and deliveries --------------------------------------------------------------------------------

    /** The event and its delivery records (one consistent query of its partition); empty when unknown. */
    public Optional<EventDeliveries> event(String eventId) {
        QueryResponse response = dynamo.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", LedgerTable.PK))
                .expressionAttributeValues(Map.of(":pk", s(AppEventItems.eventPk(eventId)))));
        OutboxEvent event = null;
        List<Delivery> deliveries = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            String sk = str(item, LedgerTable.SK);
            if (AppEventItems.EVENT_SK.equals(sk)) {
                event = outboxEvent(item);
            } else if (sk != null && sk.startsWith(AppEventItems.DELIVERY_SK_PREFIX)) {
                deliveries.add(delivery(item));
            }
        }
        return event == null ? Optional.empty() : Optional.of(new EventDeliveries(event, deliveries));
    }

    /** Outbox events not yet taken by the delivery function, last written or swept before {@code before}. */
    public List<OutboxEvent> unsent(Instant before, int max) {
        QueryResponse response = dynamo.query(b -> b.tableName(table).indexName(LedgerTable.GSI4)
                .keyConditionExpression("#pk = :pk AND #sk < :before")
                .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI4_PK, "#sk", LedgerTable.GSI4_SK))
                .expressionAttributeValues(Map.of(":pk", s(AppEventItems.UNSENT),
                        ":before", s(LedgerTable.timestamp(before))))
                .limit(max));
        return response.items().stream().map(DynamoAppWebhookStore::outboxEvent).toList();
    }

    /**
     * The sweeper enqueued the event again: its place in the unsent list moves to {@code nextLook}, so the sweeps
     * until then leave it to the queue. False when the delivery function took it meanwhile.
     */
    public boolean rearm(String eventId, Instant nextLook) {
        Instant now = nextLook;
        try {
            dynamo.updateItem(b -> b.tableName(table).key(AppEventItems.eventKey(eventId))
                    .updateExpression("SET #sk = :sk, nextSweepAt = :now")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#sk", LedgerTable.GSI4_SK, "#pk", LedgerTable.GSI4_PK))
                    .expressionAttributeValues(Map.of(":sk", s(LedgerTable.timestamp(now) + "#" + eventId),
                            ":now", s(LedgerTable.timestamp(now)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** The delivery function took the event (it is on the queue's retry schedule now): off the unsent list. */
    public void markDispatched(String eventId, Instant now) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(AppEventItems.eventKey(eventId))
                    .updateExpression("REMOVE #g4pk, #g4sk SET dispatchedAt = if_not_exists(dispatchedAt, :now)")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#g4pk", LedgerTable.GSI4_PK, "#g4sk", LedgerTable.GSI4_SK,
                            "#pk", LedgerTable.PK))
                    .expressionAttributeValues(Map.of(":now", s(LedgerTable.timestamp(now)))));
        } catch (ConditionalCheckFailedException e) {
            // no such event: nothing to take off
        }
    }

    /** One attempt to send {@code eventId} to an endpoint: counted, with its answer; delivered once a 2xx came. */
    public void recordAttempt(String eventId, String endpointId, String url, Integer status, String error,
                              Instant at, boolean delivered) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":one", n(1));
        values.put(":at", s(LedgerTable.timestamp(at)));
        values.put(":url", s(url));
        values.put(":endpoint", s(endpointId));
        values.put(":event", s(eventId));
        StringBuilder set = new StringBuilder("SET lastAttemptAt = :at, #url = :url, endpointId = :endpoint, eventId = :event");
        names.put("#url", "url");
        List<String> remove = new ArrayList<>();
        if (status != null) {
            values.put(":status", n(status));
            set.append(", lastStatus = :status");
        } else {
            remove.add("lastStatus");
        }
        if (error != null) {
            values.put(":error", s(error.length() > 300 ? error.substring(0, 300) : error));
            set.append(", lastError = :error");
        } else {
            remove.add("lastError");
        }
        if (delivered) {
            set.append(", deliveredAt = :at");
        }
        String update = set + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove)) + " ADD attempts :one";
        dynamo.updateItem(b -> b.tableName(table).key(AppEventItems.deliveryKey(eventId, endpointId))
                .updateExpression(update).expressionAttributeNames(names).expressionAttributeValues(values));
    }

    private static OutboxEvent outboxEvent(Map<String, AttributeValue> item) {
        return new OutboxEvent(str(item, "eventId"), str(item, "type"), str(item, "userId"), str(item, "body"),
                Instant.parse(str(item, "created")), !item.containsKey(LedgerTable.GSI4_PK));
    }

    private static Delivery delivery(Map<String, AttributeValue> item) {
        String last = str(item, "lastAttemptAt");
        String delivered = str(item, "deliveredAt");
        return new Delivery(str(item, "endpointId"), str(item, "url"), num(item, "attempts"),
                item.containsKey("lastStatus") ? (int) num(item, "lastStatus") : null, str(item, "lastError"),
                last == null ? null : Instant.parse(last), delivered == null ? null : Instant.parse(delivered));
    }
}
