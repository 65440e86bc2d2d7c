package dev.prepaid.function.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.application.CreditQueryService;
import dev.prepaid.application.CreditService;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.DeductCreditsCommand;
import dev.prepaid.port.in.GrantCreditsCommand;
import dev.prepaid.port.in.RefundUsageCommand;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One fresh ledger table on the shared DynamoDB Local per test class, seeded through the real write path
 * ({@link CreditService} over {@link DynamoLedgerStore}) with a fixed clock per write, and a way to call
 * the handler and read its JSON answer.
 */
final class QueryFixture {
    private static final PricingCatalog CATALOG = PricingCatalog.defaults();

    final DynamoDbClient client;
    final String table;
    final DynamoLedgerStore store;

    private QueryFixture(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
        this.store = new DynamoLedgerStore(client, table);
    }

    static QueryFixture create() {
        DynamoDbClient client = TestClients.dynamo(LocalEngines.shared().dynamoEndpoint());
        return new QueryFixture(client, TestClients.createLedgerTable(client));
    }

    /** The handler as the Lambda runtime would build it, reading this table, with "now" fixed. */
    CreditsQueryHandler handler(Instant now) {
        return QueryHandlers.of(new CreditQueryService(new DynamoLedgerStore(client, table),
                Clock.fixed(now, ZoneOffset.UTC)), Clock.fixed(now, ZoneOffset.UTC));
    }

    /** A hold of {@code amount} for {@code ttlSeconds}, created at {@code at} through the real write path. */
    String hold(String user, String key, String amount, long ttlSeconds, Instant at) {
        return writerAt(at).createHold(new dev.prepaid.port.in.CreateHoldCommand(new dev.prepaid.domain.UserId(user),
                dev.prepaid.domain.Credits.parsePositive(new java.math.BigDecimal(amount), "amount"), null, null,
                new dev.prepaid.domain.IdempotencyKey(key), ttlSeconds, null)).hold().holdId();
    }

    private CreditService writerAt(Instant at) {
        return new CreditService(store, CATALOG, Clock.fixed(at, ZoneOffset.UTC));
    }

    LedgerEntry grant(String user, String key, String amount, Instant at) {
        return writerAt(at).grant(new GrantCreditsCommand(new UserId(user), Credits.parse(new BigDecimal(amount), "amount"),
                "test grant " + key, new IdempotencyKey(key), "tests")).entry();
    }

    LedgerEntry deduct(String user, String key, String amount, Instant at) {
        return writerAt(at).deduct(new DeductCreditsCommand(new UserId(user),
                Credits.parsePositive(new BigDecimal(amount), "amount"), null, null, new IdempotencyKey(key),
                "fixed deduct " + key, Map.of("job", key))).entry();
    }

    LedgerEntry deductOperation(String user, String key, String operation, Map<String, Object> params, Instant at) {
        return writerAt(at).deduct(new DeductCreditsCommand(new UserId(user), null, operation, params,
                new IdempotencyKey(key), operation + " " + key, Map.of())).entry();
    }

    /** A refund of {@code amount} (null: all of it) of a deduction; {@code key} null means the one full refund. */
    LedgerEntry refund(LedgerEntry deduction, String amount, String key, Instant at) {
        return writerAt(at).refund(new RefundUsageCommand(deduction.entryId(), "job failed",
                amount == null ? null : Credits.parsePositive(new BigDecimal(amount), "amount"),
                key == null ? null : new IdempotencyKey(key))).entry();
    }

    // ---------------------------------------------------------------- calling the handler

    record Reply(int status, Map<String, String> headers, String body, JsonNode json) {
        String text(String field) {
            JsonNode node = json.get(field);
            assertNotNull(node, "no field " + field + " in " + body);
            return node.asText();
        }
    }

    static Reply call(CreditsQueryHandler handler, APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, new TestContext("credits-query"));
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException("the body is not JSON: " + response.getBody(), e);
        }
        return new Reply(response.getStatusCode(), response.getHeaders(), response.getBody(), json);
    }

    static Reply ok(CreditsQueryHandler handler, APIGatewayV2HTTPEvent event) {
        Reply reply = call(handler, event);
        assertEquals(200, reply.status(), reply.body());
        assertEquals("application/json", reply.headers().get("content-type"));
        assertEquals("no-store", reply.headers().get("cache-control"));
        return reply;
    }

    /** Every refusal is JSON with a stable code and a human message, and never shows a stack trace. */
    static Reply assertError(Reply reply, int status, String code) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals("application/json", reply.headers().get("content-type"), reply.body());
        assertTrue(reply.json().isObject(), reply.body());
        assertEquals(code, reply.json().path("error").asText(null), reply.body());
        JsonNode message = reply.json().get("message");
        assertNotNull(message, reply.body());
        assertTrue(message.isTextual() && !message.asText().isBlank(), reply.body());
        for (String leak : List.of("Exception", "at dev.", "at java.", "software.amazon", "\tat ")) {
            assertFalse(reply.body().contains(leak), "leaks '" + leak + "': " + reply.body());
        }
        return reply;
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.get("entryId").asText()));
        return ids;
    }

    static List<String> entryIds(List<LedgerEntry> entries) {
        return entries.stream().map(LedgerEntry::entryId).toList();
    }

    static Instant at(String instant) {
        return Instant.parse(instant);
    }
}
