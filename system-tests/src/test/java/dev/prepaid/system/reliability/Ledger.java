package dev.prepaid.system.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's ledger as the API shows it (GET /api/credits/transactions, every page) and the invariants every
 * ledger must keep whatever happened: the balance is the sum of the entries, the entries form one chain
 * (sequence 1, 2, 3, ... and balanceAfter[n] = balanceAfter[n-1] + amount[n]), and no deduct overdrew.
 */
final class Ledger {
    /** One entry; amounts in hundredths of a credit. */
    record Entry(String entryId, String type, long amount, long balanceAfter, long sequence, Map<String, String> metadata) {
    }

    private Ledger() {
    }

    static long hundredths(BigDecimal value) {
        return value.movePointRight(2).longValueExact();
    }

    static long hundredths(JsonNode number) {
        return hundredths(number.decimalValue());
    }

    static String credits(long hundredths) {
        return BigDecimal.valueOf(hundredths, 2).stripTrailingZeros().toPlainString();
    }

    /** Every entry of the user, oldest first, read page by page through the API. */
    static List<Entry> read(Http http, String user) {
        List<Entry> entries = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Reply reply = http.get("/api/credits/transactions?limit=100"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), "user:" + user);
            if (reply.status() != 200) {
                throw new IllegalStateException("transactions of " + user + " answered " + reply.status() + ": " + reply.body());
            }
            JsonNode page = reply.json();
            for (JsonNode item : page.get("items")) {
                Map<String, String> metadata = new LinkedHashMap<>();
                item.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
                entries.add(new Entry(item.get("entryId").asText(), item.get("type").asText(), hundredths(item.get("amount")),
                        hundredths(item.get("balanceAfter")), item.get("sequence").asLong(), metadata));
            }
            cursor = page.path("nextCursor").isTextual() ? page.get("nextCursor").asText() : null;
            if (++pages > 10_000) {
                throw new IllegalStateException("transactions of " + user + " never end");
            }
        } while (cursor != null);
        entries.sort(Comparator.comparingLong(Entry::sequence));
        return entries;
    }

    static long balance(Http http, String user) {
        Http.Reply reply = http.get("/api/credits/balance", "user:" + user);
        if (reply.status() != 200) {
            throw new IllegalStateException("balance of " + user + " answered " + reply.status() + ": " + reply.body());
        }
        return hundredths(reply.json().get("balance"));
    }

    static long sum(List<Entry> entries) {
        return entries.stream().mapToLong(Entry::amount).sum();
    }

    /** The invariants of one user's ledger; {@code entries} oldest first. */
    static void checkInvariants(String user, long balance, List<Entry> entries, Violations violations) {
        long sum = sum(entries);
        violations.check(sum == balance, user + ": balance " + credits(balance) + " but the ledger sums to " + credits(sum));
        long running = 0;
        long expectedSequence = 1;
        for (Entry entry : entries) {
            violations.check(entry.sequence() == expectedSequence,
                    user + ": entry " + entry.entryId() + " has sequence " + entry.sequence() + ", expected " + expectedSequence);
            running += entry.amount();
            violations.check(entry.balanceAfter() == running, user + ": entry " + entry.entryId() + " says balanceAfter "
                    + credits(entry.balanceAfter()) + " but the chain gives " + credits(running));
            if (entry.type().equals("usage")) {
                violations.check(entry.balanceAfter() >= 0,
                        user + ": deduct " + entry.entryId() + " overdrew to " + credits(entry.balanceAfter()));
                violations.check(entry.amount() < 0, user + ": deduct " + entry.entryId() + " did not take anything");
            }
            expectedSequence = entry.sequence() + 1;
        }
        if (!entries.isEmpty()) {
            Entry last = entries.get(entries.size() - 1);
            violations.check(last.balanceAfter() == balance, user + ": the last entry says " + credits(last.balanceAfter())
                    + " but the balance is " + credits(balance));
        }
        // Refunds of one deduction never add up to more than it took.
        Map<String, Long> taken = new LinkedHashMap<>();
        Map<String, Long> given = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (entry.type().equals("usage")) {
                taken.put(entry.entryId(), -entry.amount());
            } else if (entry.type().equals("usage_refund")) {
                String rest = entry.entryId().substring("usage_refund#".length());
                String deduction = rest.substring(0, rest.lastIndexOf('#'));
                given.merge(deduction, entry.amount(), Long::sum);
            }
        }
        given.forEach((deduction, refunded) -> {
            Long deducted = taken.get(deduction);
            violations.check(deducted != null, user + ": refund of " + deduction + ", which is not this user's deduction");
            violations.check(deducted == null || refunded <= deducted,
                    user + ": refunds of " + deduction + " add up to " + credits(refunded) + ", more than the "
                            + (deducted == null ? "?" : credits(deducted)) + " it took");
        });
    }

    /** Entries of one type, by id (a second entry with the same id is itself a violation). */
    static Map<String, Entry> byId(String user, List<Entry> entries, String type, Violations violations) {
        Map<String, Entry> result = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (entry.type().equals(type)) {
                Entry previous = result.put(entry.entryId(), entry);
                violations.check(previous == null, user + ": entry " + entry.entryId() + " appears twice");
            }
        }
        return result;
    }
}
