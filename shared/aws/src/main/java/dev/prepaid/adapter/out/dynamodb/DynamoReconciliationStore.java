package dev.prepaid.adapter.out.dynamodb;

import static dev.prepaid.adapter.out.dynamodb.Attr.n;
import static dev.prepaid.adapter.out.dynamodb.Attr.num;
import static dev.prepaid.adapter.out.dynamodb.Attr.s;
import static dev.prepaid.adapter.out.dynamodb.Attr.str;

import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.OrderStatus;
import dev.prepaid.port.out.ReconciliationCheckpoint;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Reconciliation's reads and writes in the ledger table (docs/data-model.md). Its work lists are GSI4
 * partitions, walked in key order with {@code BETWEEN} bounds, never scanned:
 * <ul>
 *   <li>{@code PENDING}, sort key {@code <createdAt>#<orderId>}: pending orders by age;</li>
 *   <li>{@code COMPLETED#<yyyy-MM-dd>}, sort key {@code <completedAt>#<orderId>}: orders completed that day;</li>
 *   <li>{@code CLOSED#<yyyy-MM-dd>}, sort key {@code <closedAt>#<orderId>}: orders that expired or failed that day;</li>
 *   <li>{@code CHANGED#<yyyy-MM-ddTHH>#<shard 0..15>}, sort key {@code <first change in the hour>#<userId>}:
 *       balances that changed in that hour (the marker is written at the hour's first change only, so the
 *       hour's partitions are walked whole).</li>
 * </ul>
 * A cursor is {@code "<partition> <last sort key>"} (neither part contains a space: user ids may not), so a
 * walk resumes exactly after the last item handed out. Each call also stops after {@code maxQueries}
 * queries, so a long outage's backlog of empty hour buckets is walked over several runs.
 * The checkpoint ({@code RECON#STATE / STATE}) is saved under a version condition; the latest report
 * ({@code RECON#REPORT / LATEST}) is one JSON attribute; open drift items are {@code RECON#DRIFT / USER#<userId>}
 * (deleted when resolved, so the partition holds only what is still wrong).
 */
public final class DynamoReconciliationStore implements ReconciliationStore {
    static final String STATE_PK = "RECON#STATE";
    static final String STATE_SK = "STATE";
    static final String REPORT_PK = "RECON#REPORT";
    static final String REPORT_SK = "LATEST";
    /** Open drift items: one partition, one item per user ({@code sk = USER#<userId>}). */
    static final String DRIFT_PK = "RECON#DRIFT";
    /** Per-user ledger-sum checkpoints of the drift check: {@code RECON#SUM#<userId> / SUM}. */
    static final String SUM_PK_PREFIX = "RECON#SUM#";
    static final String SUM_SK = "SUM";
    /** Lower than any timestamp sort key ("0001-..."). */
    private static final String LOWEST = "0";
    /** DynamoDB items are at most 400 KB; a report is trimmed to stay well below. */
    static final int MAX_REPORT_CHARS = 300_000;
    public static final int DEFAULT_MAX_QUERIES = 1000;

    private final DynamoDbClient dynamo;
    private final String table;
    private final int maxQueries;

    public DynamoReconciliationStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, DEFAULT_MAX_QUERIES);
    }

    /** @param maxQueries the most queries one walk call makes before it returns its cursor */
    public DynamoReconciliationStore(DynamoDbClient dynamo, String table, int maxQueries) {
        if (maxQueries < 1) {
            throw new IllegalArgumentException("maxQueries must be at least 1");
        }
        this.dynamo = dynamo;
        this.table = table;
        this.maxQueries = maxQueries;
    }

    // --- walks ----------------------------------------------------------------------------------------

    @Override
    public Page<Order> pendingOrders(Instant createdBefore, String cursor, int limit) {
        return walk(new Partitions.Single(PaymentItems.PENDING), LOWEST, LedgerTable.timestamp(createdBefore), cursor,
                limit, PaymentItems::orderFromItem);
    }

    @Override
    public Page<Order> completedOrders(Instant from, Instant until, String cursor, int limit) {
        if (!from.isBefore(until)) {
            return new Page<>(List.of(), null, true);
        }
        return walk(new Partitions.Days(from, until), LedgerTable.timestamp(from), LedgerTable.timestamp(until), cursor,
                limit, PaymentItems::orderFromItem);
    }

    @Override
    public Page<ChangedBalance> changedBalances(Instant from, Instant until, String cursor, int limit) {
        if (!from.isBefore(until)) {
            return new Page<>(List.of(), null, true);
        }
        // A balance's marker is written once per hour bucket, at its first change in that hour (DynamoLedgerStore),
        // so its sort key says when the hour's first change happened, not the last: a later change in the same
        // hour leaves it where it was. Every bucket the window touches is therefore walked whole, and the
        // window is applied to the balance's own `updatedAt` (rewritten by every posting) and `heldAt` (by every hold
        // start and end), both projected into GSI4: the users whose last change lies in [from, until), as when the
        // sort key moved with every write.
        Instant firstHour = from.truncatedTo(ChronoUnit.HOURS);
        Instant endOfLastHour = until.minusMillis(1).truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
        return walk(new Partitions.Hours(from, until), LedgerTable.timestamp(firstHour), LedgerTable.timestamp(endOfLastHour),
                new String[] {LedgerTable.timestamp(from), LedgerTable.timestamp(until)},
                cursor, limit, item -> new ChangedBalance(new UserId(str(item, "userId")), Instant.parse(str(item, "updatedAt"))));
    }

    @Override
    public OrderOutcomes orderOutcomes(Instant from, Instant until) {
        if (!from.isBefore(until)) {
            return new OrderOutcomes(0, 0, 0, true);
        }
        Partitions.Days days = new Partitions.Days(from, until);
        String low = LedgerTable.timestamp(from);
        String high = LedgerTable.timestamp(until);
        int[] queries = {0};
        int completed = 0;
        int failed = 0;
        int expired = 0;
        boolean complete = true;
        for (int d = 0; d < days.size() && complete; d++) {
            Instant day = days.first().plus(d, ChronoUnit.DAYS);
            Map<String, AttributeValue> startKey = null;
            do {
                if (queries[0]++ >= maxQueries) {
                    complete = false;
                    break;
                }
                QueryResponse response = dynamo.query(outcomeQuery(LedgerTable.completedPk(day), low, high, startKey)
                        .select(Select.COUNT).build());
                completed += response.count();
                startKey = lastKey(response);
            } while (startKey != null);
            do {
                if (!complete || queries[0]++ >= maxQueries) {
                    complete = false;
                    break;
                }
                QueryResponse response = dynamo.query(outcomeQuery(LedgerTable.closedPk(day), low, high, startKey)
                        .projectionExpression("#status").expressionAttributeNames(Map.of("#pk", LedgerTable.GSI4_PK,
                                "#sk", LedgerTable.GSI4_SK, "#status", "status")).build());
                for (Map<String, AttributeValue> item : response.items()) {
                    String status = str(item, "status");
                    if (OrderStatus.FAILED.wireName().equals(status)) {
                        failed++;
                    } else if (OrderStatus.EXPIRED.wireName().equals(status)) {
                        expired++;
                    }
                }
                startKey = lastKey(response);
            } while (startKey != null);
        }
        return new OrderOutcomes(completed, failed, expired, complete);
    }

    private QueryRequest.Builder outcomeQuery(String partition, String low, String high,
                                              Map<String, AttributeValue> startKey) {
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .indexName(LedgerTable.GSI4)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI4_PK, "#sk", LedgerTable.GSI4_SK))
                .expressionAttributeValues(Map.of(":pk", s(partition), ":low", s(low), ":high", s(high)));
        if (startKey != null) {
            query.exclusiveStartKey(startKey);
        }
        return query;
    }

    private static Map<String, AttributeValue> lastKey(QueryResponse response) {
        return response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey() : null;
    }

    /**
     * Items of {@code partitions} whose GSI4 sort key lies in {@code [low, high]}, in order, after the cursor.
     * Sort keys are {@code <timestamp>#<id>}, so {@code high = timestamp(until)} excludes {@code until} itself.
     */
    private <T> Page<T> walk(Partitions partitions, String low, String high, String cursor, int limit,
                             Function<Map<String, AttributeValue>, T> map) {
        return walk(partitions, low, high, null, cursor, limit, map);
    }

    /** As above; with {@code updatedIn = {from, until}} only items whose {@code updatedAt} or {@code heldAt} lies in {@code [from, until)}. */
    private <T> Page<T> walk(Partitions partitions, String low, String high, String[] updatedIn, String cursor, int limit,
                             Function<Map<String, AttributeValue>, T> map) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        int start = 0;
        String after = null;
        if (cursor != null) {
            int space = cursor.indexOf(' ');
            int index = space < 0 ? -1 : partitions.indexOf(cursor.substring(0, space));
            if (index >= 0) {
                start = index;
                after = cursor.substring(space + 1);
                after = after.isEmpty() ? null : after;
            }
            // A cursor of another window (the pass changed) restarts the walk: checks may repeat, none is lost.
        }
        List<Positioned<T>> items = new ArrayList<>();
        int queries = 0;
        for (int p = start; p < partitions.size(); p++) {
            String partition = partitions.get(p);
            String position = p == start ? after : null;
            String skipKey = position;
            Map<String, AttributeValue> startKey = null;
            do {
                if (items.size() >= limit || queries >= maxQueries) {
                    return new Page<>(items, partition + " " + (position == null ? "" : position), false);
                }
                String lowerBound = skipKey != null && startKey == null ? skipKey : low;
                QueryRequest.Builder query = QueryRequest.builder()
                        .tableName(table)
                        .indexName(LedgerTable.GSI4)
                        .keyConditionExpression("#pk = :pk AND #sk BETWEEN :low AND :high")
                        .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI4_PK, "#sk", LedgerTable.GSI4_SK))
                        .expressionAttributeValues(Map.of(":pk", s(partition), ":low", s(lowerBound), ":high", s(high)))
                        // one more when the first item may be the one the cursor already handed out
                        .limit(limit - items.size() + (skipKey != null && startKey == null ? 1 : 0));
                if (updatedIn != null) {
                    // a posting moves updatedAt, a hold's start or end moves heldAt: either puts the user in the window
                    query.filterExpression("(#updated >= :from AND #updated < :until) OR (#heldAt >= :from AND #heldAt < :until)")
                            .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI4_PK, "#sk", LedgerTable.GSI4_SK,
                                    "#updated", "updatedAt", "#heldAt", "heldAt"))
                            .expressionAttributeValues(Map.of(":pk", s(partition), ":low", s(lowerBound), ":high", s(high),
                                    ":from", s(updatedIn[0]), ":until", s(updatedIn[1])));
                }
                if (startKey != null) {
                    query.exclusiveStartKey(startKey);
                }
                QueryResponse response = dynamo.query(query.build());
                queries++;
                for (Map<String, AttributeValue> item : response.items()) {
                    String sortKey = str(item, LedgerTable.GSI4_SK);
                    if (sortKey.equals(skipKey) || items.size() >= limit) {
                        continue;
                    }
                    items.add(new Positioned<>(map.apply(item), partition + " " + sortKey));
                    position = sortKey;
                }
                startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                        ? response.lastEvaluatedKey() : null;
                if (startKey != null && items.size() >= limit) {
                    return new Page<>(items, partition + " " + position, false);
                }
            } while (startKey != null);
        }
        return new Page<>(items, null, true);
    }

    /** The partitions one walk visits, in order. */
    private sealed interface Partitions {
        int size();

        String get(int index);

        int indexOf(String partition);

        record Single(String name) implements Partitions {
            public int size() {
                return 1;
            }

            public String get(int index) {
                return name;
            }

            public int indexOf(String partition) {
                return name.equals(partition) ? 0 : -1;
            }
        }

        /** Every day bucket that can hold a completion in {@code [from, until)}. */
        record Days(Instant first, int size) implements Partitions {
            Days(Instant from, Instant until) {
                this(from.truncatedTo(ChronoUnit.DAYS),
                        (int) Duration.between(from.truncatedTo(ChronoUnit.DAYS),
                                until.minusMillis(1).truncatedTo(ChronoUnit.DAYS)).toDays() + 1);
            }

            public String get(int index) {
                return LedgerTable.completedPk(first.plus(index, ChronoUnit.DAYS));
            }

            public int indexOf(String partition) {
                String prefix = "COMPLETED#";
                if (!partition.startsWith(prefix)) {
                    return -1;
                }
                try {
                    Instant day = Instant.parse(partition.substring(prefix.length()) + "T00:00:00Z");
                    long index = Duration.between(first, day).toDays();
                    return index >= 0 && index < size ? (int) index : -1;
                } catch (RuntimeException e) {
                    return -1;
                }
            }
        }

        /** Every hour bucket x shard that can hold a change in {@code [from, until)}. */
        record Hours(Instant first, int hours) implements Partitions {
            Hours(Instant from, Instant until) {
                this(from.truncatedTo(ChronoUnit.HOURS),
                        (int) Duration.between(from.truncatedTo(ChronoUnit.HOURS),
                                until.minusMillis(1).truncatedTo(ChronoUnit.HOURS)).toHours() + 1);
            }

            public int size() {
                return hours * LedgerTable.CHANGED_SHARDS;
            }

            public String get(int index) {
                Instant hour = first.plus(index / LedgerTable.CHANGED_SHARDS, ChronoUnit.HOURS);
                return LedgerTable.changedPk(LedgerTable.HOUR.format(hour), index % LedgerTable.CHANGED_SHARDS);
            }

            public int indexOf(String partition) {
                String[] parts = partition.split("#");
                if (parts.length != 3 || !parts[0].equals("CHANGED")) {
                    return -1;
                }
                try {
                    Instant hour = Instant.parse(parts[1] + ":00:00Z");
                    int shard = Integer.parseInt(parts[2]);
                    long h = Duration.between(first, hour).toHours();
                    if (h < 0 || h >= hours || shard < 0 || shard >= LedgerTable.CHANGED_SHARDS) {
                        return -1;
                    }
                    return (int) h * LedgerTable.CHANGED_SHARDS + shard;
                } catch (RuntimeException e) {
                    return -1;
                }
            }
        }
    }

    // --- open drift items -----------------------------------------------------------------------------

    @Override
    public List<dev.prepaid.domain.payment.PaymentMismatch> paymentMismatches(int limit) {
        // Expired items may linger until the TTL sweeper removes them: filter them out on read.
        String now = LedgerTable.timestamp(Instant.now().minus(PaymentItems.MISMATCH_RETENTION));
        return dynamo.query(b -> b.tableName(table).indexName(LedgerTable.GSI4)
                        .keyConditionExpression("#pk = :pk AND #sk > :since")
                        .expressionAttributeNames(Map.of("#pk", LedgerTable.GSI4_PK, "#sk", LedgerTable.GSI4_SK))
                        .expressionAttributeValues(Map.of(":pk", s(PaymentItems.MISMATCH_BUCKET), ":since", s(now)))
                        .scanIndexForward(false)
                        .limit(limit))
                .items().stream().map(PaymentItems::mismatchFromItem).toList();
    }

    @Override
    public List<ReconciliationReport.OpenDrift> openDrifts(int limit) {
        List<ReconciliationReport.OpenDrift> result = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", LedgerTable.PK))
                    .expressionAttributeValues(Map.of(":pk", s(DRIFT_PK)))
                    .consistentRead(true)
                    .limit(limit - result.size());
            if (startKey != null) {
                query.exclusiveStartKey(startKey);
            }
            QueryResponse response = dynamo.query(query.build());
            for (Map<String, AttributeValue> item : response.items()) {
                result.add(driftFromItem(item));
            }
            startKey = lastKey(response);
        } while (startKey != null && result.size() < limit);
        return result;
    }

    @Override
    public ReconciliationReport.OpenDrift saveDrift(ReconciliationReport.UserDrift drift, Instant at) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":user", s(drift.userId()));
        values.put(":balance", n(drift.balance()));
        values.put(":sum", n(drift.ledgerSum()));
        values.put(":drift", n(drift.drift()));
        values.put(":balanceSeq", n(drift.balanceSeq()));
        values.put(":maxSeq", n(drift.maxEntrySeq()));
        values.put(":at", s(at.toString()));
        Map<String, AttributeValue> item = dynamo.updateItem(b -> b.tableName(table)
                .key(key(DRIFT_PK, driftSk(drift.userId())))
                .updateExpression("SET userId = :user, balance = :balance, ledgerSum = :sum, drift = :drift, "
                        + "balanceSeq = :balanceSeq, maxEntrySeq = :maxSeq, lastChecked = :at, "
                        + "firstSeen = if_not_exists(firstSeen, :at)")
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        return driftFromItem(item);
    }

    @Override
    public void resolveDrift(String userId) {
        dynamo.deleteItem(b -> b.tableName(table).key(key(DRIFT_PK, driftSk(userId))));
    }

    private static String driftSk(String userId) {
        return "USER#" + userId;
    }

    private static ReconciliationReport.OpenDrift driftFromItem(Map<String, AttributeValue> item) {
        return new ReconciliationReport.OpenDrift(str(item, "userId"), num(item, "balance"), num(item, "ledgerSum"),
                num(item, "drift"), num(item, "balanceSeq"), num(item, "maxEntrySeq"), instant(item, "firstSeen"),
                instant(item, "lastChecked"));
    }

    // --- per-user ledger-sum checkpoints -----------------------------------------------------------------

    static Map<String, AttributeValue> ledgerSumKey(String userId) {
        return key(SUM_PK_PREFIX + userId, SUM_SK);
    }

    @Override
    public Optional<LedgerSum> ledgerSum(UserId userId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(ledgerSumKey(userId.value()))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LedgerSum(num(item, "seq"), num(item, "sum"),
                Instant.ofEpochMilli(num(item, "resummedAt")), instant(item, "updatedAt")));
    }

    @Override
    public boolean saveLedgerSum(UserId userId, LedgerSum sum) {
        Map<String, AttributeValue> item = new HashMap<>(ledgerSumKey(userId.value()));
        item.put("userId", s(userId.value()));
        item.put("seq", n(sum.seq()));
        item.put("sum", n(sum.sum()));
        // epoch milliseconds, so that the condition compares times as numbers
        item.put("resummedAt", n(sum.resummedAt().toEpochMilli()));
        putInstant(item, "updatedAt", sum.updatedAt());
        try {
            dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #seq < :seq OR (#seq = :seq AND #resummed < :resummed)")
                    .expressionAttributeNames(Map.of("#pk", LedgerTable.PK, "#seq", "seq", "#resummed", "resummedAt"))
                    .expressionAttributeValues(Map.of(":seq", n(sum.seq()), ":resummed", item.get("resummedAt"))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // --- checkpoint -----------------------------------------------------------------------------------

    @Override
    public Optional<ReconciliationCheckpoint> checkpoint() {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(STATE_PK, STATE_SK))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ReconciliationCheckpoint(num(item, "version"),
                instant(item, "balancesCheckedUntil"), instant(item, "balancesPassUntil"), str(item, "balancesCursor"),
                instant(item, "ordersCheckedUntil"), instant(item, "ordersPassUntil"), str(item, "ordersCursor"),
                str(item, "pendingCursor"), instant(item, "updatedAt")));
    }

    @Override
    public boolean saveCheckpoint(ReconciliationCheckpoint checkpoint) {
        Map<String, AttributeValue> item = new HashMap<>(key(STATE_PK, STATE_SK));
        item.put("version", n(checkpoint.version()));
        putInstant(item, "balancesCheckedUntil", checkpoint.balancesCheckedUntil());
        putInstant(item, "balancesPassUntil", checkpoint.balancesPassUntil());
        putString(item, "balancesCursor", checkpoint.balancesCursor());
        putInstant(item, "ordersCheckedUntil", checkpoint.ordersCheckedUntil());
        putInstant(item, "ordersPassUntil", checkpoint.ordersPassUntil());
        putString(item, "ordersCursor", checkpoint.ordersCursor());
        putString(item, "pendingCursor", checkpoint.pendingCursor());
        putInstant(item, "updatedAt", checkpoint.updatedAt());
        try {
            if (checkpoint.version() <= 1) {
                dynamo.putItem(b -> b.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(" + LedgerTable.PK + ")"));
            } else {
                dynamo.putItem(b -> b.tableName(table).item(item)
                        .conditionExpression("#version = :expected")
                        .expressionAttributeNames(Map.of("#version", "version"))
                        .expressionAttributeValues(Map.of(":expected", n(checkpoint.version() - 1))));
            }
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // --- report ---------------------------------------------------------------------------------------

    @Override
    public void saveReport(ReconciliationReport report) {
        String json = Json.write(ReconciliationReportJson.toJson(report));
        if (json.length() > MAX_REPORT_CHARS) {
            json = Json.write(ReconciliationReportJson.toJson(ReconciliationReportJson.trimmed(report, 100))
                    .put("truncated", true));
        }
        Map<String, AttributeValue> item = new HashMap<>(key(REPORT_PK, REPORT_SK));
        item.put("report", s(json));
        item.put("generatedAt", s(LedgerTable.timestamp(report.finishedAt() == null ? report.startedAt() : report.finishedAt())));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public Optional<ReconciliationReport> latestReport() {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(REPORT_PK, REPORT_SK))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty() || str(item, "report") == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ReconciliationReportJson.fromJson(Json.MAPPER.readTree(str(item, "report"))));
        } catch (IOException e) {
            throw new UncheckedIOException("the saved reconciliation report is not JSON", e);
        }
    }

    // --- helpers --------------------------------------------------------------------------------------

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(LedgerTable.PK, s(pk), LedgerTable.SK, s(sk));
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = str(item, name);
        return value == null ? null : Instant.parse(value);
    }

    private static void putInstant(Map<String, AttributeValue> item, String name, Instant value) {
        if (value != null) {
            item.put(name, s(value.toString()));
        }
    }

    private static void putString(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }
}
