package dev.prepaid.function.query;

import static dev.prepaid.function.query.QueryFixture.at;
import static dev.prepaid.function.query.QueryFixture.json;
import static dev.prepaid.function.query.QueryFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.prepaid.testing.Events;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /api/credits/balance against DynamoDB Local, seeded through the real write path. */
class BalanceRouteTest {
    private static final String PATH = "/api/credits/balance";
    private static QueryFixture fixture;
    private static CreditsQueryHandler handler;

    @BeforeAll
    static void seed() {
        fixture = QueryFixture.create();
        handler = fixture.handler(at("2026-04-01T00:00:00Z"));
    }

    @Test
    void aUserWithNoLedgerHasZeroAndNoUpdatedAt() {
        QueryFixture.Reply reply = ok(handler, Events.request("GET", PATH).user("balance-nobody").build());

        assertEquals("{\"userId\":\"balance-nobody\",\"balance\":0,\"held\":0,\"available\":0,\"updatedAt\":null}", reply.body());
    }

    @Test
    void grantsAndDeductsGiveTheExactDecimalBalanceAndTheLastWriteTime() {
        fixture.grant("balance-a", "ba-grant-1", "1000", at("2026-03-01T10:00:00Z"));
        fixture.deduct("balance-a", "ba-use-1", "20.5", at("2026-03-02T11:30:00.250Z"));

        QueryFixture.Reply reply = ok(handler, Events.request("GET", PATH).user("balance-a").build());

        assertEquals("{\"userId\":\"balance-a\",\"balance\":979.5,\"held\":0,\"available\":979.5,\"updatedAt\":\"2026-03-02T11:30:00.250Z\"}",
                reply.body());
    }

    @Test
    void pricedOperationsRefundsAndHundredthsStayExact() {
        fixture.grant("balance-b", "bb-grant-1", "10.25", at("2026-03-01T00:00:00Z"));
        var image = fixture.deductOperation("balance-b", "bb-image-1", "image", Map.of("quality", "hd"),
                at("2026-03-01T00:01:00Z")); // 1.5
        fixture.deduct("balance-b", "bb-use-1", "0.01", at("2026-03-01T00:02:00Z"));
        fixture.deductOperation("balance-b", "bb-audio-1", "audio",
                Map.of("durationSeconds", new java.math.BigDecimal("61")), at("2026-03-01T00:03:00Z")); // 3 x 0.5
        fixture.refund(image, null, null, at("2026-03-01T00:04:00Z")); // + 1.5

        QueryFixture.Reply reply = ok(handler, Events.request("GET", PATH).user("balance-b").build());

        // 10.25 - 1.5 - 0.01 - 1.5 + 1.5
        assertEquals(json("{\"userId\":\"balance-b\",\"balance\":8.74,\"held\":0,\"available\":8.74,\"updatedAt\":\"2026-03-01T00:04:00Z\"}"),
                reply.json());
        assertEquals("8.74", reply.text("balance"));
    }

    @Test
    void aNegativeAdjustmentCanLeaveADebt() {
        fixture.grant("balance-c", "bc-grant-1", "5", at("2026-03-05T00:00:00Z"));
        fixture.grant("balance-c", "bc-claw-1", "-7.5", at("2026-03-06T00:00:00Z"));

        QueryFixture.Reply reply = ok(handler, Events.request("GET", PATH).user("balance-c").build());

        assertEquals("{\"userId\":\"balance-c\",\"balance\":-2.5,\"held\":0,\"available\":-2.5,\"updatedAt\":\"2026-03-06T00:00:00Z\"}", reply.body());
    }

    @Test
    void wholeNumbersAreWrittenWithoutDecimalsOrExponents() {
        fixture.grant("balance-d", "bd-grant-1", "1000000", at("2026-03-05T00:00:00Z"));
        fixture.deduct("balance-d", "bd-use-1", "0.5", at("2026-03-05T00:00:01Z"));
        fixture.deduct("balance-d", "bd-use-2", "0.5", at("2026-03-05T00:00:02Z"));

        QueryFixture.Reply reply = ok(handler, Events.request("GET", PATH).user("balance-d").build());

        assertEquals("{\"userId\":\"balance-d\",\"balance\":999999,\"held\":0,\"available\":999999,\"updatedAt\":\"2026-03-05T00:00:02Z\"}",
                reply.body());
    }

    @Test
    void heldAndAvailableShowActiveHoldsAndAHoldPastItsTimeCountsAsReleased() {
        fixture.grant("balance-h", "bh-grant-1", "100", at("2026-03-31T23:00:00Z"));
        fixture.hold("balance-h", "bh-hold-1", "20", 3600, at("2026-03-31T23:30:00Z")); // until 00:30, live at 00:00
        fixture.hold("balance-h", "bh-hold-2", "5", 60, at("2026-03-31T23:40:00Z")); // expired at 23:41

        QueryFixture.Reply reply = ok(handler, Events.request("GET", PATH).user("balance-h").build());

        assertEquals("100", reply.text("balance"));
        assertEquals("20", reply.text("held"));
        assertEquals("80", reply.text("available"));
    }
}
