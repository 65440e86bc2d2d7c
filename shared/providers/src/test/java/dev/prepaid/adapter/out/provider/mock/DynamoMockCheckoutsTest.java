package dev.prepaid.adapter.out.provider.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderId;
import dev.prepaid.domain.payment.ProductCatalog;
import dev.prepaid.domain.payment.ProductType;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

class DynamoMockCheckoutsTest {
    static DynamoDbClient dynamo;
    static String table;

    @BeforeAll
    static void table() {
        dynamo = TestClients.dynamo(LocalEngines.shared().dynamoEndpoint());
        table = TestClients.createLedgerTable(dynamo);
    }

    static MockCheckout open(String id, ProductType type) {
        return new MockCheckout(id, OrderId.random().value(), "user-3", type == ProductType.SUBSCRIPTION ? "basic" : "trial",
                type, new Money(1990, "usd"), MockCheckout.Status.OPEN, "http://127.0.0.1:3000/cb?orderId=x",
                "http://127.0.0.1:3000/cb?orderId=x&canceled=1", null, null, Instant.parse("2025-01-31T10:00:00.123Z"),
                Instant.parse("2025-01-31T11:00:00.123Z"));
    }

    @Test
    void roundTripsOpenPaidAndCanceledCheckouts() {
        DynamoMockCheckouts store = new DynamoMockCheckouts(dynamo, table);
        MockCheckout open = open("mock_cs_0123456789abcdef01234567", ProductType.SUBSCRIPTION);

        store.save(open);
        assertEquals(Optional.of(open), store.find(open.id()));

        MockCheckout paid = open.paid();
        store.save(paid);
        assertEquals(Optional.of(paid), store.find(open.id()));
        assertEquals("mock_pi_0123456789abcdef01234567", store.find(open.id()).orElseThrow().paymentRef());
        assertEquals("mock_sub_0123456789abcdef01234567", store.find(open.id()).orElseThrow().subscriptionId());

        MockCheckout other = open("mock_cs_fedcba9876543210fedcba98", ProductType.ONE_TIME);
        MockCheckout canceled = new MockCheckout(other.id(), other.orderId(), other.userId(), other.productId(),
                other.productType(), other.amount(), MockCheckout.Status.OPEN, null, null, null, null,
                other.createdAt(), null).canceled();
        store.save(canceled);
        assertEquals(Optional.of(canceled), store.find(other.id()));
    }

    @Test
    void theItemIsKeyedMockHashIdAndMock() {
        DynamoMockCheckouts store = new DynamoMockCheckouts(dynamo, table);
        MockCheckout open = open("mock_cs_aaaaaaaaaaaaaaaaaaaaaaaa", ProductType.ONE_TIME);
        store.save(open);

        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("MOCK#" + open.id()), "sk", AttributeValue.fromS("MOCK")))
                .build()).item();
        assertEquals("open", item.get("status").s());
        assertEquals("1990", item.get("amountMinor").n());
        assertTrue(item.keySet().stream().noneMatch(name -> name.startsWith("gsi")), item.keySet().toString());
    }

    @Test
    void anUnknownCheckoutIsEmpty() {
        DynamoMockCheckouts store = new DynamoMockCheckouts(dynamo, table);
        assertEquals(Optional.empty(), store.find("mock_cs_nothing"));
        assertEquals(Optional.empty(), store.find(""));
        assertEquals(Optional.empty(), store.find(null));
    }

    @Test
    void theProviderFromEnvKeepsCheckoutsInTheTable() {
        ProductCatalog catalog = ProductCatalog.defaults();
        MockPaymentProvider mock = MockPaymentProvider.fromEnv(new Env(Map.of("MOCK_WEBHOOK_SECRET", "local-secret-123")),
                catalog, dynamo, table);
        Order order = Order.pending(OrderId.random(), new UserId("user-3"), catalog.require("pro"), "mock",
                Instant.now());
        CheckoutSession session = mock.createCheckout(order, catalog.require("pro"), "http://127.0.0.1:3000/cb", null);

        // a second provider instance (another function, or the runner after a restart) sees the same checkout
        MockPaymentProvider again = MockPaymentProvider.fromEnv(new Env(Map.of("MOCK_WEBHOOK_SECRET", "local-secret-123")),
                catalog, dynamo, table);
        assertEquals(CheckoutState.Status.OPEN, again.fetchCheckout(session.checkoutId()).status());
        MockCheckout stored = new DynamoMockCheckouts(dynamo, table).find(session.checkoutId()).orElseThrow();
        assertEquals(order.orderId().value(), stored.orderId());
        assertEquals(ProductType.SUBSCRIPTION, stored.productType());
        assertEquals(new Money(4990, "usd"), stored.amount());
    }
}
