package dev.prepaid.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.HistoryPage;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.Posting;
import dev.prepaid.domain.PostingResult;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.port.in.DailyUsage;
import dev.prepaid.port.in.DeductCreditsCommand;
import dev.prepaid.port.in.GrantCreditsCommand;
import dev.prepaid.port.in.RefundUsageCommand;
import dev.prepaid.port.in.UsageSummary;
import dev.prepaid.port.out.LedgerStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CreditQueryServiceTest {
    private static final UserId USER = new UserId("user-1");
    private static final UserId OTHER = new UserId("user-2");

    private InMemoryLedgerStore store;
    private MutableClock clock;
    private CreditService commands;
    private CreditQueryService queries;
    private int keys;

    @BeforeEach
    void setUp() {
        store = new InMemoryLedgerStore();
        clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
        commands = new CreditService(store, PricingCatalog.defaults(), clock);
        queries = new CreditQueryService(store);
        grant(USER, "1000");
        grant(OTHER, "1000");
    }

    private static Credits c(String value) {
        return Credits.parse(new BigDecimal(value), "test");
    }

    private IdempotencyKey nextKey() {
        return new IdempotencyKey("k" + (++keys));
    }

    private void at(String instant) {
        clock.set(Instant.parse(instant));
    }

    private void grant(UserId user, String amount) {
        commands.grant(new GrantCreditsCommand(user, c(amount), "seed", nextKey(), "test"));
    }

    private String deduct(UserId user, String operation, Map<String, Object> params) {
        return commands.deduct(new DeductCreditsCommand(user, null, operation, params, nextKey(), null, null))
                .entry().entryId();
    }

    private String deductAmount(String amount) {
        return commands.deduct(new DeductCreditsCommand(USER, c(amount), null, null, nextKey(), null, null))
                .entry().entryId();
    }

    private void refund(String deductionId, String amount) {
        commands.refund(new RefundUsageCommand(deductionId, "failed", amount == null ? null : c(amount), nextKey()));
    }

    private static Map<String, Object> video(String seconds) {
        return Map.of("durationSeconds", new BigDecimal(seconds));
    }

    // --- balance and transactions -----------------------------------------------------------------------------

    @Test
    void balanceOfAnUnknownUserIsEmpty() {
        UserId stranger = new UserId("stranger");
        Balance balance = queries.balance(stranger);
        assertEquals(Balance.empty(stranger), balance);
        assertFalse(balance.exists());
    }

    @Test
    void balanceIsTheStoresBalance() {
        deductAmount("3");
        Balance balance = queries.balance(USER);
        assertEquals(c("997"), balance.credits());
        assertEquals(2, balance.sequence());
        assertTrue(balance.exists());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101, Integer.MAX_VALUE})
    void transactionsLimitIsOneToOneHundred(int limit) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> queries.transactions(USER, Optional.empty(), limit, Optional.empty()));
        assertEquals("invalid_limit", e.code());
    }

    @Test
    void transactionsPageNewestFirstAndFilterByType() {
        deductAmount("1");
        deductAmount("2");
        String third = deductAmount("3");
        refund(third, null);

        HistoryPage all = queries.transactions(USER, Optional.empty(), 100, Optional.empty());
        assertEquals(List.of(EntryType.USAGE_REFUND, EntryType.USAGE, EntryType.USAGE, EntryType.USAGE,
                EntryType.ADJUSTMENT), all.items().stream().map(LedgerEntry::type).collect(Collectors.toList()));
        assertEquals(Optional.empty(), all.nextCursor());

        HistoryPage usages = queries.transactions(USER, Optional.of(EntryType.USAGE), 2, Optional.empty());
        assertEquals(List.of(c("-3"), c("-2")), usages.items().stream().map(LedgerEntry::amount)
                .collect(Collectors.toList()));
        assertTrue(usages.nextCursor().isPresent());
        HistoryPage rest = queries.transactions(USER, Optional.of(EntryType.USAGE), 2, usages.nextCursor());
        assertEquals(List.of(c("-1")), rest.items().stream().map(LedgerEntry::amount).collect(Collectors.toList()));
        assertEquals(Optional.empty(), rest.nextCursor());

        assertEquals(1, queries.transactions(USER, Optional.empty(), 1, Optional.empty()).items().size());
    }

    // --- usage summary ----------------------------------------------------------------------------------------

    @Test
    void usageSummaryGroupsByOperationAndNetsRefunds() {
        at("2024-02-29T23:00:00Z");
        String beforeRange = deduct(USER, "video", video("10")); // 10, refunded inside the range
        at("2024-03-01T00:00:00Z");
        String image1 = deduct(USER, "image", Map.of("quality", "hd")); // 1.5
        deduct(USER, "image", Map.of()); // 1
        String clip = deduct(USER, "video", video("6")); // 10
        deductAmount("3"); // unspecified
        deductAmount("0.25"); // unspecified
        deduct(OTHER, "image", Map.of()); // someone else's
        at("2024-03-15T12:00:00Z");
        refund(image1, "0.5");
        refund(clip, null);
        refund(beforeRange, "4");
        grant(USER, "50"); // not usage
        at("2024-04-01T00:00:00Z");
        deduct(USER, "audio", video("10")); // at `to`: excluded

        UsageSummary summary = queries.usageSummary(USER, Instant.parse("2024-03-01T00:00:00Z"),
                Instant.parse("2024-04-01T00:00:00Z"));

        assertEquals(List.of(
                new UsageSummary.Line("image", 2, c("2.5"), c("0.5"), c("2")),
                new UsageSummary.Line("unspecified", 2, c("3.25"), Credits.ZERO, c("3.25")),
                new UsageSummary.Line("video", 1, c("10"), c("14"), c("-4"))), summary.operations());
        assertEquals(c("15.75"), summary.spent());
        assertEquals(c("14.5"), summary.refunded());
        assertEquals(c("1.25"), summary.net());
        assertEquals(Instant.parse("2024-03-01T00:00:00Z"), summary.from());
        assertEquals(Instant.parse("2024-04-01T00:00:00Z"), summary.to());
        assertFalse(summary.truncated());
    }

    @Test
    void usageSummaryOfAQuietPeriodIsEmpty() {
        UsageSummary summary = queries.usageSummary(USER, Instant.parse("2030-01-01T00:00:00Z"),
                Instant.parse("2030-01-02T00:00:00Z"));
        assertEquals(List.of(), summary.operations());
        assertEquals(Credits.ZERO, summary.spent());
        assertEquals(Credits.ZERO, summary.refunded());
        assertEquals(Credits.ZERO, summary.net());
    }

    @Test
    void aRefundOnlyOperationHasACountOfZero() {
        at("2024-03-01T10:00:00Z");
        String old = deduct(USER, "video_generation", Map.of());
        at("2024-03-02T10:00:00Z");
        refund(old, null);
        UsageSummary summary = queries.usageSummary(USER, Instant.parse("2024-03-02T00:00:00Z"),
                Instant.parse("2024-03-03T00:00:00Z"));
        assertEquals(List.of(new UsageSummary.Line("video_generation", 0, Credits.ZERO, c("20"), c("-20"))),
                summary.operations());
    }

    @ParameterizedTest(name = "[{0}, {1}) is refused")
    @CsvSource({
            "2024-03-01T00:00:00Z, 2024-03-01T00:00:00Z",
            "2024-03-02T00:00:00Z, 2024-03-01T00:00:00Z",
            "2024-01-01T00:00:00Z, 2025-01-01T00:00:00.001Z", // 2024 is a leap year: 366 days and 1 ms
            "2024-01-01T00:00:00Z, 2025-01-01T23:00:00Z",     // 366 days and 23 hours
            "2024-01-01T00:00:00Z, 2025-01-02T00:00:00Z",     // 367 days
            "2000-01-01T00:00:00Z, 2030-01-01T00:00:00Z",
    })
    void usageSummaryRefusesInvalidRanges(String from, String to) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> queries.usageSummary(USER, Instant.parse(from), Instant.parse(to)));
        assertEquals("invalid_range", e.code());
    }

    @ParameterizedTest(name = "[{0}, {1}) is accepted")
    @CsvSource({
            "2024-03-01T00:00:00Z, 2024-03-01T00:00:00.001Z",
            "2023-01-01T00:00:00Z, 2024-01-01T00:00:00Z", // 365 days
            "2024-01-01T00:00:00Z, 2025-01-01T00:00:00Z", // exactly 366 days
    })
    void usageSummaryAcceptsUpTo366Days(String from, String to) {
        assertFalse(queries.usageSummary(USER, Instant.parse(from), Instant.parse(to)).truncated());
    }

    // --- daily usage ------------------------------------------------------------------------------------------

    @Test
    void dailyUsageHasOneRowPerDayOldestFirstIncludingQuietDays() {
        at("2024-03-07T23:59:59Z");
        deduct(USER, "image", Map.of()); // the day before the window
        at("2024-03-08T00:00:00Z");
        String first = deduct(USER, "image", Map.of("quality", "4k")); // 2
        at("2024-03-08T18:30:00Z");
        deductAmount("0.5");
        at("2024-03-10T09:00:00Z");
        refund(first, "1"); // counted on the day of the refund
        at("2024-03-10T23:59:59.999Z");
        deduct(USER, "video_generation", Map.of()); // 20
        deduct(OTHER, "video_generation", Map.of());
        at("2024-03-11T00:00:00Z");
        deduct(USER, "image", Map.of()); // tomorrow

        DailyUsage usage = queries.dailyUsage(USER, LocalDate.parse("2024-03-10"), 3);

        assertEquals(List.of(
                new DailyUsage.Day(LocalDate.parse("2024-03-08"), 2, c("2.5"), Credits.ZERO, c("2.5")),
                new DailyUsage.Day(LocalDate.parse("2024-03-09"), 0, Credits.ZERO, Credits.ZERO, Credits.ZERO),
                new DailyUsage.Day(LocalDate.parse("2024-03-10"), 1, c("20"), c("1"), c("19"))), usage.days());
        assertFalse(usage.truncated());
    }

    @ParameterizedTest(name = "{0} days")
    @CsvSource({"1, 2024-03-10, 2024-03-10", "7, 2024-03-04, 2024-03-10", "366, 2023-03-11, 2024-03-10"})
    void dailyUsageSpansTheDaysRequested(int days, LocalDate oldest, LocalDate newest) {
        List<DailyUsage.Day> rows = queries.dailyUsage(USER, LocalDate.parse("2024-03-10"), days).days();
        assertEquals(days, rows.size());
        assertEquals(oldest, rows.get(0).date());
        assertEquals(newest, rows.get(rows.size() - 1).date());
        for (int i = 1; i < rows.size(); i++) {
            assertEquals(rows.get(i - 1).date().plusDays(1), rows.get(i).date());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 367, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void dailyUsageRefusesInvalidDays(int days) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> queries.dailyUsage(USER, LocalDate.parse("2024-03-10"), days));
        assertEquals("invalid_days", e.code());
    }

    @Test
    void dailyUsageReadsExactlyTheUtcWindow() {
        RecordingStore recording = new RecordingStore(0);
        new CreditQueryService(recording).dailyUsage(USER, LocalDate.parse("2024-03-10"), 3);
        assertEquals(List.of(
                "USAGE 2024-03-08T00:00:00Z 2024-03-11T00:00:00Z 20001",
                "USAGE_REFUND 2024-03-08T00:00:00Z 2024-03-11T00:00:00Z 20001"), recording.calls);
    }

    // --- truncation -------------------------------------------------------------------------------------------

    @Test
    void reportsSayWhenThePeriodHoldsMoreEntriesThanOneReportReads() {
        int max = CreditQueryService.MAX_REPORT_ENTRIES;
        RecordingStore full = new RecordingStore(max + 1);
        CreditQueryService service = new CreditQueryService(full);

        UsageSummary summary = service.usageSummary(USER, RecordingStore.AT, RecordingStore.AT.plusSeconds(60));
        assertTrue(summary.truncated());
        assertEquals(max, summary.operations().get(0).count());
        assertEquals(Credits.ofHundredths(max), summary.spent());

        DailyUsage daily = service.dailyUsage(USER, LocalDate.ofInstant(RecordingStore.AT, java.time.ZoneOffset.UTC), 1);
        assertTrue(daily.truncated());
        assertEquals(max, daily.days().get(0).count());

        RecordingStore exactlyFull = new RecordingStore(max);
        assertFalse(new CreditQueryService(exactlyFull)
                .usageSummary(USER, RecordingStore.AT, RecordingStore.AT.plusSeconds(60)).truncated());
    }

    /** A store that answers every usage query with {@code count} deductions of 0.01 and records the queries. */
    private static final class RecordingStore implements LedgerStore {
        static final Instant AT = Instant.parse("2024-03-10T12:00:00Z");
        final List<String> calls = new ArrayList<>();
        private final int count;

        RecordingStore(int count) {
            this.count = count;
        }

        @Override
        public List<LedgerEntry> entries(UserId userId, EntryType type, Instant from, Instant to, int max) {
            calls.add(type + " " + from + " " + to + " " + max);
            if (type != EntryType.USAGE) {
                return List.of();
            }
            return LongStream.rangeClosed(1, Math.min(count, max))
                    .mapToObj(i -> new LedgerEntry("usage#k" + i, userId, EntryType.USAGE, Credits.ofHundredths(-1),
                            Credits.ZERO, i, "k" + i, null, "image", null, AT.plus(Duration.ofMillis(i)), "fp"))
                    .collect(Collectors.toList());
        }

        @Override
        public PostingResult post(Posting posting) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Balance> balance(UserId userId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<LedgerEntry> entry(String entryId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public HistoryPage history(UserId userId, Optional<EntryType> type, int limit, Optional<String> cursor) {
            throw new UnsupportedOperationException();
        }
    }
}
