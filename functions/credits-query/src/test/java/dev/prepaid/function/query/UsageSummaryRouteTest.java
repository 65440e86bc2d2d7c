package dev.prepaid.function.query;

import static dev.prepaid.function.query.QueryFixture.assertError;
import static dev.prepaid.function.query.QueryFixture.at;
import static dev.prepaid.function.query.QueryFixture.call;
import static dev.prepaid.function.query.QueryFixture.json;
import static dev.prepaid.function.query.QueryFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.testing.Events;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GET /api/credits/usage/summary: totals by operation with refunds netted, over a from/to range. */
class UsageSummaryRouteTest {
    private static final String PATH = "/api/credits/usage/summary";
    private static final String USER = "summary-user";

    private static QueryFixture fixture;
    private static CreditsQueryHandler handler;

    @BeforeAll
    static void seed() {
        fixture = QueryFixture.create();
        handler = fixture.handler(at("2026-03-15T12:00:00Z"));

        fixture.grant(USER, "sum-grant-1", "1000", at("2026-01-15T00:00:00Z")); // an adjustment: not usage
        fixture.deductOperation(USER, "sum-image-jan", "image", Map.of(), at("2026-01-31T23:59:59.999Z")); // 1, outside
        LedgerEntry imageHd = fixture.deductOperation(USER, "sum-image-hd", "image", Map.of("quality", "hd"),
                at("2026-02-10T09:00:00Z")); // 1.5
        fixture.deductOperation(USER, "sum-image-std", "image", Map.of("quality", "standard"),
                at("2026-02-10T12:00:00Z")); // 1
        fixture.deductOperation(USER, "sum-image-4k", "image", Map.of("quality", "4k"),
                at("2026-02-10T13:00:00Z")); // 2
        fixture.refund(imageHd, null, null, at("2026-02-11T10:00:00Z")); // image -1.5
        LedgerEntry video = fixture.deductOperation(USER, "sum-video-1", "video",
                Map.of("durationSeconds", new BigDecimal("10")), at("2026-02-12T10:00:00Z")); // 5 x 2 = 10
        fixture.refund(video, "4", "sum-video-refund-1", at("2026-02-13T10:00:00Z")); // video -4
        fixture.deductOperation(USER, "sum-audio-1", "audio", Map.of("durationSeconds", new BigDecimal("61")),
                at("2026-02-20T10:00:00Z")); // 3 x 0.5 = 1.5
        LedgerEntry fixed = fixture.deduct(USER, "sum-fixed-1", "2.25", at("2026-02-25T10:00:00Z")); // unspecified
        fixture.refund(fixed, "0.25", "sum-fixed-refund-1", at("2026-02-26T10:00:00Z")); // unspecified -0.25
        fixture.deduct(USER, "sum-fixed-2", "0.75", at("2026-02-28T23:59:59.999Z")); // unspecified, last ms of Feb
        fixture.deductOperation(USER, "sum-image-mar", "image", Map.of(), at("2026-03-01T00:00:00Z")); // 1, outside
        fixture.refund(video, "1", "sum-video-refund-2", at("2026-03-02T10:00:00Z")); // video -1, in March
        fixture.grant(USER, "sum-grant-2", "-3", at("2026-02-15T00:00:00Z")); // an adjustment: not usage
    }

    private static Events.Builder get(String user) {
        return Events.request("GET", PATH).user(user);
    }

    @Test
    void aMonthByDatesNetsRefundsPerOperation() {
        QueryFixture.Reply reply = ok(handler, get(USER).query("from", "2026-02-01").query("to", "2026-02-28").build());

        assertEquals(json("""
                {"from":"2026-02-01T00:00:00Z","to":"2026-03-01T00:00:00Z",
                 "operations":[
                   {"operation":"audio","count":1,"spent":1.5,"refunded":0,"net":1.5},
                   {"operation":"image","count":3,"spent":4.5,"refunded":1.5,"net":3},
                   {"operation":"unspecified","count":2,"spent":3,"refunded":0.25,"net":2.75},
                   {"operation":"video","count":1,"spent":10,"refunded":4,"net":6}],
                 "totals":{"spent":19,"refunded":5.75,"net":13.25},
                 "truncated":false}"""), reply.json());
    }

    @Test
    void withoutParametersTheLastThirtyDaysUpToNowAreSummed() {
        QueryFixture.Reply reply = ok(handler, get(USER).build());

        // [2026-02-13T12:00Z, 2026-03-15T12:00Z): the video refund of Feb 13 10:00 is just outside.
        assertEquals(json("""
                {"from":"2026-02-13T12:00:00Z","to":"2026-03-15T12:00:00Z",
                 "operations":[
                   {"operation":"audio","count":1,"spent":1.5,"refunded":0,"net":1.5},
                   {"operation":"image","count":1,"spent":1,"refunded":0,"net":1},
                   {"operation":"unspecified","count":2,"spent":3,"refunded":0.25,"net":2.75},
                   {"operation":"video","count":0,"spent":0,"refunded":1,"net":-1}],
                 "totals":{"spent":5.5,"refunded":1.25,"net":4.25},
                 "truncated":false}"""), reply.json());
    }

    @Test
    void instantsIncludeFromAndExcludeTo() {
        QueryFixture.Reply reply = ok(handler, get(USER)
                .query("from", "2026-02-10T12:00:00Z").query("to", "2026-02-10T13:00:00Z").build());

        assertEquals(json("""
                {"from":"2026-02-10T12:00:00Z","to":"2026-02-10T13:00:00Z",
                 "operations":[{"operation":"image","count":1,"spent":1,"refunded":0,"net":1}],
                 "totals":{"spent":1,"refunded":0,"net":1},
                 "truncated":false}"""), reply.json());
    }

    @Test
    void instantsWithFractionsAndOffsetsAreExact() {
        QueryFixture.Reply reply = ok(handler, get(USER)
                .query("from", "2026-02-28T23:59:59.999Z").query("to", "2026-03-01T00:00:00.001Z").build());

        assertEquals(json("""
                {"from":"2026-02-28T23:59:59.999Z","to":"2026-03-01T00:00:00.001Z",
                 "operations":[
                   {"operation":"image","count":1,"spent":1,"refunded":0,"net":1},
                   {"operation":"unspecified","count":1,"spent":0.75,"refunded":0,"net":0.75}],
                 "totals":{"spent":1.75,"refunded":0,"net":1.75},
                 "truncated":false}"""), reply.json());
    }

    @Test
    void aDateFromAndAnInstantToMix() {
        QueryFixture.Reply reply = ok(handler, get(USER)
                .query("from", "2026-02-10").query("to", "2026-02-10T12:00:00Z").build());

        assertEquals(json("""
                {"from":"2026-02-10T00:00:00Z","to":"2026-02-10T12:00:00Z",
                 "operations":[{"operation":"image","count":1,"spent":1.5,"refunded":0,"net":1.5}],
                 "totals":{"spent":1.5,"refunded":0,"net":1.5},
                 "truncated":false}"""), reply.json());
    }

    @Test
    void theSameDateAsFromAndToIsThatOneDay() {
        QueryFixture.Reply reply = ok(handler, get(USER).query("from", "2026-02-11").query("to", "2026-02-11").build());

        assertEquals(json("""
                {"from":"2026-02-11T00:00:00Z","to":"2026-02-12T00:00:00Z",
                 "operations":[{"operation":"image","count":0,"spent":0,"refunded":1.5,"net":-1.5}],
                 "totals":{"spent":0,"refunded":1.5,"net":-1.5},
                 "truncated":false}"""), reply.json());
    }

    @Test
    void onlyAFromRunsToNow() {
        QueryFixture.Reply reply = ok(handler, get(USER).query("from", "2026-03-01").build());

        assertEquals(json("""
                {"from":"2026-03-01T00:00:00Z","to":"2026-03-15T12:00:00Z",
                 "operations":[
                   {"operation":"image","count":1,"spent":1,"refunded":0,"net":1},
                   {"operation":"video","count":0,"spent":0,"refunded":1,"net":-1}],
                 "totals":{"spent":1,"refunded":1,"net":0},
                 "truncated":false}"""), reply.json());
    }

    @Test
    void onlyAToCoversTheThirtyDaysBeforeIt() {
        QueryFixture.Reply reply = ok(handler, get(USER).query("to", "2026-02-10T12:00:00.001Z").build());

        assertEquals("2026-01-11T12:00:00.001Z", reply.text("from"));
        assertEquals(json("""
                [{"operation":"image","count":3,"spent":3.5,"refunded":0,"net":3.5}]"""), reply.json().get("operations"));
    }

    @Test
    void aUserWithoutUsageGetsAnEmptySummary() {
        QueryFixture.Reply reply = ok(handler, get("summary-nobody").query("from", "2026-02-01").build());

        assertEquals(json("""
                {"from":"2026-02-01T00:00:00Z","to":"2026-03-15T12:00:00Z","operations":[],
                 "totals":{"spent":0,"refunded":0,"net":0},"truncated":false}"""), reply.json());
    }

    @ParameterizedTest(name = "from \"{0}\"")
    @ValueSource(strings = {"yesterday", "2026-02-30", "2026-2-1", "2026/02/01", "2026-02-10T12:00:00",
            "2026-02-10 12:00:00Z", "1770000000", "2026-02-10T25:00:00Z", "20260201", "02-01-2026", "2026-02-01Z"})
    void anInvalidFromIsRefused(String from) {
        assertError(call(handler, get(USER).query("from", from).query("to", "2026-03-01").build()), 400,
                "invalid_from");
    }

    @ParameterizedTest(name = "to \"{0}\"")
    @ValueSource(strings = {"tomorrow", "2026-13-01", "2026-02-29", "2026-02-10T12:00", "now", "1770000000"})
    void anInvalidToIsRefused(String to) {
        assertError(call(handler, get(USER).query("from", "2026-02-01").query("to", to).build()), 400, "invalid_to");
    }

    @ParameterizedTest(name = "from {0} to {1}")
    @CsvSource({
            "2026-02-10T12:00:00Z, 2026-02-10T12:00:00Z",
            "2026-02-10T12:00:00Z, 2026-02-10T11:59:59.999Z",
            "2026-03-01, 2026-02-01",
            "2026-02-02, 2026-02-01",
            "2026-02-11, 2026-02-10T12:00:00Z"})
    void fromMustBeBeforeTo(String from, String to) {
        assertError(call(handler, get(USER).query("from", from).query("to", to).build()), 400, "invalid_range");
    }

    @Test
    void aRangeLongerThan366DaysIsRefused() {
        assertError(call(handler, get(USER).query("from", "2025-01-01").query("to", "2026-01-02").build()), 400,
                "invalid_range");
        assertError(call(handler, get(USER).query("from", "2025-01-01T00:00:00Z")
                .query("to", "2026-01-02T00:00:00.001Z").build()), 400, "invalid_range");
        assertError(call(handler, get(USER).query("from", "2020-01-01").build()), 400, "invalid_range");
    }

    @Test
    void exactly366DaysIsAllowed() {
        QueryFixture.Reply byDates = ok(handler, get(USER).query("from", "2025-03-01").query("to", "2026-03-01").build());
        assertEquals("2025-03-01T00:00:00Z", byDates.text("from"));
        assertEquals("2026-03-02T00:00:00Z", byDates.text("to"));
        assertEquals(json("{\"spent\":21,\"refunded\":5.75,\"net\":15.25}"), byDates.json().get("totals"));

        QueryFixture.Reply byInstants = ok(handler, get(USER).query("from", "2025-03-01T00:00:00Z")
                .query("to", "2026-03-02T00:00:00Z").build());
        assertEquals(byDates.json(), byInstants.json());
    }

    @Test
    void datesAtTheEdgesOfTheCalendarAreAnsweredNotFailed() {
        JsonNode empty = json("{\"spent\":0,\"refunded\":0,\"net\":0}");
        assertEquals(empty, ok(handler, get(USER).query("from", "9999-12-01").query("to", "9999-12-31").build())
                .json().get("totals"));
        assertEquals(empty, ok(handler, get(USER).query("from", "0001-01-01").query("to", "0001-01-31").build())
                .json().get("totals"));
        assertEquals(empty, ok(handler, get(USER).query("from", "1969-12-01").query("to", "1970-01-01").build())
                .json().get("totals"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "to, -1000000000-01-01T00:00:00Z, invalid_to",
            "to, +1000000000-12-31T23:59:59Z, invalid_to",
            "from, +1000000000-12-01T00:00:00Z, invalid_from",
            "from, -0001-06-01T00:00:00Z, invalid_from",
            "to, +10001-01-01T00:00:00Z, invalid_to",
            "from, 0000-12-31, invalid_from"})
    void instantsOutsideTheCalendarAreRefusedNotFailed(String name, String value, String code) {
        assertError(call(handler, get(USER).query(name, value).build()), 400, code);
    }

    @Test
    void parametersNamingAnotherUserAreIgnored() {
        QueryFixture.Reply reply = ok(handler, get("summary-nobody").query("from", "2026-02-01")
                .query("to", "2026-02-28").query("userId", USER).query("user", USER).query("sub", USER).build());

        assertEquals(json("[]"), reply.json().get("operations"));
    }
}
