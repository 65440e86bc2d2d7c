package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.s;

import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderPage;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.port.out.AppEventNotifier;
import dev.prepaid.port.out.OrderStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Orders, subscriptions and payment links in the ledger table (docs/data-model.md). */
public final class DynamoOrderStore implements OrderStore {
    /** Items read per query when a status filter is on, and queries per page at most. */
    static final int MAX_FILTERED_PAGE = 100;
    static final int MAX_FILTERED_ROUNDS = 5;
    private static final String CCF = "ConditionalCheckFailed";

    private final DynamoDbClient dynamo;
    private final String table;
    private final AppEventNotifier notifier;

    /** Subscription events written to the outbox and left to the sweeper (nothing announces them). */
    public DynamoOrderStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, AppEventNotifier.NONE);
    }

    /** @param notifier told of the subscription events a record write committed (dev.prepaid.wiring.LedgerWiring.notifier) */
    public DynamoOrderStore(DynamoDbClient dynamo, String table, AppEventNotifier notifier) {
        this.dynamo = dynamo;
        this.table = table;
        this.notifier = notifier == null ? AppEventNotifier.NONE : notifier;
    }

    @Override
    public boolean create(Order order) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(PaymentItems.toItem(order))
                    .conditionExpression("attribute_not_exists(" + LedgerTable.PK + ")"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Order> find(OrderId orderId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(PaymentItems.orderKey(orderId.value())).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(PaymentItems.orderFromItem(item));
    }

    @Override
    public Optional<Order> findByCheckout(String provider, String checkoutId) {
        List<Map<String, AttributeValue>> items = lookup(PaymentItems.checkoutLookup(provider, checkoutId), PaymentItems.ORDER_SK);
        // The index is eventually consistent: re-read the order itself for the current status.
        return items.isEmpty() ? Optional.empty()
                : find(new OrderId(Attr.str(items.get(0), "orderId")));
    }

    @Override
    public OrderPage ordersOf(UserId userId, Optional<OrderStatus> status, int limit, Optional<String> cursor) {
        Map<String, AttributeValue> start = cursor.map(c -> OrderCursor.decode(c, userId.value(), status)).orElse(null);
        Map<String, String> names = new HashMap<>(Map.of("#pk", LedgerTable.GSI2_PK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(LedgerTable.ordersPk(userId.value()))));
        status.ifPresent(st -> {
            names.put("#status", "status");
            values.put(":status", s(st.wireName()));
        });
        // A status filter applies after DynamoDB's Limit: read larger pages then, and a few of them, so that a
        // page is rarely short; a short page with a cursor is still correct (the next page goes on from it).
        int pageSize = status.isPresent() ? MAX_FILTERED_PAGE : limit;
        List<Map<String, AttributeValue>> kept = new ArrayList<>();
        Map<String, AttributeValue> lastEvaluated = start;
        boolean truncated = false;
        int rounds = 0;
        do {
            Map<String, AttributeValue> from = lastEvaluated;
            QueryResponse response = dynamo.query(b -> {
                b.tableName(table).indexName(LedgerTable.GSI2)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(names).expressionAttributeValues(values)
                        .scanIndexForward(false).limit(pageSize);
                status.ifPresent(st -> b.filterExpression("#status = :status"));
                if (from != null) {
                    b.exclusiveStartKey(from);
                }
            });
            for (Map<String, AttributeValue> item : response.items()) {
                if (kept.size() == limit) {
                    truncated = true;
                    break;
                }
                kept.add(item);
            }
            lastEvaluated = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
            rounds++;
        } while (!truncated && kept.size() < limit && lastEvaluated != null && rounds < MAX_FILTERED_ROUNDS);
        Map<String, AttributeValue> resumeAfter = truncated ? kept.get(kept.size() - 1) : lastEvaluated;
        Optional<String> next = resumeAfter == null ? Optional.empty()
                : Optional.of(OrderCursor.encode(userId.value(), status, resumeAfter));
        return new OrderPage(kept.stream().map(PaymentItems::orderFromItem).toList(), next);
    }

    @Override
    public void attachCheckout(OrderId orderId, String checkoutId, String paymentUrl, Instant at) {
        Order order = find(orderId).orElseThrow(() -> new IllegalStateException("order vanished: " + orderId));
        // An auto top-up's payment has no page to send anyone to: no paymentUrl.
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> values = new java.util.HashMap<>(Map.of(
                ":c", s(checkoutId), ":at", s(LedgerTable.timestamp(at)),
                ":g3pk", s(PaymentItems.checkoutLookup(order.provider(), checkoutId)),
                ":g3sk", s(PaymentItems.ORDER_SK)));
        if (paymentUrl != null) {
            values.put(":u", s(paymentUrl));
        }
        dynamo.updateItem(b -> b.tableName(table).key(PaymentItems.orderKey(orderId.value()))
                .updateExpression("SET checkoutId = :c, " + (paymentUrl != null ? "paymentUrl = :u, " : "")
                        + "updatedAt = :at, #g3pk = :g3pk, #g3sk = :g3sk")
                .conditionExpression("attribute_exists(" + LedgerTable.PK + ")")
                .expressionAttributeNames(Map.of("#g3pk", LedgerTable.GSI3_PK, "#g3sk", LedgerTable.GSI3_SK))
                .expressionAttributeValues(values));
    }

    @Override
    public boolean close(OrderId orderId, OrderStatus to, Instant at) {
        try {
            // The order leaves the pending bucket and joins its closing day's (the payment success rate counts those).
            dynamo.updateItem(b -> b.tableName(table).key(PaymentItems.orderKey(orderId.value()))
                    .updateExpression("SET #status = :to, updatedAt = :at, closedAt = :at, #g4pk = :g4pk, #g4sk = :g4sk")
                    .conditionExpression("#status = :pending")
                    .expressionAttributeNames(Map.of("#status", "status", "#g4pk", LedgerTable.GSI4_PK,
                            "#g4sk", LedgerTable.GSI4_SK))
                    .expressionAttributeValues(Map.of(":to", s(to.wireName()), ":pending", s(OrderStatus.PENDING.wireName()),
                            ":at", s(LedgerTable.timestamp(at)), ":g4pk", s(LedgerTable.closedPk(at)),
                            ":g4sk", s(LedgerTable.timestamp(at) + "#" + orderId.value()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void complete(OrderId orderId, String paymentRef, String subscriptionId, Instant at) {
        var update = PaymentItems.completeOrder(table, orderId.value(), paymentRef, subscriptionId, at);
        dynamo.updateItem(b -> b.tableName(update.tableName()).key(update.key())
                .updateExpression(update.updateExpression()).conditionExpression(update.conditionExpression())
                .expressionAttributeNames(update.expressionAttributeNames())
                .expressionAttributeValues(update.expressionAttributeValues()));
    }

    @Override
    public List<Order> pendingBefore(Instant cutoff, int limit) {
        return dynamo.query(b -> b.tableName(table).indexName(LedgerTable.GSI4)
                        .keyConditionExpression("#pk = :pending AND #sk < :cutoff")
                        .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI4_PK, "#sk", LedgerTable.GSI4_SK))
                        .expressionAttributeValues(Map.of(":pending", s(PaymentItems.PENDING),
                                ":cutoff", s(LedgerTable.timestamp(cutoff))))
                        .limit(limit))
                .items().stream().map(PaymentItems::orderFromItem).toList();
    }

    @Override
    public Optional<Subscription> subscription(UserId userId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(PaymentItems.subscriptionKey(userId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(PaymentItems.subscriptionFromItem(item));
    }

    @Override
    public Optional<Subscription> subscriptionById(String provider, String subscriptionId) {
        List<Map<String, AttributeValue>> items = lookup(PaymentItems.subscriptionLookup(provider, subscriptionId),
                PaymentItems.SUBSCRIPTION_SK);
        return items.isEmpty() ? Optional.empty()
                : subscription(new UserId(Attr.str(items.get(0), "userId")))
                        .filter(s -> subscriptionId.equals(s.subscriptionId()));
    }

    @Override
    public void saveSubscription(Subscription subscription, List<AppEvent> events) {
        write(Put.builder().tableName(table).item(PaymentItems.toItem(subscription)).build(), events);
    }

    /**
     * One conditional put: the stored record is replaced only when it is this subscription's (or absent) and
     * no newer provider event was applied to it. A terminal record (canceled, expired) also wins a tie: Stripe
     * dates events to the second, and an update and a deletion often share one. With events, the put and their
     * outbox items are one transaction.
     */
    @Override
    public boolean saveSubscriptionIfNotStale(Subscription subscription, List<AppEvent> events) {
        if (subscription.eventAt() == null) {
            throw new IllegalArgumentException("a state event's write needs the event's time");
        }
        return write(Put.builder().tableName(table).item(PaymentItems.toItem(subscription))
                .conditionExpression("(attribute_not_exists(#pk) OR subscriptionId = :sid) AND"
                        + " (attribute_not_exists(eventAtMs) OR eventAtMs < :at"
                        + " OR (eventAtMs = :at AND NOT (#status IN (:canceled, :expired, :incompleteExpired))))")
                .expressionAttributeNames(Map.of("#pk", LedgerTable.PK, "#status", "status"))
                .expressionAttributeValues(Map.of(":sid", s(subscription.subscriptionId()),
                        ":at", Attr.n(subscription.eventAt().toEpochMilli()),
                        ":canceled", s("canceled"), ":expired", s("expired"),
                        ":incompleteExpired", s("incomplete_expired"))).build(), events);
    }

    /**
     * The record's put, alone or with the outbox items of its events in one transaction (announced after the
     * commit). False when the record's own condition failed. When only an event's item already existed, the same
     * change from the same cause was committed before (a redelivered provider event racing the first delivery):
     * nothing is written again and the write counts as done.
     */
    private boolean write(Put record, List<AppEvent> events) {
        if (events == null || events.isEmpty()) {
            try {
                dynamo.putItem(b -> b.tableName(record.tableName()).item(record.item())
                        .conditionExpression(record.conditionExpression())
                        .expressionAttributeNames(record.expressionAttributeNames().isEmpty() ? null
                                : record.expressionAttributeNames())
                        .expressionAttributeValues(record.expressionAttributeValues().isEmpty() ? null
                                : record.expressionAttributeValues()));
                return true;
            } catch (ConditionalCheckFailedException e) {
                return false;
            }
        }
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().put(record).build());
        events.forEach(event -> items.add(AppEventItems.outboxPut(table, event)));
        try {
            dynamo.transactWriteItems(b -> b.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (reasons == null || reasons.isEmpty()) {
                throw e;
            }
            if (CCF.equals(reasons.get(0).code())) {
                return false;
            }
            if (reasons.stream().skip(1).anyMatch(r -> CCF.equals(r.code()))) {
                return true; // this change's event is in the outbox already: written by the first delivery
            }
            throw e;
        }
        AppEventItems.announce(notifier, events, DynamoOrderStore.class);
        return true;
    }

    @Override
    public void linkPayment(PaymentLink link) {
        var put = PaymentItems.effect(table, new dev.prepaid.domain.PostingEffect.LinkPayment(link.provider(),
                link.paymentRef(), link.entryId(), link.userId(), link.paid(), link.credits())).put();
        dynamo.putItem(b -> b.tableName(put.tableName()).item(put.item()));
    }

    @Override
    public Optional<PaymentLink> paymentLink(String provider, String paymentRef) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(PaymentItems.paymentKey(provider, paymentRef)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(PaymentItems.linkFromItem(item));
    }

    @Override
    public void recordMismatch(dev.prepaid.domain.payment.PaymentMismatch mismatch) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(PaymentItems.toItem(mismatch))
                    .conditionExpression("attribute_not_exists(" + LedgerTable.PK + ")"));
        } catch (ConditionalCheckFailedException e) {
            // a redelivery of the same event: the first record stays
        }
    }

    private List<Map<String, AttributeValue>> lookup(String pk, String sk) {
        return dynamo.query(b -> b.tableName(table).indexName(LedgerTable.GSI3)
                .keyConditionExpression("#pk = :pk AND #sk = :sk")
                .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI3_PK, "#sk", LedgerTable.GSI3_SK))
                .expressionAttributeValues(Map.of(":pk", s(pk), ":sk", s(sk)))
                .limit(1)).items();
    }
}
