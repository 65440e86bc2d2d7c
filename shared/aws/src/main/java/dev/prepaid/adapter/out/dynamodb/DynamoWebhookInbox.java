package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.n;
import static dev.prepaid.adapter.out.dynamodb.Attr.s;

import dev.prepaid.port.out.WebhookInbox;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Provider events by id, with TTL. A claim is a 60-second lease taken with one conditional
 * {@code UpdateItem}: accepted events stay for 30 days (longer than any provider retries), a claim whose
 * enqueue failed is released at once or lapses by itself, so the provider's next delivery goes through.
 * A delivery that meets another's unexpired lease is told it is in flight (the failed condition hands
 * back the item, so telling costs no extra read), and is not acknowledged.
 */
public final class DynamoWebhookInbox implements WebhookInbox {
    static final Duration LEASE = Duration.ofSeconds(60);
    static final Duration RETENTION = Duration.ofDays(30);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoWebhookInbox(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    private static Map<String, AttributeValue> key(String provider, String eventId) {
        return Map.of(LedgerTable.PK, s("EVENT#" + provider + "#" + eventId), LedgerTable.SK, s("EVENT"));
    }

    @Override
    public Claim claim(String provider, String eventId, String type) {
        long now = clock.instant().getEpochSecond();
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(provider, eventId))
                    .updateExpression("SET #state = :claimed, leaseUntil = :lease, eventType = :type, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(" + LedgerTable.PK + ") OR (#state = :claimed AND leaseUntil < :now)")
                    .expressionAttributeNames(Map.of("#state", "state", "#ttl", LedgerTable.TTL))
                    .expressionAttributeValues(Map.of(":claimed", s("claimed"), ":lease", n(now + LEASE.toSeconds()),
                            ":type", s(type == null ? "unknown" : type), ":ttl", n(now + RETENTION.toSeconds()),
                            ":now", n(now)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Claim.CLAIMED;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> held = e.hasItem() && !e.item().isEmpty() ? e.item() : read(provider, eventId);
            return found(held, now);
        }
    }

    /**
     * What stopped the claim: an accepted event is a duplicate; a claim whose lease has not lapsed is in
     * flight (retry when it lapses). The item is gone only if it was released in between: in flight, retry soon.
     */
    private static Claim found(Map<String, AttributeValue> held, long now) {
        if (held == null || held.isEmpty()) {
            return Claim.inFlight(Duration.ofSeconds(1));
        }
        if ("accepted".equals(Attr.str(held, "state"))) {
            return Claim.ACCEPTED;
        }
        long leaseUntil = Attr.num(held, "leaseUntil");
        // the condition takes the lease over once leaseUntil < now, i.e. one second after it
        return Claim.inFlight(Duration.ofSeconds(Math.max(1, leaseUntil - now + 1)));
    }

    private Map<String, AttributeValue> read(String provider, String eventId) {
        return dynamo.getItem(b -> b.tableName(table).key(key(provider, eventId)).consistentRead(true)).item();
    }

    @Override
    public void accepted(String provider, String eventId) {
        dynamo.updateItem(b -> b.tableName(table).key(key(provider, eventId))
                .updateExpression("SET #state = :accepted REMOVE leaseUntil")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":accepted", s("accepted"))));
    }

    @Override
    public void release(String provider, String eventId) {
        dynamo.deleteItem(b -> b.tableName(table).key(key(provider, eventId))
                .conditionExpression("#state = :claimed")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":claimed", s("claimed"))));
    }
}
