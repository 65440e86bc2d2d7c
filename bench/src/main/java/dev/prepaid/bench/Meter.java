package dev.prepaid.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A <em>global</em> SDK interceptor (registered by the classpath resource
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}), so it sees the calls of clients
 * the handlers build themselves from their {@code Env}, exactly as deployed. It does nothing unless a
 * {@link Recording} is active (one volatile read per hook), so it costs the measured code paths nothing
 * measurable and is present equally on the reference side.
 *
 * <p>While recording it counts every API call by service and operation (in {@code beforeTransmission}, so
 * SDK-level retries count), counts failures by error and, for cancelled transactions, by cancellation
 * reason. In {@link Mode#CAPACITY} it also asks DynamoDB for {@code ReturnConsumedCapacity=TOTAL}
 * ({@code modifyRequest}), sums what comes back ({@code afterExecution}), and independently computes the
 * units from item sizes with DynamoDB's documented rules ({@link ItemSize}): it reads each written item
 * before and after the write through a side client (not counted), so it knows both images, which index
 * entries changed, and the larger of the two sizes.
 */
public final class Meter implements ExecutionInterceptor {
    public enum Mode { COUNT, CAPACITY }

    private static volatile Recording current;
    private static volatile DynamoDbClient sideClient;
    private static final ThreadLocal<Boolean> SIDE = ThreadLocal.withInitial(() -> false);
    private static final ExecutionAttribute<List<Image>> BEFORE = new ExecutionAttribute<>("bench.before");
    /** TOTAL (the default); {@code -Dprepaid.bench.capacity=INDEXES} also asks for the per-index breakdown. */
    static final ReturnConsumedCapacity LEVEL =
            ReturnConsumedCapacity.fromValue(System.getProperty("prepaid.bench.capacity", "TOTAL").toUpperCase());

    /** A written item, by table and key, and its image before the write (null when absent). */
    private record Image(String table, Map<String, AttributeValue> key, Map<String, AttributeValue> before,
                         boolean transactional, String kind) {
    }

    /** The side client that reads item images in {@link Mode#CAPACITY}; its calls are never counted. */
    public static void sideClient(DynamoDbClient client) {
        sideClient = client;
    }

    public static Recording start(Mode mode) {
        Recording recording = new Recording(mode);
        current = recording;
        return recording;
    }

    public static void stop() {
        current = null;
    }

    /** Everything counted between {@link #start} and {@link #stop}. Thread-safe. */
    public static final class Recording {
        final Mode mode;
        private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        final DoubleAdder reportedWrite = new DoubleAdder();
        final DoubleAdder reportedRead = new DoubleAdder();
        final LongAdder responsesWithCapacity = new LongAdder();
        final LongAdder dynamoResponses = new LongAdder();
        final DoubleAdder computedWrite = new DoubleAdder();
        final DoubleAdder computedRead = new DoubleAdder();
        final DoubleAdder computedIndexWrite = new DoubleAdder();
        /** Index writes caused by transactional items: DynamoDB Local charges these twice. */
        final DoubleAdder computedTransactionalIndexWrite = new DoubleAdder();
        final DoubleAdder reportedIndex = new DoubleAdder();
        final LongAdder uncomputed = new LongAdder();
        final LongAccumulator largestItem = new LongAccumulator(Math::max, 0);

        Recording(Mode mode) {
            this.mode = mode;
        }

        /** Calls by "Service.Operation", sorted. */
        public Map<String, Long> calls() {
            Map<String, Long> result = new TreeMap<>();
            calls.forEach((k, v) -> result.put(k, v.sum()));
            return result;
        }

        public long calls(String serviceOperation) {
            LongAdder adder = calls.get(serviceOperation);
            return adder == null ? 0 : adder.sum();
        }

        public long callsOf(String service) {
            return calls.entrySet().stream().filter(e -> e.getKey().startsWith(service + "."))
                    .mapToLong(e -> e.getValue().sum()).sum();
        }

        /** Failures by "Service.Operation: Error[reasons]", sorted. */
        public Map<String, Long> failures() {
            Map<String, Long> result = new TreeMap<>();
            failures.forEach((k, v) -> result.put(k, v.sum()));
            return result;
        }

        public long failuresMatching(String fragment) {
            return failures.entrySet().stream().filter(e -> e.getKey().contains(fragment))
                    .mapToLong(e -> e.getValue().sum()).sum();
        }

        /** DynamoDB reported capacity in at least one response. */
        public boolean capacityReported() {
            return responsesWithCapacity.sum() > 0;
        }

        public double reportedWrite() {
            return reportedWrite.sum();
        }

        public double reportedRead() {
            return reportedRead.sum();
        }

        /** Computed write units: base table plus index entries. */
        public double computedWrite() {
            return computedWrite.sum() + computedIndexWrite.sum();
        }

        public double computedIndexWrite() {
            return computedIndexWrite.sum();
        }

        /** Computed write units if index writes of transactional items cost double, as DynamoDB Local counts them. */
        public double computedWriteIndexDoubled() {
            return computedWrite() + computedTransactionalIndexWrite.sum();
        }

        /** Units DynamoDB reported against indexes (only with {@code prepaid.bench.capacity=INDEXES}). */
        public double reportedIndex() {
            return reportedIndex.sum();
        }

        public double computedRead() {
            return computedRead.sum();
        }

        public long uncomputed() {
            return uncomputed.sum();
        }

        /** The largest item written (bytes, DynamoDB's sizing): how far each write is from the 1 KB step. */
        public long largestItem() {
            return largestItem.get();
        }
    }

    // --- hooks --------------------------------------------------------------------------------------

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        Recording recording = current;
        if (recording == null || recording.mode != Mode.CAPACITY || SIDE.get()) {
            return context.request();
        }
        SdkRequest request = context.request();
        SdkRequest modified = withConsumedCapacity(request);
        List<Image> images = writtenItems(modified);
        if (!images.isEmpty()) {
            List<Image> before = new ArrayList<>(images.size());
            for (Image image : images) {
                before.add(new Image(image.table(), image.key(), read(image.table(), image.key()),
                        image.transactional(), image.kind()));
            }
            attributes.putAttribute(BEFORE, before);
        }
        return modified;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Recording recording = current;
        if (recording == null || SIDE.get()) {
            return;
        }
        recording.calls.computeIfAbsent(name(attributes), k -> new LongAdder()).increment();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Recording recording = current;
        if (recording == null || SIDE.get()) {
            return;
        }
        SdkResponse response = context.response();
        List<ConsumedCapacity> reported = reportedCapacity(response);
        if (reported != null) {
            recording.dynamoResponses.increment();
            boolean write = isWrite(context.request());
            double units = 0;
            boolean any = false;
            for (ConsumedCapacity c : reported) {
                if (c != null && c.capacityUnits() != null) {
                    units += c.capacityUnits();
                    any = true;
                    if (c.hasGlobalSecondaryIndexes()) {
                        c.globalSecondaryIndexes().values().forEach(i -> recording.reportedIndex.add(i.capacityUnits()));
                    }
                }
            }
            if (any) {
                recording.responsesWithCapacity.increment();
                (write ? recording.reportedWrite : recording.reportedRead).add(units);
            }
        }
        if (recording.mode == Mode.CAPACITY) {
            compute(recording, context.request(), response, attributes.getAttribute(BEFORE));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Recording recording = current;
        if (recording == null || SIDE.get()) {
            return;
        }
        Throwable failure = context.exception();
        String what = failure.getClass().getSimpleName();
        if (failure instanceof TransactionCanceledException cancelled && cancelled.hasCancellationReasons()) {
            what += cancelled.cancellationReasons().stream().map(CancellationReason::code).toList();
        }
        recording.failures.computeIfAbsent(name(attributes) + ": " + what, k -> new LongAdder()).increment();
        if (recording.mode == Mode.CAPACITY && isWrite(context.request())) {
            recording.uncomputed.increment(); // a refused write is charged too; not modelled here
        }
    }

    private static String name(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }

    // --- ReturnConsumedCapacity ---------------------------------------------------------------------

    private static SdkRequest withConsumedCapacity(SdkRequest request) {
        ReturnConsumedCapacity total = LEVEL;
        if (request instanceof TransactWriteItemsRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        if (request instanceof PutItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        if (request instanceof UpdateItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        if (request instanceof DeleteItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        if (request instanceof GetItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        if (request instanceof QueryRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        return request;
    }

    private static List<ConsumedCapacity> reportedCapacity(SdkResponse response) {
        if (response instanceof TransactWriteItemsResponse r) {
            return r.hasConsumedCapacity() ? r.consumedCapacity() : List.of();
        }
        if (response instanceof PutItemResponse r) {
            return single(r.consumedCapacity());
        }
        if (response instanceof UpdateItemResponse r) {
            return single(r.consumedCapacity());
        }
        if (response instanceof DeleteItemResponse r) {
            return single(r.consumedCapacity());
        }
        if (response instanceof GetItemResponse r) {
            return single(r.consumedCapacity());
        }
        if (response instanceof QueryResponse r) {
            return single(r.consumedCapacity());
        }
        return null; // not a DynamoDB data call
    }

    private static List<ConsumedCapacity> single(ConsumedCapacity capacity) {
        return capacity == null ? List.of() : List.of(capacity);
    }

    private static boolean isWrite(SdkRequest request) {
        return request instanceof TransactWriteItemsRequest || request instanceof PutItemRequest
                || request instanceof UpdateItemRequest || request instanceof DeleteItemRequest;
    }

    // --- computed capacity --------------------------------------------------------------------------

    private static List<Image> writtenItems(SdkRequest request) {
        List<Image> items = new ArrayList<>();
        if (request instanceof TransactWriteItemsRequest r) {
            for (TransactWriteItem item : r.transactItems()) {
                if (item.put() != null) {
                    items.add(new Image(item.put().tableName(), ItemSize.key(item.put().item()), null, true, "put"));
                } else if (item.update() != null) {
                    items.add(new Image(item.update().tableName(), item.update().key(), null, true, "update"));
                } else if (item.delete() != null) {
                    items.add(new Image(item.delete().tableName(), item.delete().key(), null, true, "delete"));
                } else if (item.conditionCheck() != null) {
                    items.add(new Image(item.conditionCheck().tableName(), item.conditionCheck().key(), null, true,
                            "check"));
                }
            }
        } else if (request instanceof PutItemRequest r) {
            items.add(new Image(r.tableName(), ItemSize.key(r.item()), null, false, "put"));
        } else if (request instanceof UpdateItemRequest r) {
            items.add(new Image(r.tableName(), r.key(), null, false, "update"));
        } else if (request instanceof DeleteItemRequest r) {
            items.add(new Image(r.tableName(), r.key(), null, false, "delete"));
        }
        return items;
    }

    private static void compute(Recording recording, SdkRequest request, SdkResponse response, List<Image> before) {
        if (before != null) {
            for (Image image : before) {
                Map<String, AttributeValue> after = read(image.table(), image.key());
                if (image.kind().equals("check")) {
                    // A condition check in a transaction is charged like a transactional write of the item's size.
                    recording.computedWrite.add(ItemSize.writeUnits(ItemSize.of(image.before()), true));
                    continue;
                }
                long size = Math.max(ItemSize.of(image.before()), ItemSize.of(after));
                recording.computedWrite.add(ItemSize.writeUnits(size, image.transactional()));
                double index = ItemSize.indexWriteUnits(image.before(), after);
                recording.computedIndexWrite.add(index);
                if (image.transactional()) {
                    recording.computedTransactionalIndexWrite.add(index);
                }
                recording.largestItem.accumulate(Math.max(ItemSize.of(image.before()), ItemSize.of(after)));
            }
        }
        if (request instanceof GetItemRequest r && response instanceof GetItemResponse g) {
            long size = g.hasItem() ? ItemSize.of(g.item()) : 0;
            recording.computedRead.add(ItemSize.readUnits(size, Boolean.TRUE.equals(r.consistentRead())));
        } else if (request instanceof QueryRequest r && response instanceof QueryResponse q) {
            long size = q.items().stream().mapToLong(ItemSize::of).sum();
            boolean consistent = r.indexName() == null && Boolean.TRUE.equals(r.consistentRead());
            recording.computedRead.add(ItemSize.readUnits(size, consistent));
        }
    }

    private static Map<String, AttributeValue> read(String table, Map<String, AttributeValue> key) {
        DynamoDbClient client = sideClient;
        if (client == null) {
            throw new IllegalStateException("Meter.sideClient(...) is needed for Mode.CAPACITY");
        }
        SIDE.set(true);
        try {
            GetItemResponse response = client.getItem(b -> b.tableName(table).key(key).consistentRead(true));
            return response.hasItem() && !response.item().isEmpty() ? new LinkedHashMap<>(response.item()) : null;
        } finally {
            SIDE.set(false);
        }
    }
}
