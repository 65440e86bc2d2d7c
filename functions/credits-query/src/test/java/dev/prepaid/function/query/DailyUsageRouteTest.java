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
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GET /api/credits/usage/daily: one row per UTC day, oldest first, with usage placed on days by the clock. */
class DailyUsageRouteTest {
    private static final String PATH = "/api/credits/usage/daily";
    private static final String USER = "daily-user";

    private static QueryFixture fixture;
    /** "Now" is the afternoon of 2026-03-10, so days=7 is 2026-03-04 .. 2026-03-10. */
    private static CreditsQueryHandler handler;

    @BeforeAll
    static void seed() {
        fixture = QueryFixture.create();
        handler = fixture.handler(at("2026-03-10T15:00:00Z"));

        fixture.grant(USER, "day-grant-1", "100", at("2026-03-01T08:00:00Z"));
        fixture.deduct(USER, "day-use-0303", "1.25", at("2026-03-03T23:59:59.999Z")); // the day before the window
        fixture.deduct(USER, "day-use-0304a", "2", at("2026-03-04T00:00:00Z")); // the window's first instant
        fixture.deduct(USER, "day-use-0304b", "0.5", at("2026-03-04T12:00:00Z"));
        LedgerEntry hd = fixture.deductOperation(USER, "day-image-0306", "image", Map.of("quality", "hd"),
                at("2026-03-06T23:59:59.999Z")); // 1.5
        fixture.refund(hd, "0.5", "day-refund-0307", at("2026-03-07T00:00:00Z")); // refunded the next day
        fixture.grant(USER, "day-grant-0308", "10", at("2026-03-08T09:00:00Z")); // not usage
        fixture.deduct(USER, "day-use-0310", "3", at("2026-03-10T14:59:59Z"));
        fixture.deduct(USER, "day-use-0311", "4", at("2026-03-11T00:00:00Z")); // tomorrow: outside
        fixture.deduct(USER, "day-use-0208", "7", at("2026-02-08T23:00:00Z")); // 31 days ago
        fixture.deduct(USER, "day-use-0209", "0.01", at("2026-02-09T00:00:00Z")); // first day of the 30
    }

    private static Events.Builder get(String user) {
        return Events.request("GET", PATH).user(user);
    }

    @Test
    void sevenDaysAreSevenRowsOldestFirstWithZeroDays() {
        QueryFixture.Reply reply = ok(handler, get(USER).query("days", "7").build());

        assertEquals(json("""
                {"days":[
                  {"date":"2026-03-04","count":2,"spent":2.5,"refunded":0,"net":2.5},
                  {"date":"2026-03-05","count":0,"spent":0,"refunded":0,"net":0},
                  {"date":"2026-03-06","count":1,"spent":1.5,"refunded":0,"net":1.5},
                  {"date":"2026-03-07","count":0,"spent":0,"refunded":0.5,"net":-0.5},
                  {"date":"2026-03-08","count":0,"spent":0,"refunded":0,"net":0},
                  {"date":"2026-03-09","count":0,"spent":0,"refunded":0,"net":0},
                  {"date":"2026-03-10","count":1,"spent":3,"refunded":0,"net":3}],
                 "truncated":false}"""), reply.json());
    }

    @Test
    void oneDayIsToday() {
        QueryFixture.Reply reply = ok(handler, get(USER).query("days", "1").build());

        assertEquals("{\"days\":[{\"date\":\"2026-03-10\",\"count\":1,\"spent\":3,\"refunded\":0,\"net\":3}],"
                + "\"truncated\":false}", reply.body());
    }

    @Test
    void theDefaultIsThirtyDaysEndingToday() {
        JsonNode days = ok(handler, get(USER).build()).json().get("days");

        assertEquals(30, days.size());
        LocalDate date = LocalDate.parse("2026-02-09");
        long count = 0;
        for (JsonNode day : days) {
            assertEquals(date.toString(), day.get("date").asText());
            count += day.get("count").asLong();
            date = date.plusDays(1);
        }
        assertEquals(LocalDate.parse("2026-03-11"), date);
        assertEquals(6, count);
        assertEquals(json("{\"date\":\"2026-02-09\",\"count\":1,\"spent\":0.01,\"refunded\":0,\"net\":0.01}"),
                days.get(0));
        assertEquals(json("{\"date\":\"2026-03-03\",\"count\":1,\"spent\":1.25,\"refunded\":0,\"net\":1.25}"),
                days.get(22));
    }

    @Test
    void theLongestWindowIs366Rows() {
        JsonNode days = ok(handler, get(USER).query("days", "366").build()).json().get("days");

        assertEquals(366, days.size());
        assertEquals("2025-03-10", days.get(0).get("date").asText());
        assertEquals("2026-03-10", days.get(365).get("date").asText());
        long count = 0;
        for (JsonNode day : days) {
            count += day.get("count").asLong();
        }
        assertEquals(7, count);
    }

    @Test
    void aUserWithoutUsageGetsZeroRows() {
        QueryFixture.Reply reply = ok(handler, get("daily-nobody").query("days", "2").build());

        assertEquals("{\"days\":[{\"date\":\"2026-03-09\",\"count\":0,\"spent\":0,\"refunded\":0,\"net\":0},"
                + "{\"date\":\"2026-03-10\",\"count\":0,\"spent\":0,\"refunded\":0,\"net\":0}],\"truncated\":false}",
                reply.body());
    }

    @Test
    void todayFollowsTheClockInUtc() {
        // Just after midnight UTC the new day has begun: yesterday's usage moves one row up.
        CreditsQueryHandler midnight = fixture.handler(at("2026-03-11T00:00:00.001Z"));

        JsonNode days = ok(midnight, get(USER).query("days", "2").build()).json().get("days");

        assertEquals(json("""
                [{"date":"2026-03-10","count":1,"spent":3,"refunded":0,"net":3},
                 {"date":"2026-03-11","count":1,"spent":4,"refunded":0,"net":4}]"""), days);
    }

    @ParameterizedTest(name = "days \"{0}\"")
    @ValueSource(strings = {"0", "367", "abc", "-1", "1.5", "+7", "7 ", "99999999999", "1000000"})
    void daysOutsideOneTo366AreRefused(String days) {
        assertError(call(handler, get(USER).query("days", days).build()), 400, "invalid_days");
    }
}
