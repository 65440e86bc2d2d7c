package dev.prepaid.adapter.out.provider.mock;

import dev.prepaid.adapter.out.dynamodb.LedgerTable;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.ProductType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Mock checkouts in the ledger table, so the local runner keeps them across restarts and several functions
 * see the same ones: one item per checkout, {@code pk = MOCK#<checkoutId>}, {@code sk = MOCK}. No index
 * attribute is written, so these items never appear in the ledger's indexes.
 */
public final class DynamoMockCheckouts implements MockCheckouts {
    static final String SK = "MOCK";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoMockCheckouts(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
    }

    static Map<String, AttributeValue> key(String checkoutId) {
        return Map.of(LedgerTable.PK, s("MOCK#" + checkoutId), LedgerTable.SK, s(SK));
    }

    @Override
    public void save(MockCheckout c) {
        Map<String, AttributeValue> item = new HashMap<>(key(c.id()));
        item.put("checkoutId", s(c.id()));
        item.put("orderId", s(c.orderId()));
        item.put("userId", s(c.userId()));
        item.put("productId", s(c.productId()));
        item.put("productType", s(c.productType().wireName()));
        item.put("amountMinor", AttributeValue.fromN(Long.toString(c.amount().minor())));
        item.put("currency", s(c.amount().currency()));
        item.put("status", s(c.status().wireName()));
        item.put("createdAt", s(c.createdAt().toString()));
        putIfPresent(item, "successUrl", c.successUrl());
        putIfPresent(item, "cancelUrl", c.cancelUrl());
        putIfPresent(item, "paymentRef", c.paymentRef());
        putIfPresent(item, "subscriptionId", c.subscriptionId());
        putIfPresent(item, "checkoutExpiresAt", c.expiresAt() == null ? null : c.expiresAt().toString());
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).build());
    }

    @Override
    public Optional<MockCheckout> find(String checkoutId) {
        if (checkoutId == null || checkoutId.isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(key(checkoutId)).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MockCheckout(
                str(item, "checkoutId"),
                str(item, "orderId"),
                str(item, "userId"),
                str(item, "productId"),
                ProductType.valueOf(str(item, "productType").toUpperCase(java.util.Locale.ROOT)),
                new Money(Long.parseLong(item.get("amountMinor").n()), str(item, "currency")),
                MockCheckout.Status.fromWireName(str(item, "status")),
                str(item, "successUrl"),
                str(item, "cancelUrl"),
                str(item, "paymentRef"),
                str(item, "subscriptionId"),
                Instant.parse(str(item, "createdAt")),
                str(item, "checkoutExpiresAt") == null ? null : Instant.parse(str(item, "checkoutExpiresAt"))));
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
