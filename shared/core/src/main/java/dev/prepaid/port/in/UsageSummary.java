package dev.prepaid.port.in;

import dev.prepaid.domain.Credits;
import java.time.Instant;
import java.util.List;

/**
 * Credits used per operation in a period. {@code spent} is what was deducted, {@code refunded} what
 * came back for failed work, {@code net} the difference. {@code truncated} says the period held more
 * entries than one report reads.
 */
public record UsageSummary(Instant from, Instant to, List<Line> operations, Credits spent, Credits refunded,
                           Credits net, boolean truncated) {

    public record Line(String operation, long count, Credits spent, Credits refunded, Credits net) {
    }
}
