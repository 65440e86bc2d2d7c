package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.n;
import static dev.prepaid.adapter.out.dynamodb.Attr.s;

import dev.prepaid.port.out.RateLimiter;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A fixed-window counter per key in the table (one conditional {@code ADD} per request), shared by every
 * Lambda instance; windows expire by TTL.
 */
public final class DynamoRateLimiter implements RateLimiter {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoRateLimiter(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public long acquire(String key, int limit, int windowSeconds) {
        long now = clock.instant().getEpochSecond();
        long windowStart = now - Math.floorMod(now, windowSeconds);
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(LedgerTable.PK, s("RATE#" + key + "#" + windowStart), LedgerTable.SK, s("RATE")))
                    .updateExpression("ADD #count :one SET #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#count) OR #count < :limit")
                    .expressionAttributeNames(Map.of("#count", "count", "#ttl", LedgerTable.TTL))
                    .expressionAttributeValues(Map.of(":one", n(1), ":limit", n(limit),
                            ":ttl", n(windowStart + windowSeconds + 60))));
            return 0;
        } catch (ConditionalCheckFailedException e) {
            return Math.max(1, windowStart + windowSeconds - now);
        }
    }
}
