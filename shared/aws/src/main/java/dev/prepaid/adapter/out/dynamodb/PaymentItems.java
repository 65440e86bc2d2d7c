package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.n;
import static dev.prepaid.adapter.out.dynamodb.Attr.num;
import static dev.prepaid.adapter.out.dynamodb.Attr.s;
import static dev.prepaid.adapter.out.dynamodb.Attr.str;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.PostingEffect;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.domain.payment.ProductType;
import dev.prepaid.domain.payment.Subscription;
import dev.prepaid.port.out.OrderStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/** Items of the purchase side: orders, subscriptions, payment links, and how posting effects write them. */
final class PaymentItems {
    static final String ORDER_SK = "ORDER";
    static final String SUBSCRIPTION_SK = "SUBSCRIPTION";
    static final String PAYMENT_SK = "PAYMENT";
    static final String PENDING = "PENDING";

    private PaymentItems() {
    }

    static Map<String, AttributeValue> orderKey(String orderId) {
        return Map.of(LedgerTable.PK, s("ORDER#" + orderId), LedgerTable.SK, s(ORDER_SK));
    }

    static Map<String, AttributeValue> subscriptionKey(UserId userId) {
        return Map.of(LedgerTable.PK, s(LedgerTable.userPk(userId.value())), LedgerTable.SK, s(SUBSCRIPTION_SK));
    }

    static Map<String, AttributeValue> paymentKey(String provider, String paymentRef) {
        return Map.of(LedgerTable.PK, s("PAYMENT#" + provider + "#" + paymentRef), LedgerTable.SK, s(PAYMENT_SK));
    }

    static final String MISMATCH_SK = "MISMATCH";
    /** GSI4 bucket of every payment mismatch, newest last (reconciliation and the admin drift route list it). */
    static final String MISMATCH_BUCKET = "MISMATCH";
    /** How long a mismatch stays for a person to look at (the table's TTL removes it after). */
    static final java.time.Duration MISMATCH_RETENTION = java.time.Duration.ofDays(90);

    /** One item per event and provider object: a redelivered event lands on the same item. */
    static Map<String, AttributeValue> mismatchKey(String provider, String eventId, String ref) {
        return Map.of(LedgerTable.PK, s("MISMATCH#" + provider + "#" + eventId + "#" + (ref == null ? "-" : ref)),
                LedgerTable.SK, s(MISMATCH_SK));
    }

    static Map<String, AttributeValue> toItem(dev.prepaid.domain.payment.PaymentMismatch m) {
        Map<String, AttributeValue> item = new HashMap<>(mismatchKey(m.provider(), m.eventId(), m.ref()));
        item.put("provider", s(m.provider()));
        item.put("eventId", s(m.eventId()));
        item.put("reason", s(m.reason()));
        putIfSet(item, "eventType", m.eventType());
        putIfSet(item, "orderId", m.orderId());
        putIfSet(item, "ref", m.ref());
        putIfSet(item, "userId", m.userId());
        if (m.expected() != null) {
            item.put("expectedMinor", n(m.expected().minor()));
            item.put("expectedCurrency", s(m.expected().currency()));
        }
        if (m.got() != null) {
            item.put("gotMinor", n(m.got().minor()));
            item.put("gotCurrency", s(m.got().currency()));
        }
        item.put("at", s(LedgerTable.timestamp(m.at())));
        item.put(LedgerTable.GSI4_PK, s(MISMATCH_BUCKET));
        item.put(LedgerTable.GSI4_SK, s(LedgerTable.timestamp(m.at()) + "#" + m.provider() + "#" + m.eventId()));
        item.put(LedgerTable.TTL, n(m.at().plus(MISMATCH_RETENTION).getEpochSecond()));
        return item;
    }

    static dev.prepaid.domain.payment.PaymentMismatch mismatchFromItem(Map<String, AttributeValue> item) {
        Money expected = item.containsKey("expectedMinor")
                ? new Money(num(item, "expectedMinor"), str(item, "expectedCurrency")) : null;
        Money got = item.containsKey("gotMinor") ? new Money(num(item, "gotMinor"), str(item, "gotCurrency")) : null;
        return new dev.prepaid.domain.payment.PaymentMismatch(str(item, "provider"), str(item, "eventId"),
                str(item, "eventType"), str(item, "reason"), str(item, "orderId"), str(item, "ref"), str(item, "userId"),
                expected, got, Instant.parse(str(item, "at")));
    }

    private static void putIfSet(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    static String checkoutLookup(String provider, String checkoutId) {
        return "CHECKOUT#" + provider + "#" + checkoutId;
    }

    static String subscriptionLookup(String provider, String subscriptionId) {
        return "SUB#" + provider + "#" + subscriptionId;
    }

    static String ordersSk(Order order) {
        return LedgerTable.timestamp(order.createdAt()) + "#" + order.orderId().value();
    }

    static Map<String, AttributeValue> toItem(Order order) {
        Map<String, AttributeValue> item = new HashMap<>(orderKey(order.orderId().value()));
        item.put("orderId", s(order.orderId().value()));
        item.put("userId", s(order.userId().value()));
        item.put("productId", s(order.productId()));
        item.put("productType", s(order.type().wireName()));
        item.put("provider", s(order.provider()));
        item.put("status", s(order.status().wireName()));
        item.put("amountMinor", n(order.amount().minor()));
        item.put("currency", s(order.amount().currency()));
        item.put("credits", n(order.credits().hundredths()));
        item.put("createdAt", s(LedgerTable.timestamp(order.createdAt())));
        item.put("updatedAt", s(LedgerTable.timestamp(order.updatedAt())));
        // The user's order list (GET /api/payment/orders): newest first by creation, never rewritten.
        item.put(LedgerTable.GSI2_PK, s(LedgerTable.ordersPk(order.userId().value())));
        item.put(LedgerTable.GSI2_SK, s(ordersSk(order)));
        if (order.status() == OrderStatus.PENDING) {
            item.put(LedgerTable.GSI4_PK, s(PENDING));
            item.put(LedgerTable.GSI4_SK, s(LedgerTable.timestamp(order.createdAt()) + "#" + order.orderId().value()));
        }
        if (order.checkoutId() != null) {
            item.put("checkoutId", s(order.checkoutId()));
            item.put(LedgerTable.GSI3_PK, s(checkoutLookup(order.provider(), order.checkoutId())));
            item.put(LedgerTable.GSI3_SK, s(ORDER_SK));
        }
        if (order.paymentUrl() != null) {
            item.put("paymentUrl", s(order.paymentUrl()));
        }
        if (order.paymentMethod() != null) {
            item.put("paymentMethod", s(order.paymentMethod()));
        }
        return item;
    }

    static Order orderFromItem(Map<String, AttributeValue> item) {
        return new Order(new OrderId(str(item, "orderId")), new UserId(str(item, "userId")), str(item, "productId"),
                ProductType.valueOf(str(item, "productType").toUpperCase(Locale.ROOT)), str(item, "provider"),
                OrderStatus.fromWireName(str(item, "status")), new Money(num(item, "amountMinor"), str(item, "currency")),
                Credits.ofHundredths(num(item, "credits")), str(item, "checkoutId"), str(item, "paymentUrl"),
                Instant.parse(str(item, "createdAt")), Instant.parse(str(item, "updatedAt")),
                str(item, "paymentMethod"));
    }

    static Map<String, AttributeValue> toItem(Subscription sub) {
        Map<String, AttributeValue> item = new HashMap<>(subscriptionKey(sub.userId()));
        item.put("userId", s(sub.userId().value()));
        item.put("provider", s(sub.provider()));
        item.put("productId", s(sub.productId()));
        item.put("status", s(sub.status()));
        item.put("cancelAtPeriodEnd", AttributeValue.fromBool(sub.cancelAtPeriodEnd()));
        item.put("updatedAt", s(LedgerTable.timestamp(sub.updatedAt() == null ? Instant.now() : sub.updatedAt())));
        if (sub.subscriptionId() != null) {
            item.put("subscriptionId", s(sub.subscriptionId()));
            item.put(LedgerTable.GSI3_PK, s(subscriptionLookup(sub.provider(), sub.subscriptionId())));
            item.put(LedgerTable.GSI3_SK, s(SUBSCRIPTION_SK));
        }
        if (sub.currentPeriodEnd() != null) {
            item.put("currentPeriodEnd", s(LedgerTable.timestamp(sub.currentPeriodEnd())));
        }
        if (sub.customerRef() != null) {
            item.put("customerRef", s(sub.customerRef()));
        }
        if (sub.eventAt() != null) {
            item.put("eventAtMs", n(sub.eventAt().toEpochMilli()));
        }
        return item;
    }

    static Subscription subscriptionFromItem(Map<String, AttributeValue> item) {
        String periodEnd = str(item, "currentPeriodEnd");
        String updatedAt = str(item, "updatedAt");
        AttributeValue cancel = item.get("cancelAtPeriodEnd");
        return new Subscription(new UserId(str(item, "userId")), str(item, "provider"), str(item, "subscriptionId"),
                str(item, "productId"), str(item, "status"), periodEnd == null ? null : Instant.parse(periodEnd),
                cancel != null && Boolean.TRUE.equals(cancel.bool()), str(item, "customerRef"),
                updatedAt == null ? null : Instant.parse(updatedAt),
                item.containsKey("eventAtMs") ? Instant.ofEpochMilli(num(item, "eventAtMs")) : null);
    }

    static OrderStore.PaymentLink linkFromItem(Map<String, AttributeValue> item) {
        return new OrderStore.PaymentLink(str(item, "provider"), str(item, "paymentRef"), str(item, "entryId"),
                new UserId(str(item, "userId")), new Money(num(item, "paidMinor"), str(item, "currency")),
                Credits.ofHundredths(num(item, "credits")));
    }

    /** The transaction item for one posting effect (SetPlan rides on the balance update instead). */
    static TransactWriteItem effect(String table, PostingEffect effect) {
        if (effect instanceof PostingEffect.CompleteOrder complete) {
            return TransactWriteItem.builder().update(completeOrder(table, complete.orderId(), complete.paymentRef(),
                    complete.subscriptionId(), complete.at())).build();
        }
        if (effect instanceof PostingEffect.LinkPayment link) {
            Map<String, AttributeValue> item = new HashMap<>(paymentKey(link.provider(), link.paymentRef()));
            item.put("provider", s(link.provider()));
            item.put("paymentRef", s(link.paymentRef()));
            item.put("entryId", s(link.entryId()));
            item.put("userId", s(link.userId().value()));
            item.put("paidMinor", n(link.paid().minor()));
            item.put("currency", s(link.paid().currency()));
            item.put("credits", n(link.credits().hundredths()));
            return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build();
        }
        if (effect instanceof PostingEffect.RecordSubscription record) {
            return TransactWriteItem.builder().put(Put.builder().tableName(table)
                    .item(toItem(record.subscription())).build()).build();
        }
        return null;
    }

    /**
     * A confirmed payment completes its order whatever it was (pending, failed, expired): money received
     * always wins. The order leaves the pending index.
     */
    static Update completeOrder(String table, String orderId, String paymentRef, String subscriptionId, Instant at) {
        Map<String, String> names = new HashMap<>(Map.of("#status", "status"));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":completed", s(OrderStatus.COMPLETED.wireName()));
        values.put(":at", s(LedgerTable.timestamp(at)));
        StringBuilder set = new StringBuilder("SET #status = :completed, completedAt = :at, updatedAt = :at");
        if (paymentRef != null) {
            values.put(":paymentRef", s(paymentRef));
            set.append(", paymentRef = :paymentRef");
        }
        if (subscriptionId != null) {
            values.put(":subscriptionId", s(subscriptionId));
            set.append(", subscriptionId = :subscriptionId");
        }
        // The order leaves the pending bucket and joins its completion day's (reconciliation checks those).
        values.put(":g4pk", s(LedgerTable.completedPk(at)));
        values.put(":g4sk", s(LedgerTable.timestamp(at) + "#" + orderId));
        names.put("#g4pk", LedgerTable.GSI4_PK);
        names.put("#g4sk", LedgerTable.GSI4_SK);
        set.append(", #g4pk = :g4pk, #g4sk = :g4sk");
        return Update.builder().tableName(table).key(orderKey(orderId))
                .updateExpression(set.toString())
                .conditionExpression("attribute_exists(" + LedgerTable.PK + ")")
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
    }
}
