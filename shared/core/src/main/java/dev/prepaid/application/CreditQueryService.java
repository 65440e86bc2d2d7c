package dev.prepaid.application;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.HistoryPage;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.port.in.CreditQueries;
import dev.prepaid.port.in.DailyUsage;
import dev.prepaid.port.in.UsageSummary;
import dev.prepaid.port.out.LedgerStore;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Answers a user's questions about their own credits. Reads only. */
public final class CreditQueryService implements CreditQueries {
    public static final int MAX_PAGE = 100;
    public static final int MAX_DAYS = 366;
    /** A report reads at most this many entries of each type; beyond it the report says it is truncated. */
    static final int MAX_REPORT_ENTRIES = 20_000;
    static final String UNSPECIFIED_OPERATION = "unspecified";

    private final LedgerStore store;

    private final java.time.Clock clock;

    public CreditQueryService(LedgerStore store) {
        this(store, java.time.Clock.systemUTC());
    }

    public CreditQueryService(LedgerStore store, java.time.Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The balance with {@code held} as it stands now: a hold past its time counts as released even before the
     * next write or reconciliation marks it (a read writes nothing). Only users with something held pay the one
     * extra query (GSI2, the user's active holds).
     */
    @Override
    public Balance balance(UserId userId) {
        Balance balance = store.balance(userId).orElse(Balance.empty(userId));
        if (!balance.held().isPositive()) {
            return balance;
        }
        java.time.Instant now = clock.instant();
        dev.prepaid.domain.Credits due = dev.prepaid.domain.Credits.ZERO;
        for (dev.prepaid.domain.Hold hold : store.activeHolds(userId, HoldService.LAZY_SWEEP_MAX)) {
            if (hold.isDue(now)) {
                due = due.plus(hold.amount());
            }
        }
        dev.prepaid.domain.Credits held = balance.held().minus(due);
        return balance.withHeld(held.isNegative() ? dev.prepaid.domain.Credits.ZERO : held);
    }

    @Override
    public HistoryPage transactions(UserId userId, Optional<EntryType> type, int limit, Optional<String> cursor) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new ValidationException("invalid_limit", "limit must be between 1 and " + MAX_PAGE);
        }
        return store.history(userId, type, limit, cursor);
    }

    @Override
    public UsageSummary usageSummary(UserId userId, Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new ValidationException("invalid_range", "from must be before to");
        }
        if (Duration.between(from, to).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw new ValidationException("invalid_range", "the range may span at most " + MAX_DAYS + " days");
        }
        Usage usage = read(userId, from, to);
        Map<String, long[]> byOperation = new TreeMap<>(); // count, spent, refunded (hundredths)
        for (LedgerEntry entry : usage.usages) {
            long[] line = byOperation.computeIfAbsent(operation(entry), k -> new long[3]);
            line[0]++;
            line[1] += -entry.amount().hundredths();
        }
        for (LedgerEntry entry : usage.refunds) {
            byOperation.computeIfAbsent(operation(entry), k -> new long[3])[2] += entry.amount().hundredths();
        }
        List<UsageSummary.Line> lines = new ArrayList<>();
        long spent = 0;
        long refunded = 0;
        for (Map.Entry<String, long[]> e : byOperation.entrySet()) {
            long[] v = e.getValue();
            lines.add(new UsageSummary.Line(e.getKey(), v[0], Credits.ofHundredths(v[1]), Credits.ofHundredths(v[2]),
                    Credits.ofHundredths(v[1] - v[2])));
            spent += v[1];
            refunded += v[2];
        }
        return new UsageSummary(from, to, lines, Credits.ofHundredths(spent), Credits.ofHundredths(refunded),
                Credits.ofHundredths(spent - refunded), usage.truncated);
    }

    @Override
    public DailyUsage dailyUsage(UserId userId, LocalDate today, int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new ValidationException("invalid_days", "days must be between 1 and " + MAX_DAYS);
        }
        LocalDate first = today.minusDays(days - 1L);
        Instant from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Usage usage = read(userId, from, to);
        Map<LocalDate, long[]> byDay = new TreeMap<>();
        for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
            byDay.put(d, new long[3]);
        }
        for (LedgerEntry entry : usage.usages) {
            long[] row = byDay.get(day(entry));
            if (row != null) {
                row[0]++;
                row[1] += -entry.amount().hundredths();
            }
        }
        for (LedgerEntry entry : usage.refunds) {
            long[] row = byDay.get(day(entry));
            if (row != null) {
                row[2] += entry.amount().hundredths();
            }
        }
        List<DailyUsage.Day> rows = new ArrayList<>();
        byDay.forEach((date, v) -> rows.add(new DailyUsage.Day(date, v[0], Credits.ofHundredths(v[1]),
                Credits.ofHundredths(v[2]), Credits.ofHundredths(v[1] - v[2]))));
        return new DailyUsage(rows, usage.truncated);
    }

    private Usage read(UserId userId, Instant from, Instant to) {
        List<LedgerEntry> usages = store.entries(userId, EntryType.USAGE, from, to, MAX_REPORT_ENTRIES + 1);
        List<LedgerEntry> refunds = store.entries(userId, EntryType.USAGE_REFUND, from, to, MAX_REPORT_ENTRIES + 1);
        boolean truncated = usages.size() > MAX_REPORT_ENTRIES || refunds.size() > MAX_REPORT_ENTRIES;
        return new Usage(usages.subList(0, Math.min(usages.size(), MAX_REPORT_ENTRIES)),
                refunds.subList(0, Math.min(refunds.size(), MAX_REPORT_ENTRIES)), truncated);
    }

    private static String operation(LedgerEntry entry) {
        return entry.operation() == null ? UNSPECIFIED_OPERATION : entry.operation();
    }

    private static LocalDate day(LedgerEntry entry) {
        return LocalDate.ofInstant(entry.createdAt(), ZoneOffset.UTC);
    }

    private record Usage(List<LedgerEntry> usages, List<LedgerEntry> refunds, boolean truncated) {
    }
}
