package dev.prepaid.function.query;

import static dev.prepaid.function.query.QueryFixture.assertError;
import static dev.prepaid.function.query.QueryFixture.at;
import static dev.prepaid.function.query.QueryFixture.call;
import static dev.prepaid.function.query.QueryFixture.entryIds;
import static dev.prepaid.function.query.QueryFixture.ids;
import static dev.prepaid.function.query.QueryFixture.json;
import static dev.prepaid.function.query.QueryFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.testing.Events;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GET /api/credits/transactions: order, paging, type filter, bounds and cursors, on DynamoDB Local. */
class TransactionsRouteTest {
    private static final String PATH = "/api/credits/transactions";
    private static final String USER = "tx-user";
    private static final String OTHER = "tx-user-2"; // the first user's id is a prefix of this one
    private static final Instant BASE = at("2026-02-01T00:00:00Z");

    private static QueryFixture fixture;
    private static CreditsQueryHandler handler;
    /** The user's entries in the order they were written (sequence 1..47). */
    private static final List<LedgerEntry> written = new ArrayList<>();
    private static final List<LedgerEntry> otherWritten = new ArrayList<>();

    @BeforeAll
    static void seed() {
        fixture = QueryFixture.create();
        handler = fixture.handler(at("2026-03-01T00:00:00Z"));
        written.add(fixture.grant(USER, "txa-grant-1", "1000", BASE.plus(1, ChronoUnit.MINUTES)));
        LedgerEntry lastUsage = null;
        for (int i = 2; i <= 47; i++) {
            Instant when = BASE.plus(i, ChronoUnit.MINUTES).plusMillis(i);
            LedgerEntry entry;
            if (i % 7 == 0) {
                entry = fixture.grant(USER, "txa-grant-" + i, "2.5", when);
            } else if (i % 11 == 0) {
                entry = fixture.refund(lastUsage, null, null, when);
            } else if (i % 3 == 0) {
                entry = fixture.deductOperation(USER, "txa-image-" + i, "image", Map.of("quality", "hd"), when);
                lastUsage = entry;
            } else {
                entry = fixture.deduct(USER, "txa-use-" + i, "1.25", when);
                lastUsage = entry;
            }
            written.add(entry);
        }
        otherWritten.add(fixture.grant(OTHER, "txb-grant-1", "50", BASE.plus(2, ChronoUnit.HOURS)));
        for (int i = 2; i <= 8; i++) {
            otherWritten.add(fixture.deduct(OTHER, "txb-use-" + i, "0.75", BASE.plus(2, ChronoUnit.HOURS).plusSeconds(i)));
        }
    }

    private static List<LedgerEntry> newestFirst(List<LedgerEntry> entries, EntryType type) {
        List<LedgerEntry> result = new ArrayList<>(entries.stream()
                .filter(e -> type == null || e.type() == type).toList());
        java.util.Collections.reverse(result);
        return result;
    }

    private static Events.Builder get(String user) {
        return Events.request("GET", PATH).user(user);
    }

    @Test
    void theSeedIsWhatTheTestsAssume() {
        assertEquals(47, written.size());
        for (int i = 0; i < written.size(); i++) {
            assertEquals(i + 1, written.get(i).sequence());
        }
        assertEquals(7, newestFirst(written, EntryType.ADJUSTMENT).size());
        assertEquals(4, newestFirst(written, EntryType.USAGE_REFUND).size());
        assertEquals(36, newestFirst(written, EntryType.USAGE).size());
    }

    @Test
    void theFirstPageHasTwentyEntriesNewestFirstAndACursor() {
        QueryFixture.Reply reply = ok(handler, get(USER).build());

        JsonNode items = reply.json().get("items");
        assertEquals(20, items.size());
        assertEquals(entryIds(newestFirst(written, null).subList(0, 20)), ids(items));
        for (int i = 0; i < 20; i++) {
            assertEquals(47 - i, items.get(i).get("sequence").asLong());
            assertItemIs(written.get(46 - i), items.get(i));
        }
        assertTrue(reply.json().get("nextCursor").isTextual(), reply.body());
        assertEquals(Set.of("items", "nextCursor"), fieldNames(reply.json()));
    }

    @Test
    void entriesLookTheSameOnTheWireAsInTheLedger() {
        QueryFixture.Reply reply = ok(handler, get(USER).query("limit", "100").build());
        JsonNode items = reply.json().get("items");

        // The oldest: the first grant. Internal metadata (_reason, _actor) is never shown.
        assertEquals(json("{\"entryId\":\"adjustment#txa-grant-1\",\"type\":\"adjustment\",\"amount\":1000,"
                + "\"balanceAfter\":1000,\"sequence\":1,\"description\":\"test grant txa-grant-1\",\"metadata\":{},"
                + "\"createdAt\":\"2026-02-01T00:01:00Z\"}"), items.get(46));
        // Sequence 2: a fixed-amount deduct with caller metadata.
        assertEquals(json("{\"entryId\":\"usage#txa-use-2\",\"type\":\"usage\",\"amount\":-1.25,"
                + "\"balanceAfter\":998.75,\"sequence\":2,\"description\":\"fixed deduct txa-use-2\","
                + "\"metadata\":{\"job\":\"txa-use-2\"},\"createdAt\":\"2026-02-01T00:02:00.002Z\"}"), items.get(45));
        // Sequence 3: a priced operation carries its operation name; the price breakdown stays internal.
        assertEquals(json("{\"entryId\":\"usage#txa-image-3\",\"type\":\"usage\",\"amount\":-1.5,"
                + "\"balanceAfter\":997.25,\"sequence\":3,\"operation\":\"image\",\"description\":\"image txa-image-3\","
                + "\"metadata\":{},\"createdAt\":\"2026-02-01T00:03:00.003Z\"}"), items.get(44));
        // Sequence 11: the full refund of sequence 10's deduct.
        assertEquals("usage_refund#usage#txa-use-10#", items.get(36).get("entryId").asText());
        assertEquals("usage_refund", items.get(36).get("type").asText());
        assertEquals("1.25", items.get(36).get("amount").asText());
        // The newest entry's balance-after is the balance.
        QueryFixture.Reply balance = ok(handler, Events.request("GET", "/api/credits/balance").user(USER).build());
        assertEquals(balance.text("balance"), items.get(0).get("balanceAfter").asText());
        assertEquals(json("null"), reply.json().get("nextCursor"));
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {1, 3, 10, 20, 46, 47, 100})
    void pagingVisitsEveryEntryExactlyOnceNewestFirst(int limit) {
        List<String> collected = collect(USER, null, limit);

        assertEquals(entryIds(newestFirst(written, null)), collected);
        assertEquals(47, new HashSet<>(collected).size());
    }

    @Test
    void pagesOfTenAreTenTenTenTenSeven() {
        List<Integer> sizes = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        String cursor = null;
        do {
            Events.Builder request = get(USER).query("limit", "10");
            if (cursor != null) {
                request.query("cursor", cursor);
            }
            JsonNode page = ok(handler, request.build()).json();
            sizes.add(page.get("items").size());
            page.get("items").forEach(item -> sequences.add(item.get("sequence").asLong()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null && sizes.size() < 20);

        assertEquals(List.of(10, 10, 10, 10, 7), sizes);
        List<Long> expected = new ArrayList<>();
        for (long s = 47; s >= 1; s--) {
            expected.add(s);
        }
        assertEquals(expected, sequences);
    }

    @Test
    void theSameCursorGivesTheSamePage() {
        String cursor = ok(handler, get(USER).query("limit", "5").build()).text("nextCursor");

        JsonNode first = ok(handler, get(USER).query("limit", "5").query("cursor", cursor).build()).json();
        JsonNode again = ok(handler, get(USER).query("limit", "5").query("cursor", cursor).build()).json();

        assertEquals(first, again);
        assertEquals(entryIds(newestFirst(written, null).subList(5, 10)), ids(first.get("items")));
    }

    @ParameterizedTest(name = "type {0} by {1}")
    @MethodSource("typePages")
    void aTypeFilterPagesThroughThatTypeOnly(EntryType type, int limit) {
        List<String> collected = collect(USER, type.wireName(), limit);

        assertEquals(entryIds(newestFirst(written, type)), collected);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> typePages() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(EntryType.USAGE, 5),
                org.junit.jupiter.params.provider.Arguments.of(EntryType.USAGE, 36),
                org.junit.jupiter.params.provider.Arguments.of(EntryType.USAGE, 100),
                org.junit.jupiter.params.provider.Arguments.of(EntryType.ADJUSTMENT, 3),
                org.junit.jupiter.params.provider.Arguments.of(EntryType.ADJUSTMENT, 20),
                org.junit.jupiter.params.provider.Arguments.of(EntryType.USAGE_REFUND, 1));
    }

    @Test
    void aTypeFilterPageHoldsOnlyThatTypeNewestFirst() {
        JsonNode usage = ok(handler, get(USER).query("type", "usage").query("limit", "4").build()).json();
        assertEquals(entryIds(newestFirst(written, EntryType.USAGE).subList(0, 4)), ids(usage.get("items")));
        usage.get("items").forEach(item -> assertEquals("usage", item.get("type").asText()));
        assertTrue(usage.get("nextCursor").isTextual());

        JsonNode adjustments = ok(handler, get(USER).query("type", "adjustment").build()).json();
        assertEquals(List.of("adjustment#txa-grant-42", "adjustment#txa-grant-35", "adjustment#txa-grant-28",
                "adjustment#txa-grant-21", "adjustment#txa-grant-14", "adjustment#txa-grant-7",
                "adjustment#txa-grant-1"), ids(adjustments.get("items")));
        assertTrue(adjustments.get("nextCursor").isNull());
    }

    @Test
    void aTypeWithNoEntriesIsAnEmptyPage() {
        QueryFixture.Reply reply = ok(handler, get(USER).query("type", "purchase").build());

        assertEquals("{\"items\":[],\"nextCursor\":null}", reply.body());
    }

    @Test
    void anEmptyTypeOrCursorMeansNone() {
        JsonNode page = ok(handler, get(USER).query("type", "").query("cursor", "").query("limit", "3").build()).json();

        assertEquals(entryIds(newestFirst(written, null).subList(0, 3)), ids(page.get("items")));
    }

    @ParameterizedTest(name = "limit \"{0}\"")
    @ValueSource(strings = {"0", "101", "abc", "-1", "1.5", "+5", "1e2", " 5", "9999999999", "2147483648", "١٠"})
    void aLimitOutsideOneToHundredIsRefused(String limit) {
        assertError(call(handler, get(USER).query("limit", limit).build()), 400, "invalid_limit");
    }

    @Test
    void limitsOneAndHundredAreTheBounds() {
        JsonNode one = ok(handler, get(USER).query("limit", "1").build()).json();
        assertEquals(List.of(written.get(46).entryId()), ids(one.get("items")));
        assertTrue(one.get("nextCursor").isTextual());

        JsonNode hundred = ok(handler, get(USER).query("limit", "100").build()).json();
        assertEquals(47, hundred.get("items").size());
        assertTrue(hundred.get("nextCursor").isNull());

        JsonNode padded = ok(handler, get(USER).query("limit", "007").build()).json();
        assertEquals(7, padded.get("items").size());
    }

    @ParameterizedTest(name = "type \"{0}\"")
    @ValueSource(strings = {"refund", "USAGE", "Usage", "usage,adjustment", "usage ", "all", "usage_refund#"})
    void anUnknownTypeIsRefused(String type) {
        assertError(call(handler, get(USER).query("type", type).build()), 400, "invalid_type");
    }

    @ParameterizedTest(name = "cursor {0}")
    @MethodSource("badCursors")
    void aCursorThisApiDidNotIssueIsRefused(String label, String cursor) {
        assertError(call(handler, get(USER).query("cursor", cursor).build()), 400, "invalid_cursor");
        assertError(call(handler, get(USER).query("cursor", cursor).query("type", "usage").build()), 400,
                "invalid_cursor");
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badCursors() {
        String sk = "00000000000000000030";
        return Stream.of(
                args("garbage", "garbage!!"),
                args("not base64 of a cursor", "not-a-cursor"),
                args("standard base64 alphabet", "c1+/c1+/"),
                args("too long", "A".repeat(3000)),
                args("unknown version", b64("c2\ngsi1\n" + sk + "\nENTRY#usage#txa-use-30")),
                args("three parts", b64("c1\ngsi1\n" + sk)),
                args("five parts", b64("c1\ngsi1\n" + sk + "\nENTRY#usage#txa-use-30\nx")),
                args("empty sort key", b64("c1\ngsi1\n\nENTRY#usage#txa-use-30")),
                args("not an entry key", b64("c1\ngsi1\n" + sk + "\nUSER#tx-user")),
                args("empty entry id", b64("c1\ngsi1\n" + sk + "\nENTRY#")),
                args("unknown index", b64("c1\ngsi3\n" + sk + "\nENTRY#usage#txa-use-30")),
                args("four empty parts", b64("\n\n\n")));
    }

    @Test
    void aCursorWithASortKeyOfTheWrongShapeIsRefused() {
        for (String sk : List.of("zzzz", "x".repeat(1200), "30", "0000000000000000003a", "-0000000000000000030")) {
            assertError(call(handler, get(USER).query("cursor", b64("c1\ngsi1\n" + sk + "\nENTRY#usage#x")).build()),
                    400, "invalid_cursor");
            assertError(call(handler, get(USER).query("type", "usage")
                    .query("cursor", b64("c1\ngsi2\n" + sk + "\nENTRY#usage#x")).build()), 400, "invalid_cursor");
        }
        // Each index has its own sort key shape: the other's is refused.
        String typedKey = "2026-02-01T00:30:00.030Z#00000000000000000030";
        assertError(call(handler, get(USER).query("cursor", b64("c1\ngsi1\n" + typedKey + "\nENTRY#usage#x")).build()),
                400, "invalid_cursor");
        assertError(call(handler, get(USER).query("type", "usage")
                .query("cursor", b64("c1\ngsi2\n00000000000000000030\nENTRY#usage#x")).build()), 400, "invalid_cursor");
        assertError(call(handler, get(USER).query("type", "usage")
                .query("cursor", b64("c1\ngsi2\n2026-02-01T00:30:00.030Z\nENTRY#usage#x")).build()), 400,
                "invalid_cursor");
        // A well-formed key is a position, whatever entry id it carries: it cannot widen the query. This
        // one lies between sequence 30 (00:30:00.030) and 31 (00:31:00.031).
        JsonNode positioned = ok(handler, get(USER).query("type", "usage").query("limit", "100")
                .query("cursor", b64("c1\ngsi2\n2026-02-01T00:30:30.000Z#00000000000000000099\nENTRY#made-up"))
                .build()).json();
        assertEquals(entryIds(newestFirst(written, EntryType.USAGE).stream()
                .filter(e -> e.sequence() <= 30).toList()), ids(positioned.get("items")));
    }

    @Test
    void aCursorOfTheOtherIndexIsRefused() {
        String typed = ok(handler, get(USER).query("type", "usage").query("limit", "2").build()).text("nextCursor");
        String untyped = ok(handler, get(USER).query("limit", "2").build()).text("nextCursor");
        assertNotEquals(typed, untyped);

        assertError(call(handler, get(USER).query("cursor", typed).build()), 400, "invalid_cursor");
        assertError(call(handler, get(USER).query("cursor", untyped).query("type", "usage").build()), 400,
                "invalid_cursor");
    }

    @Test
    void aTamperedRealCursorIsRefused() {
        String cursor = ok(handler, get(USER).query("limit", "2").build()).text("nextCursor");
        String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);

        assertError(call(handler, get(USER).query("cursor", cursor + "*").build()), 400, "invalid_cursor");
        assertError(call(handler, get(USER).query("cursor", "=" + cursor).build()), 400, "invalid_cursor");
        assertError(call(handler, get(USER).query("cursor", b64(raw.replace("c1\n", "c0\n"))).build()), 400,
                "invalid_cursor");
        assertError(call(handler, get(USER).query("cursor", b64(raw.replace("\nENTRY#", "\nBALANCE#"))).build()), 400,
                "invalid_cursor");
        assertError(call(handler, get(USER).query("cursor", b64(raw + "\n")).build()), 400, "invalid_cursor");
    }

    @Test
    void anotherUsersCursorNeverShowsTheirEntries() {
        String cursorOfUser = ok(handler, get(USER).query("limit", "5").build()).text("nextCursor");

        JsonNode page = ok(handler, get(OTHER).query("cursor", cursorOfUser).build()).json();

        // The cursor points below sequence 43 of the first user; the second user's ledger only has 1..8.
        assertEquals(entryIds(newestFirst(otherWritten, null)), ids(page.get("items")));
        assertTrue(page.get("nextCursor").isNull());
        assertNoneOf(written, page.get("items"));
    }

    @Test
    void anotherUsersTypedCursorNeverShowsTheirEntries() {
        String cursorOfUser = ok(handler, get(USER).query("type", "usage").query("limit", "30").build())
                .text("nextCursor");

        List<String> collected = new ArrayList<>();
        String cursor = cursorOfUser;
        for (int page = 0; page < 20 && cursor != null; page++) {
            JsonNode body = ok(handler, get(OTHER).query("type", "usage").query("limit", "3")
                    .query("cursor", cursor).build()).json();
            assertNoneOf(written, body.get("items"));
            collected.addAll(ids(body.get("items")));
            cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
        }
        Set<String> others = new HashSet<>(entryIds(otherWritten));
        assertTrue(others.containsAll(collected), collected.toString());
    }

    @Test
    void aCursorOfTheSecondUserUsedByTheFirstStaysInTheFirstUsersLedger() {
        String cursorOfOther = ok(handler, get(OTHER).query("limit", "2").build()).text("nextCursor");

        JsonNode page = ok(handler, get(USER).query("limit", "100").query("cursor", cursorOfOther).build()).json();

        // The other user's cursor sits at their sequence 7: the first user's oldest entries follow it (the
        // first user's own sequence 7 may or may not, as DynamoDB orders equal index keys by table key).
        List<String> items = ids(page.get("items"));
        List<String> all = entryIds(newestFirst(written, null));
        assertTrue(items.size() == 6 || items.size() == 7, items.toString());
        assertEquals(all.subList(47 - items.size(), 47), items);
        assertNoneOf(otherWritten, page.get("items"));
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> collect(String user, String type, int limit) {
        List<String> collected = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Events.Builder request = get(user).query("limit", Integer.toString(limit));
            if (type != null) {
                request.query("type", type);
            }
            if (cursor != null) {
                request.query("cursor", cursor);
            }
            JsonNode page = ok(handler, request.build()).json();
            JsonNode items = page.get("items");
            assertTrue(items.size() <= limit);
            List<String> pageIds = ids(items);
            if (!page.get("nextCursor").isNull()) {
                assertEquals(limit, items.size(), "a page with a next cursor is full");
            }
            for (JsonNode item : items) {
                if (type != null) {
                    assertEquals(type, item.get("type").asText());
                }
            }
            collected.addAll(pageIds);
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            assertFalse(++pages > 60, "paging does not end");
        } while (cursor != null);
        return collected;
    }

    private static void assertItemIs(LedgerEntry entry, JsonNode item) {
        assertEquals(entry.entryId(), item.get("entryId").asText());
        assertEquals(entry.type().wireName(), item.get("type").asText());
        assertEquals(entry.amount().toString(), item.get("amount").asText());
        assertEquals(entry.balanceAfter().toString(), item.get("balanceAfter").asText());
        assertEquals(entry.sequence(), item.get("sequence").asLong());
        assertEquals(DateTimeFormatter.ISO_INSTANT.format(entry.createdAt()), item.get("createdAt").asText());
        item.get("metadata").fieldNames().forEachRemaining(name -> assertFalse(name.startsWith("_"), name));
    }

    private static void assertNoneOf(List<LedgerEntry> entries, JsonNode items) {
        Set<String> forbidden = new HashSet<>(entryIds(entries));
        for (String id : ids(items)) {
            assertFalse(forbidden.contains(id), "leaked " + id);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static org.junit.jupiter.params.provider.Arguments args(String label, String cursor) {
        return org.junit.jupiter.params.provider.Arguments.of(label, cursor);
    }

    private static String b64(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}
