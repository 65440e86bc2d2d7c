package dev.prepaid.port.in;

import dev.prepaid.domain.Credits;
import java.time.LocalDate;
import java.util.List;

/** One row per UTC day, oldest first, days without usage included as zeros (a chart wants every day). */
public record DailyUsage(List<Day> days, boolean truncated) {

    public record Day(LocalDate date, long count, Credits spent, Credits refunded, Credits net) {
    }
}
