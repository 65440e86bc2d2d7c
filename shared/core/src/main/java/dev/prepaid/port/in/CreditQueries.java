package dev.prepaid.port.in;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.HistoryPage;
import dev.prepaid.domain.UserId;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/** The read side: what a signed-in user may see of their own credits. */
public interface CreditQueries {

    Balance balance(UserId userId);

    HistoryPage transactions(UserId userId, Optional<EntryType> type, int limit, Optional<String> cursor);

    UsageSummary usageSummary(UserId userId, Instant from, Instant to);

    DailyUsage dailyUsage(UserId userId, LocalDate today, int days);
}
