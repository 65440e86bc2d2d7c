package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.n;
import static dev.prepaid.adapter.out.dynamodb.Attr.num;
import static dev.prepaid.adapter.out.dynamodb.Attr.s;
import static dev.prepaid.adapter.out.dynamodb.Attr.str;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.domain.topup.AutoTopup;
import dev.prepaid.port.out.AutoTopupStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Auto top-up settings: {@code pk=AUTOTOPUP#<userId>, sk=SETTINGS} (a prefix of its own: the worker that
 * compare-and-sets it is not a posting path and may not write USER# items) (docs/data-model.md, docs/auto-topup.md), every write
 * conditioned on the stored {@code version}. The opt-in also sets (and the opt-out removes) {@code lowThreshold} on
 * the user's balance item in the same transaction: the ledger's posting that crosses it writes the
 * {@code credits.low} outbox event that triggers the top-up.
 */
public final class DynamoAutoTopupStore implements AutoTopupStore {
    public static final String PREFIX = "AUTOTOPUP#";
    static final String SK = "SETTINGS";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAutoTopupStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static Map<String, AttributeValue> key(UserId user) {
        return Map.of(LedgerTable.PK, s(PREFIX + user.value()), LedgerTable.SK, s(SK));
    }

    @Override
    public Optional<AutoTopup> find(UserId user) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(user)).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(user, item));
    }

    @Override
    public boolean saveOptIn(AutoTopup settings, long expected) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().put(versioned(settings, expected)).build());
        items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(EntryItems.balanceKey(settings.userId()))
                .updateExpression("SET #low = :low")
                .expressionAttributeNames(Map.of("#low", EntryItems.LOW_THRESHOLD))
                .expressionAttributeValues(Map.of(":low", n(settings.threshold().hundredths())))
                .build()).build());
        return transact(items);
    }

    @Override
    public boolean delete(UserId user) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(user))
                .conditionExpression("attribute_exists(" + LedgerTable.PK + ")").build()).build());
        items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(EntryItems.balanceKey(user))
                .updateExpression("REMOVE #low")
                .expressionAttributeNames(Map.of("#low", EntryItems.LOW_THRESHOLD))
                .build()).build());
        return transact(items);
    }

    @Override
    public boolean replace(AutoTopup next, long expected, List<AppEvent> events) {
        if (events.isEmpty()) {
            Put put = versioned(next, expected);
            try {
                dynamo.putItem(b -> b.tableName(table).item(put.item()).conditionExpression(put.conditionExpression())
                        .expressionAttributeNames(put.expressionAttributeNames())
                        .expressionAttributeValues(put.expressionAttributeValues()));
                return true;
            } catch (ConditionalCheckFailedException e) {
                return false;
            }
        }
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().put(versioned(next, expected)).build());
        for (AppEvent event : events) {
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                    .item(AppEventItems.outboxItem(event))
                    .conditionExpression("attribute_not_exists(" + LedgerTable.PK + ")").build()).build());
        }
        return transact(items);
    }

    private boolean transact(List<TransactWriteItem> items) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(items));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons() != null && e.cancellationReasons().stream()
                    .anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                return false;
            }
            throw e;
        }
    }

    private Put versioned(AutoTopup settings, long expected) {
        Map<String, AttributeValue> item = toItem(settings.withVersion(expected + 1));
        Put.Builder put = Put.builder().tableName(table).item(item);
        if (expected == 0) {
            put.conditionExpression("attribute_not_exists(" + LedgerTable.PK + ")");
        } else {
            put.conditionExpression("#v = :v").expressionAttributeNames(Map.of("#v", "version"))
                    .expressionAttributeValues(Map.of(":v", n(expected)));
        }
        return put.build();
    }

    static Map<String, AttributeValue> toItem(AutoTopup a) {
        Map<String, AttributeValue> item = new HashMap<>(key(a.userId()));
        item.put("userId", s(a.userId().value()));
        item.put("productId", s(a.productId()));
        item.put("threshold", n(a.threshold().hundredths()));
        putIfPresent(item, "provider", a.provider());
        putIfPresent(item, "customerRef", a.customerRef());
        item.put("enabled", AttributeValue.builder().bool(a.enabled()).build());
        item.put("state", s(a.state().wireName()));
        putIfPresent(item, "attemptId", a.attemptId());
        putIfPresent(item, "attemptStartedAt", a.attemptStartedAt() == null ? null : a.attemptStartedAt().toString());
        putIfPresent(item, "lastTriggerId", a.lastTriggerId());
        putIfPresent(item, "nextAllowedAt", a.nextAllowedAt() == null ? null : a.nextAllowedAt().toString());
        putIfPresent(item, "month", a.month());
        item.put("monthCount", n(a.monthCount()));
        item.put("consecutiveFailures", n(a.consecutiveFailures()));
        putIfPresent(item, "lastResult", a.lastResult());
        putIfPresent(item, "lastFailureCode", a.lastFailureCode());
        putIfPresent(item, "disabledReason", a.disabledReason());
        item.put("version", n(a.version()));
        putIfPresent(item, "updatedAt", a.updatedAt() == null ? null : a.updatedAt().toString());
        return item;
    }

    static AutoTopup fromItem(UserId user, Map<String, AttributeValue> item) {
        AttributeValue enabled = item.get("enabled");
        return new AutoTopup(user, str(item, "productId"), Credits.ofHundredths(num(item, "threshold")),
                str(item, "provider"), str(item, "customerRef"), enabled != null && Boolean.TRUE.equals(enabled.bool()),
                "charging".equals(str(item, "state")) ? AutoTopup.State.CHARGING : AutoTopup.State.IDLE,
                str(item, "attemptId"), instant(item, "attemptStartedAt"), str(item, "lastTriggerId"),
                instant(item, "nextAllowedAt"), str(item, "month"), (int) num(item, "monthCount"),
                (int) num(item, "consecutiveFailures"), str(item, "lastResult"), str(item, "lastFailureCode"),
                str(item, "disabledReason"), num(item, "version"), instant(item, "updatedAt"));
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = str(item, name);
        return value == null ? null : Instant.parse(value);
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }
}
