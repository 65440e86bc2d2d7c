package dev.prepaid.adapter.out.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.PaymentMismatch;
import dev.prepaid.port.out.ReconciliationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The reconciliation report as JSON: the saved form, the log line and the admin route's answer. Credits
 * are exact decimals (as everywhere in the API), drift sizes also in hundredths.
 */
public final class ReconciliationReportJson {
    private ReconciliationReportJson() {
    }

    public static ObjectNode toJson(ReconciliationReport report) {
        ObjectNode node = Json.object();
        node.put("startedAt", text(report.startedAt()));
        node.put("finishedAt", text(report.finishedAt()));

        ReconciliationReport.Pending pending = report.pending();
        ObjectNode p = node.putObject("pending");
        p.put("checked", pending.checked());
        p.put("healed", pending.healed());
        p.put("expired", pending.expired());
        p.put("failed", pending.failed());
        p.put("stuck", pending.stuck());
        p.put("awaiting", pending.awaiting());
        p.put("walkComplete", pending.walkComplete());
        strings(p.putArray("healedOrderIds"), pending.healedOrderIds());
        strings(p.putArray("stuckOrderIds"), pending.stuckOrderIds());

        ReconciliationReport.Completed completed = report.completed();
        ObjectNode c = node.putObject("completed");
        c.put("from", text(completed.from()));
        c.put("until", text(completed.until()));
        c.put("passComplete", completed.passComplete());
        c.put("checked", completed.checked());
        c.set("missingEntries", missingEntriesJson(completed.missingEntries()));

        node.set("orphanEntries", orphanEntriesJson(report.orphanEntries()));

        node.set("drift", driftJson(report.drift()));
        node.set("openDrifts", openDriftsJson(report.openDrifts()));
        node.put("dlqDepth", report.dlqDepth());
        node.set("paymentMismatches", mismatchesJson(report.paymentMismatches()));
        ObjectNode holds = node.putObject("holds");
        holds.put("expired", report.holds().expired());
        holds.put("usersChecked", report.holds().usersChecked());
        ArrayNode heldDrifts = holds.putArray("drifts");
        for (ReconciliationReport.HeldDrift d : report.holds().drifts()) {
            heldDrifts.addObject().put("userId", d.userId()).put("heldHundredths", d.held())
                    .put("activeHoldsHundredths", d.activeHolds()).put("holds", d.holds());
        }

        ReconciliationReport.SuccessRate rate = report.successRate();
        node.putObject("paymentSuccessRate").put("rate", rate.rate()).put("basis", rate.basis())
                .put("completed", rate.completed()).put("failed", rate.failed()).put("expired", rate.expired());

        ArrayNode errors = node.putArray("errors");
        for (ReconciliationReport.RunError e : report.errors()) {
            errors.addObject().put("step", e.step()).put("subject", e.subject()).put("code", e.code())
                    .put("message", e.message());
        }
        return node;
    }

    /** Payment events fulfilment refused (amounts in minor units of their currency). */
    public static ArrayNode mismatchesJson(List<PaymentMismatch> mismatches) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (PaymentMismatch m : mismatches) {
            ObjectNode o = array.addObject();
            o.put("provider", m.provider()).put("eventId", m.eventId()).put("eventType", m.eventType())
                    .put("reason", m.reason()).put("orderId", m.orderId()).put("ref", m.ref())
                    .put("userId", m.userId()).put("at", text(m.at()));
            money(o, "expected", m.expected());
            money(o, "got", m.got());
        }
        return array;
    }

    private static void money(ObjectNode node, String name, Money money) {
        if (money == null) {
            node.putNull(name);
        } else {
            node.putObject(name).put("minor", money.minor()).put("currency", money.currency());
        }
    }

    private static Money money(JsonNode node) {
        return node == null || !node.isObject() ? null : new Money(node.path("minor").asLong(), node.path("currency").asText());
    }

    /** The drift part alone (the admin route's answer). */
    public static ObjectNode driftJson(ReconciliationReport.Drift drift) {
        ObjectNode d = Json.object();
        d.put("from", text(drift.from()));
        d.put("until", text(drift.until()));
        d.put("passComplete", drift.passComplete());
        d.put("usersChecked", drift.usersChecked());
        d.put("driftedUsers", drift.driftedUsers());
        d.put("absoluteDrift", Credits.ofHundredths(drift.absoluteDriftHundredths()).toBigDecimal());
        d.put("absoluteDriftHundredths", drift.absoluteDriftHundredths());
        ArrayNode drifts = d.putArray("drifts");
        for (ReconciliationReport.UserDrift u : drift.drifts()) {
            drifts.addObject()
                    .put("userId", u.userId())
                    .put("balance", Credits.ofHundredths(u.balance()).toBigDecimal())
                    .put("ledgerSum", Credits.ofHundredths(u.ledgerSum()).toBigDecimal())
                    .put("drift", Credits.ofHundredths(u.drift()).toBigDecimal())
                    .put("driftHundredths", u.drift())
                    .put("balanceSeq", u.balanceSeq())
                    .put("maxEntrySeq", u.maxEntrySeq())
                    .put("seqMismatch", u.seqMismatch())
                    .put("entries", u.entries());
        }
        return d;
    }

    /** Open drift items: what is still wrong, since when, and when it was last found so. */
    /** Completed orders without their ledger entry: {@code [{"orderId", "userId", "productType", "expected"}]}. */
    public static ArrayNode missingEntriesJson(List<ReconciliationReport.MissingEntry> entries) {
        ArrayNode missing = Json.MAPPER.createArrayNode();
        for (ReconciliationReport.MissingEntry m : entries) {
            missing.addObject().put("orderId", m.orderId()).put("userId", m.userId())
                    .put("productType", m.productType()).put("expected", m.expected());
        }
        return missing;
    }

    /** Purchase or subscription-grant entries without what paid for them: {@code [{"entryId", "userId", "orderId", "reason"}]}. */
    public static ArrayNode orphanEntriesJson(List<ReconciliationReport.OrphanEntry> entries) {
        ArrayNode orphans = Json.MAPPER.createArrayNode();
        for (ReconciliationReport.OrphanEntry o : entries) {
            orphans.addObject().put("entryId", o.entryId()).put("userId", o.userId()).put("orderId", o.orderId())
                    .put("reason", o.reason());
        }
        return orphans;
    }

    public static ArrayNode openDriftsJson(List<ReconciliationReport.OpenDrift> open) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (ReconciliationReport.OpenDrift o : open) {
            array.addObject()
                    .put("userId", o.userId())
                    .put("balance", Credits.ofHundredths(o.balance()).toBigDecimal())
                    .put("ledgerSum", Credits.ofHundredths(o.ledgerSum()).toBigDecimal())
                    .put("drift", Credits.ofHundredths(o.drift()).toBigDecimal())
                    .put("driftHundredths", o.drift())
                    .put("balanceSeq", o.balanceSeq())
                    .put("maxEntrySeq", o.maxEntrySeq())
                    .put("seqMismatch", o.seqMismatch())
                    .put("firstSeen", text(o.firstSeen()))
                    .put("lastChecked", text(o.lastChecked()));
        }
        return array;
    }

    public static ReconciliationReport fromJson(JsonNode node) {
        JsonNode p = node.path("pending");
        ReconciliationReport.Pending pending = new ReconciliationReport.Pending(p.path("checked").asInt(),
                p.path("healed").asInt(), p.path("expired").asInt(), p.path("failed").asInt(), p.path("stuck").asInt(),
                p.path("awaiting").asInt(), list(p.path("healedOrderIds"), JsonNode::asText), list(p.path("stuckOrderIds"), JsonNode::asText),
                p.path("walkComplete").asBoolean());
        JsonNode c = node.path("completed");
        ReconciliationReport.Completed completed = new ReconciliationReport.Completed(instant(c.path("from")),
                instant(c.path("until")), c.path("passComplete").asBoolean(), c.path("checked").asInt(),
                list(c.path("missingEntries"), m -> new ReconciliationReport.MissingEntry(str(m, "orderId"),
                        str(m, "userId"), str(m, "productType"), str(m, "expected"))));
        List<ReconciliationReport.OrphanEntry> orphans = list(node.path("orphanEntries"),
                o -> new ReconciliationReport.OrphanEntry(str(o, "entryId"), str(o, "userId"), str(o, "orderId"),
                        str(o, "reason")));
        JsonNode d = node.path("drift");
        ReconciliationReport.Drift drift = new ReconciliationReport.Drift(instant(d.path("from")),
                instant(d.path("until")), d.path("passComplete").asBoolean(), d.path("usersChecked").asInt(),
                list(d.path("drifts"), u -> new ReconciliationReport.UserDrift(str(u, "userId"), hundredths(u.path("balance")),
                        hundredths(u.path("ledgerSum")), u.path("driftHundredths").asLong(), u.path("balanceSeq").asLong(),
                        u.path("maxEntrySeq").asLong(), u.path("entries").asLong())));
        JsonNode r = node.path("paymentSuccessRate");
        ReconciliationReport.SuccessRate rate = new ReconciliationReport.SuccessRate(r.path("completed").asInt(),
                r.path("failed").asInt(), r.path("expired").asInt(), r.path("rate").asDouble(1.0),
                r.path("basis").asText(ReconciliationReport.SuccessRate.NO_CLOSED_ORDERS));
        List<ReconciliationReport.RunError> errors = list(node.path("errors"),
                e -> new ReconciliationReport.RunError(str(e, "step"), str(e, "subject"), str(e, "code"), str(e, "message")));
        List<ReconciliationReport.OpenDrift> open = node.has("openDrifts")
                ? list(node.path("openDrifts"), o -> new ReconciliationReport.OpenDrift(str(o, "userId"),
                        hundredths(o.path("balance")), hundredths(o.path("ledgerSum")), o.path("driftHundredths").asLong(),
                        o.path("balanceSeq").asLong(), o.path("maxEntrySeq").asLong(), instant(o.path("firstSeen")),
                        instant(o.path("lastChecked"))))
                : drift.drifts().stream().map(u -> ReconciliationReport.OpenDrift.of(u, instant(node.path("startedAt")),
                        instant(node.path("startedAt")))).toList();
        List<PaymentMismatch> mismatches = list(node.path("paymentMismatches"), m -> new PaymentMismatch(str(m, "provider"),
                str(m, "eventId"), str(m, "eventType"), str(m, "reason"), str(m, "orderId"), str(m, "ref"),
                str(m, "userId"), money(m.get("expected")), money(m.get("got")), instant(m.path("at"))));
        return new ReconciliationReport(instant(node.path("startedAt")), instant(node.path("finishedAt")), pending,
                completed, orphans, drift, node.path("dlqDepth").asInt(-1), rate, errors, open, mismatches,
                new ReconciliationReport.Holds(node.path("holds").path("expired").asInt(),
                        node.path("holds").path("usersChecked").asInt(),
                        list(node.path("holds").path("drifts"), h -> new ReconciliationReport.HeldDrift(str(h, "userId"),
                                h.path("heldHundredths").asLong(), h.path("activeHoldsHundredths").asLong(),
                                h.path("holds").asInt()))));
    }

    /** The report with each list cut to {@code max} items (the counts stay exact). */
    static ReconciliationReport trimmed(ReconciliationReport report, int max) {
        ReconciliationReport.Pending p = report.pending();
        ReconciliationReport.Completed c = report.completed();
        ReconciliationReport.Drift d = report.drift();
        return new ReconciliationReport(report.startedAt(), report.finishedAt(),
                new ReconciliationReport.Pending(p.checked(), p.healed(), p.expired(), p.failed(), p.stuck(),
                        p.awaiting(), head(p.healedOrderIds(), max), head(p.stuckOrderIds(), max), p.walkComplete()),
                new ReconciliationReport.Completed(c.from(), c.until(), c.passComplete(), c.checked(),
                        head(c.missingEntries(), max)),
                head(report.orphanEntries(), max),
                // drift keeps every drifted user: bounded by the users checked per run
                d, report.dlqDepth(), report.successRate(), head(report.errors(), max), report.openDrifts(),
                head(report.paymentMismatches(), max));
    }

    private static <T> List<T> head(List<T> list, int max) {
        return list.size() <= max ? list : list.subList(0, max);
    }

    private static long hundredths(JsonNode decimal) {
        return decimal.decimalValue().movePointRight(2).longValueExact();
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> map) {
        List<T> result = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(item -> result.add(map.apply(item)));
        }
        return result;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String str(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Instant instant(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : Instant.parse(node.asText());
    }
}
