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

/**
 * Provider events by id, with TTL. A claim is a 60-second lease: accepted events stay for 30 days (longer
 * than any provider retries), a claim whose enqueue failed is released at once or lapses by itself, so
 * the provider's next delivery goes through.
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
    public boolean claim(String provider, String eventId, String type) {
        long now = clock.instant().getEpochSecond();
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(provider, eventId))
                    .updateExpression("SET #state = :claimed, leaseUntil = :lease, eventType = :type, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(" + LedgerTable.PK + ") OR (#state = :claimed AND leaseUntil < :now)")
                    .expressionAttributeNames(Map.of("#state", "state", "#ttl", LedgerTable.TTL))
                    .expressionAttributeValues(Map.of(":claimed", s("claimed"), ":lease", n(now + LEASE.toSeconds()),
                            ":type", s(type == null ? "unknown" : type), ":ttl", n(now + RETENTION.toSeconds()),
                            ":now", n(now))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
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
