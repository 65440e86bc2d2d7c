package dev.prepaid.function.query;

import static dev.prepaid.function.query.QueryFixture.at;
import static dev.prepaid.function.query.QueryFixture.json;
import static dev.prepaid.function.query.QueryFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.testing.Events;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The checked-in events/credits-query/*.json fixtures (also usable with {@code sam local invoke -e}),
 * read with the Lambda runtime's own serializer and answered by the handler from DynamoDB Local.
 */
class EventFixturesTest {
    private static final String USER = "user-fixture-1";

    private static QueryFixture fixture;
    /** "Now" is the fixtures' request time. */
    private static CreditsQueryHandler handler;

    @BeforeAll
    static void seed() {
        fixture = QueryFixture.create();
        handler = fixture.handler(at("2026-01-20T12:00:00Z"));

        fixture.grant(USER, "fx-grant-1", "100", at("2026-01-02T09:00:00Z"));
        fixture.deductOperation(USER, "fx-image", "image", Map.of("quality", "hd"), at("2026-01-14T10:00:00Z"));
        fixture.deduct(USER, "fx-use-0115", "2.5", at("2026-01-15T10:00:00Z"));
        LedgerEntry video = fixture.deductOperation(USER, "fx-video", "video",
                Map.of("durationSeconds", new BigDecimal("3")), at("2026-01-16T10:00:00Z"));
        fixture.refund(video, null, null, at("2026-01-16T10:05:00Z"));
        fixture.deduct(USER, "fx-use-0120", "0.25", at("2026-01-20T08:00:00Z"));
        // Someone else's usage, which no fixture may show.
        fixture.grant("user-fixture-2", "fx2-grant-1", "10", at("2026-01-15T00:00:00Z"));
        fixture.deduct("user-fixture-2", "fx2-use-1", "3", at("2026-01-19T00:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "balance.json, /api/credits/balance, ''",
            "transactions.json, /api/credits/transactions, limit=10&type=usage",
            "usage-summary.json, /api/credits/usage/summary, from=2026-01-01&to=2026-01-31",
            "usage-daily.json, /api/credits/usage/daily, days=7"})
    void eachFixtureIsARealisticHttpApiEvent(String file, String path, String rawQuery) {
        APIGatewayV2HTTPEvent event = Events.load("credits-query/" + file);

        assertEquals("2.0", event.getVersion());
        assertEquals("GET " + path, event.getRouteKey());
        assertEquals(path, event.getRawPath());
        assertEquals(rawQuery, event.getRawQueryString());
        assertNotNull(event.getQueryStringParameters());
        assertFalse(event.getIsBase64Encoded());
        assertEquals("application/json", event.getHeaders().get("accept"));
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        assertEquals("123456789012", context.getAccountId());
        assertEquals("GET " + path, context.getRouteKey());
        assertEquals("$default", context.getStage());
        assertEquals("GET", context.getHttp().getMethod());
        assertEquals(path, context.getHttp().getPath());
        assertEquals("HTTP/1.1", context.getHttp().getProtocol());
        assertNotNull(context.getHttp().getSourceIp());
        assertNotNull(context.getHttp().getUserAgent());
        assertNotNull(context.getRequestId());
        assertNotNull(context.getDomainName());
        assertNotNull(context.getApiId());
        assertNotNull(context.getTime());
        assertEquals(1_768_910_400_000L, context.getTimeEpoch() / 60_000 * 60_000);
        Map<String, String> claims = context.getAuthorizer().getJwt().getClaims();
        assertEquals(USER, claims.get("sub"));
        assertEquals("4102444800", claims.get("exp"));
        assertNotNull(claims.get("iss"));
        assertNotNull(claims.get("aud"));
        assertNotNull(claims.get("scope"));
        assertEquals(List.of("openid", "profile", "email"), context.getAuthorizer().getJwt().getScopes());
    }

    @Test
    void balanceFixture() {
        QueryFixture.Reply reply = ok(handler, Events.load("credits-query/balance.json"));

        assertEquals("{\"userId\":\"user-fixture-1\",\"balance\":95.75,\"held\":0,\"available\":95.75,\"updatedAt\":\"2026-01-20T08:00:00Z\"}",
                reply.body());
    }

    @Test
    void transactionsFixture() {
        QueryFixture.Reply reply = ok(handler, Events.load("credits-query/transactions.json"));

        assertEquals(List.of("usage#fx-use-0120", "usage#fx-video", "usage#fx-use-0115", "usage#fx-image"),
                QueryFixture.ids(reply.json().get("items")));
        reply.json().get("items").forEach(item -> assertEquals("usage", item.get("type").asText()));
        assertEquals(json("{\"entryId\":\"usage#fx-use-0120\",\"type\":\"usage\",\"amount\":-0.25,"
                + "\"balanceAfter\":95.75,\"sequence\":6,\"description\":\"fixed deduct fx-use-0120\","
                + "\"metadata\":{\"job\":\"fx-use-0120\"},\"createdAt\":\"2026-01-20T08:00:00Z\"}"),
                reply.json().get("items").get(0));
        assertEquals(json("null"), reply.json().get("nextCursor"));
    }

    @Test
    void usageSummaryFixture() {
        QueryFixture.Reply reply = ok(handler, Events.load("credits-query/usage-summary.json"));

        assertEquals(json("""
                {"from":"2026-01-01T00:00:00Z","to":"2026-02-01T00:00:00Z",
                 "operations":[
                   {"operation":"image","count":1,"spent":1.5,"refunded":0,"net":1.5},
                   {"operation":"unspecified","count":2,"spent":2.75,"refunded":0,"net":2.75},
                   {"operation":"video","count":1,"spent":5,"refunded":5,"net":0}],
                 "totals":{"spent":9.25,"refunded":5,"net":4.25},
                 "truncated":false}"""), reply.json());
    }

    @Test
    void usageDailyFixture() {
        QueryFixture.Reply reply = ok(handler, Events.load("credits-query/usage-daily.json"));

        assertEquals(json("""
                {"days":[
                  {"date":"2026-01-14","count":1,"spent":1.5,"refunded":0,"net":1.5},
                  {"date":"2026-01-15","count":1,"spent":2.5,"refunded":0,"net":2.5},
                  {"date":"2026-01-16","count":1,"spent":5,"refunded":5,"net":0},
                  {"date":"2026-01-17","count":0,"spent":0,"refunded":0,"net":0},
                  {"date":"2026-01-18","count":0,"spent":0,"refunded":0,"net":0},
                  {"date":"2026-01-19","count":0,"spent":0,"refunded":0,"net":0},
                  {"date":"2026-01-20","count":1,"spent":0.25,"refunded":0,"net":0.25}],
                 "truncated":false}"""), reply.json());
    }
}
