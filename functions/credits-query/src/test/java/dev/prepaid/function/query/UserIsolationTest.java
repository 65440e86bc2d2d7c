package dev.prepaid.function.query;

import static dev.prepaid.function.query.QueryFixture.at;
import static dev.prepaid.function.query.QueryFixture.entryIds;
import static dev.prepaid.function.query.QueryFixture.ids;
import static dev.prepaid.function.query.QueryFixture.json;
import static dev.prepaid.function.query.QueryFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.testing.Events;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two users in one table: whatever the second asks, on any route and with any parameter, they see only
 * their own ledger. The ids are chosen so that one is a prefix of the other.
 */
class UserIsolationTest {
    private static final String A = "iso-user";
    private static final String B = "iso-user-b";
    private static final String NOBODY = "iso-use";

    private static QueryFixture fixture;
    private static CreditsQueryHandler handler;
    private static final List<LedgerEntry> aEntries = new ArrayList<>();
    private static final List<LedgerEntry> bEntries = new ArrayList<>();

    @BeforeAll
    static void seed() {
        fixture = QueryFixture.create();
        handler = fixture.handler(at("2026-05-20T12:00:00Z"));

        aEntries.add(fixture.grant(A, "iso-a-grant", "500", at("2026-05-18T08:00:00Z")));
        LedgerEntry aVideo = fixture.deductOperation(A, "iso-a-video", "video",
                Map.of("durationSeconds", new java.math.BigDecimal("4")), at("2026-05-18T09:00:00Z"));
        aEntries.add(aVideo);
        aEntries.add(fixture.deduct(A, "iso-a-use-1", "12.5", at("2026-05-19T09:00:00Z")));
        aEntries.add(fixture.refund(aVideo, null, null, at("2026-05-19T10:00:00Z")));
        aEntries.add(fixture.deduct(A, "iso-a-use-2", "7", at("2026-05-20T09:00:00Z")));

        bEntries.add(fixture.grant(B, "iso-b-grant", "20", at("2026-05-19T08:00:00Z")));
        bEntries.add(fixture.deductOperation(B, "iso-b-image", "image", Map.of(), at("2026-05-20T08:00:00Z")));
    }

    private static Events.Builder get(String user, String path) {
        return Events.request("GET", path).user(user)
                // Nothing in the query names the user: these are ignored.
                .query("userId", A).query("user", A).query("sub", A);
    }

    @Test
    void balancesAreEachUsersOwn() {
        assertEquals("{\"userId\":\"iso-user\",\"balance\":480.5,\"held\":0,\"available\":480.5,\"updatedAt\":\"2026-05-20T09:00:00Z\"}",
                ok(handler, Events.request("GET", "/api/credits/balance").user(A).build()).body());
        assertEquals("{\"userId\":\"iso-user-b\",\"balance\":19,\"held\":0,\"available\":19,\"updatedAt\":\"2026-05-20T08:00:00Z\"}",
                ok(handler, get(B, "/api/credits/balance").build()).body());
        assertEquals("{\"userId\":\"iso-use\",\"balance\":0,\"held\":0,\"available\":0,\"updatedAt\":null}",
                ok(handler, get(NOBODY, "/api/credits/balance").build()).body());
    }

    @Test
    void transactionsAreEachUsersOwnWithAndWithoutAType() {
        JsonNode b = ok(handler, get(B, "/api/credits/transactions").build()).json();
        assertEquals(List.of("usage#iso-b-image", "adjustment#iso-b-grant"), ids(b.get("items")));

        JsonNode bUsage = ok(handler, get(B, "/api/credits/transactions").query("type", "usage").build()).json();
        assertEquals(List.of("usage#iso-b-image"), ids(bUsage.get("items")));

        JsonNode bRefunds = ok(handler, get(B, "/api/credits/transactions").query("type", "usage_refund").build())
                .json();
        assertEquals(List.of(), ids(bRefunds.get("items")));

        JsonNode nobody = ok(handler, get(NOBODY, "/api/credits/transactions").build()).json();
        assertEquals(json("{\"items\":[],\"nextCursor\":null}"), nobody);

        List<String> aIds = new ArrayList<>(entryIds(aEntries));
        java.util.Collections.reverse(aIds);
        assertEquals(aIds, ids(ok(handler, Events.request("GET", "/api/credits/transactions").user(A).build())
                .json().get("items")));
    }

    @Test
    void summariesAreEachUsersOwn() {
        JsonNode b = ok(handler, get(B, "/api/credits/usage/summary").query("from", "2026-05-01").build()).json();
        assertEquals(json("[{\"operation\":\"image\",\"count\":1,\"spent\":1,\"refunded\":0,\"net\":1}]"),
                b.get("operations"));
        assertEquals(json("{\"spent\":1,\"refunded\":0,\"net\":1}"), b.get("totals"));

        JsonNode a = ok(handler, Events.request("GET", "/api/credits/usage/summary").user(A)
                .query("from", "2026-05-01").build()).json();
        assertEquals(json("""
                [{"operation":"unspecified","count":2,"spent":19.5,"refunded":0,"net":19.5},
                 {"operation":"video","count":1,"spent":5,"refunded":5,"net":0}]"""), a.get("operations"));

        JsonNode nobody = ok(handler, get(NOBODY, "/api/credits/usage/summary").query("from", "2026-05-01").build())
                .json();
        assertEquals(json("[]"), nobody.get("operations"));
    }

    @Test
    void dailyRowsAreEachUsersOwn() {
        JsonNode b = ok(handler, get(B, "/api/credits/usage/daily").query("days", "3").build()).json();
        assertEquals(json("""
                [{"date":"2026-05-18","count":0,"spent":0,"refunded":0,"net":0},
                 {"date":"2026-05-19","count":0,"spent":0,"refunded":0,"net":0},
                 {"date":"2026-05-20","count":1,"spent":1,"refunded":0,"net":1}]"""), b.get("days"));

        JsonNode a = ok(handler, Events.request("GET", "/api/credits/usage/daily").user(A).query("days", "3").build())
                .json();
        assertEquals(json("""
                [{"date":"2026-05-18","count":1,"spent":5,"refunded":0,"net":5},
                 {"date":"2026-05-19","count":1,"spent":12.5,"refunded":5,"net":7.5},
                 {"date":"2026-05-20","count":1,"spent":7,"refunded":0,"net":7}]"""), a.get("days"));
    }

    @Test
    void noResponseToTheSecondUserMentionsTheFirstUsersEntries() {
        for (String path : List.of("/api/credits/balance", "/api/credits/transactions",
                "/api/credits/usage/summary", "/api/credits/usage/daily")) {
            for (String user : List.of(B, NOBODY)) {
                String body = ok(handler, get(user, path).query("limit", "100").query("days", "30")
                        .query("from", "2026-05-01").build()).body();
                assertFalse(body.contains("iso-a-"), path + " " + user + ": " + body);
                assertFalse(body.contains("\"iso-user\""), path + " " + user + ": " + body);
                assertFalse(body.contains("480.5"), path + " " + user + ": " + body);
            }
        }
    }
}
