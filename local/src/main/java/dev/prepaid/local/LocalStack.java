package dev.prepaid.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.prepaid.adapter.config.AwsClients;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.out.provider.mock.MockPaymentProvider;
import dev.prepaid.local.auth.LocalTokens;
import dev.prepaid.local.template.FunctionSpec;
import dev.prepaid.local.template.Intrinsics;
import dev.prepaid.local.template.LocalOverrides;
import dev.prepaid.local.template.LocalTemplate;
import dev.prepaid.local.template.QueueSpec;
import dev.prepaid.local.template.SamTemplate;
import dev.prepaid.local.template.TableSpec;
import dev.prepaid.local.web.DemoBackend;
import dev.prepaid.local.web.DevTokenRoute;
import dev.prepaid.local.web.MockCheckoutRoute;
import dev.prepaid.local.web.StaticFiles;
import dev.prepaid.testing.ApiGatewayStandIn;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.TestClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole stack in this JVM, wired from template.yaml: DynamoDB Local and ElasticMQ; the template's table
 * and queues; every function it declares (the real handler classes, built through their {@code (Env)}
 * constructor with the template's environment resolved locally) behind an API Gateway stand-in with the
 * local JWT authorizer; a poller per SQS event; a local schedule per Schedule event; and the local-only
 * pages (the demo, {@code /dev/token}, the mock provider's checkout, the demo backend).
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A message that failed comes back after this many seconds (the template's own timeout is minutes). */
    static final int LOCAL_VISIBILITY_SECONDS = 2;

    /** A function of the template and what became of it here. */
    public record Function(FunctionSpec spec, HandlerInvoker handler, String skipped) {
        public boolean running() {
            return handler != null;
        }
    }

    /** A queue of the template, created locally. */
    public record Queue(String logicalId, String name, String url, String arn, String deadLetterQueue, String maxReceiveCount) {
    }

    /** The stack could not start; the message says why, for a person. */
    public static final class StartupException extends RuntimeException {
        public StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Options options;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private LocalEngines engines;
    private ApiGatewayStandIn gateway;
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private ScheduledExecutorService pollers;
    private Schedules schedules;
    private FileChannel lockChannel;
    private FileLock lock;
    private LocalTokens tokens;
    private LocalTemplate local;
    private final List<TableSpec> tables = new ArrayList<>();
    private final List<String> tableNotes = new ArrayList<>();
    private final List<Queue> queues = new ArrayList<>();
    private final List<Function> functions = new ArrayList<>();
    private MockPaymentProvider mock;
    private volatile boolean closed;

    private LocalStack(Options options) {
        this.options = options;
    }

    /** Starts everything; on failure, stops what had started and throws {@link StartupException}. */
    public static LocalStack start(Options options) {
        LocalStack stack = new LocalStack(options);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            if (e instanceof StartupException) {
                throw e;
            }
            throw new StartupException(e.getMessage() == null ? e.getClass().getName() : e.getMessage(), e);
        }
    }

    private void startAll() {
        SamTemplate template = SamTemplate.read(options.template());
        byte[] jwtSecret;
        String mockSecret;
        Path dynamoDir = null;
        if (options.inMemory()) {
            jwtSecret = randomBytes(32);
            mockSecret = "mock_whsec_" + HexFormat.of().formatHex(randomBytes(16));
        } else {
            lockDataDir();
            dynamoDir = options.dataDir().resolve("dynamodb");
            createDirectories(dynamoDir);
            jwtSecret = jwtSecret(options.dataDir().resolve("jwt-secret"));
            mockSecret = mockSecret(options.dataDir().resolve("mock-webhook-secret"));
        }
        tokens = new LocalTokens(jwtSecret, Clock.systemUTC());

        engines = new LocalEngines();
        URI dynamoEndpoint = quietly(dynamoDir, dir -> engines.startDynamo(dir, 0));
        URI sqsEndpoint = engines.startSqs(0);
        try {
            gateway = new ApiGatewayStandIn(options.port()).newlineAfterJson(); // for curl at a terminal
        } catch (IllegalStateException e) {
            throw new StartupException("cannot listen on 127.0.0.1:" + options.port()
                    + " (is another ./run-local running? use --port or PORT to pick another)", e);
        }
        String base = baseUrl().toString();
        dynamo = TestClients.dynamo(dynamoEndpoint);
        sqs = TestClients.sqs(sqsEndpoint);

        LocalOverrides overrides;
        try {
            overrides = new LocalOverrides(base, dynamoEndpoint.toString(), sqsEndpoint.toString(), mockSecret,
                    options.paymentProvider(), options.environment());
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
        LocalResources resources = new LocalResources(template, base);
        Intrinsics intrinsics = new Intrinsics(template, LocalOverrides.parameters(template, base, options.parameters()),
                resources, base);
        local = new LocalTemplate(template, intrinsics);

        for (TableSpec table : local.tables()) {
            ensureTable(table);
            resources.table(table.logicalId(), table.name());
            tables.add(table);
        }
        for (QueueSpec spec : local.queues()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> resolved = (Map<String, Object>) intrinsics.resolve(spec.properties());
            String name = QueueSpec.name(spec.logicalId(), resolved);
            Map<String, String> attributes = QueueSpec.attributes(resolved, LOCAL_VISIBILITY_SECONDS);
            String url = sqs.createQueue(b -> b.queueName(name).attributesWithStrings(attributes)).queueUrl();
            String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("QueueArn"))
                    .attributesAsStrings().get("QueueArn");
            resources.queue(spec.logicalId(), name, url, arn);
            String[] redrive = QueueSpec.redrive(resolved);
            String dlq = null;
            if (redrive != null) {
                dlq = queues.stream().filter(q -> q.arn().equals(redrive[0])).map(Queue::logicalId).findFirst().orElse(redrive[0]);
            }
            queues.add(new Queue(spec.logicalId(), name, url, arn, dlq, redrive == null ? null : redrive[1]));
        }

        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : LocalStack.class.getClassLoader();
        for (FunctionSpec spec : local.functions(overrides)) {
            functions.add(instantiate(spec, loader));
        }

        mock = mockProvider();
        gateway.raw(new StaticFiles())
                .raw(new DevTokenRoute(tokens))
                .raw(new MockCheckoutRoute(mock))
                .raw(new DemoBackend(tokens, baseUrl()));
        routeFunctions();
        startPollers();
        startSchedules();
    }

    /**
     * DynamoDB Local prints its configuration to stdout when it starts, with the placeholder port 8000 (not
     * the real one): keep that out of the runner's own output.
     */
    private static <T, R> R quietly(T argument, java.util.function.Function<T, R> start) {
        java.io.PrintStream out = System.out;
        synchronized (System.class) {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                return start.apply(argument);
            } finally {
                System.setOut(out);
            }
        }
    }

    // ---- resources ---------------------------------------------------------------------------------

    private void ensureTable(TableSpec table) {
        TableDescription existing = null;
        // ListTables first: DescribeTable of a missing table makes DynamoDB Local log a stack trace.
        if (dynamo.listTablesPaginator(b -> b.limit(100)).tableNames().stream().anyMatch(table.name()::equals)) {
            try {
                existing = dynamo.describeTable(b -> b.tableName(table.name())).table();
            } catch (ResourceNotFoundException e) {
                existing = null;
            }
        }
        if (existing == null) {
            dynamo.createTable(table.createTableRequest());
            tableNotes.add(table.name() + " created");
        } else {
            if (!existing.keySchema().equals(table.createTableRequest().keySchema())) {
                LOG.warn("table {} in {} has another key schema than template.yaml; delete that directory to start over",
                        table.name(), options.dataDir());
            }
            Set<String> indexes = existing.globalSecondaryIndexes() == null ? Set.of()
                    : existing.globalSecondaryIndexes().stream().map(i -> i.indexName()).collect(Collectors.toSet());
            List<String> added = new ArrayList<>();
            for (GlobalSecondaryIndex index : table.globalSecondaryIndexes()) {
                if (!indexes.contains(index.indexName())) {
                    dynamo.updateTable(b -> b.tableName(table.name()).attributeDefinitions(table.attributeDefinitions())
                            .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().create(c -> c
                                    .indexName(index.indexName()).keySchema(index.keySchema()).projection(index.projection())
                                    .provisionedThroughput(index.provisionedThroughput())).build()));
                    added.add(index.indexName());
                }
            }
            tableNotes.add(table.name() + " kept (" + existing.itemCount() + " items)"
                    + (added.isEmpty() ? "" : ", added index " + String.join(", ", added)));
        }
        String ttl = table.timeToLiveAttribute();
        if (ttl != null) {
            try {
                dynamo.updateTimeToLive(b -> b.tableName(table.name()).timeToLiveSpecification(t -> t.attributeName(ttl).enabled(true)));
            } catch (RuntimeException e) {
                // already enabled on a kept table, or not supported: expiry is cosmetic locally
            }
        }
    }

    // ---- functions ---------------------------------------------------------------------------------

    private Function instantiate(FunctionSpec spec, ClassLoader loader) {
        if (!spec.problems().isEmpty()) {
            String why = String.join("; ", spec.problems());
            LOG.warn("skipping {}: {}", spec.logicalId(), why);
            return new Function(spec, null, why);
        }
        try {
            HandlerInvoker handler = HandlerInvoker.create(spec.logicalId(), spec.handlerClass(), spec.handlerMethod(),
                    new Env(spec.environment()), loader);
            if (handler.instance() instanceof AutoCloseable closeable) {
                closeables.add(closeable);
            }
            return new Function(spec, handler, null);
        } catch (HandlerInvoker.UnavailableException e) {
            LOG.warn("skipping {}: {}", spec.logicalId(), e.getMessage());
            return new Function(spec, null, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            LOG.error("skipping {}: it failed to start", spec.logicalId(), e);
            return new Function(spec, null, "failed to start: " + e);
        }
    }

    /** The mock provider, built from the environment the purchase functions get. */
    private MockPaymentProvider mockProvider() {
        for (Function f : functions) {
            Map<String, String> env = f.spec().environment();
            if (f.running() && "mock".equals(env.get("PAYMENT_PROVIDER")) && env.containsKey("MOCK_WEBHOOK_SECRET")) {
                Env e = new Env(env);
                DynamoDbClient client = AwsClients.dynamo(e);
                closeables.add(client);
                return MockPaymentProvider.fromEnv(e, dev.prepaid.adapter.catalog.CatalogFile.fromEnv(e).products(),
                        client, e.required("TABLE_NAME"));
            }
        }
        return null;
    }

    private void routeFunctions() {
        Map<String, HandlerInvoker> running = new java.util.HashMap<>();
        List<FunctionSpec> specs = new ArrayList<>();
        for (Function f : functions) {
            if (f.running()) {
                running.put(f.spec().logicalId(), f.handler());
                specs.add(f.spec());
            }
        }
        TemplateStack.route(gateway, specs, spec -> {
            HandlerInvoker handler = running.get(spec.logicalId());
            return (event, context) -> (APIGatewayV2HTTPResponse) handler.invoke(event, context);
        }, tokens, FunctionSpec::logicalId);
    }

    private void startPollers() {
        List<Runnable> loops = new ArrayList<>();
        for (Function f : functions) {
            if (!f.running()) {
                continue;
            }
            for (FunctionSpec.QueueTrigger trigger : f.spec().queues()) {
                Queue queue = queue(trigger.queue());
                if (!trigger.enabled() || queue == null) {
                    continue;
                }
                HandlerInvoker handler = f.handler();
                RequestHandler<SQSEvent, SQSBatchResponse> consumer = (event, context) -> {
                    Object result = handler.invoke(event, context);
                    return result instanceof SQSBatchResponse response ? response : null;
                };
                QueuePoller poller = new QueuePoller(sqs, queue.url(), consumer, f.spec().logicalId());
                int batch = Math.max(1, Math.min(10, trigger.batchSize()));
                loops.add(() -> {
                    try {
                        for (int i = 0; i < 20 && !closed && poller.pollOnce(batch, 0) > 0; i++) {
                            // keep going while the queue has messages
                        }
                    } catch (RuntimeException e) {
                        if (!closed) {
                            LOG.error("{} failed a batch from {} (the messages come back after {} s)", f.spec().logicalId(),
                                    queue.name(), LOCAL_VISIBILITY_SECONDS, e);
                        }
                    }
                });
            }
        }
        if (loops.isEmpty()) {
            return;
        }
        pollers = Executors.newScheduledThreadPool(loops.size(), r -> {
            Thread thread = new Thread(r, "local-sqs-poller");
            thread.setDaemon(true);
            return thread;
        });
        long every = options.pollEvery().toMillis();
        loops.forEach(loop -> pollers.scheduleWithFixedDelay(loop, every, every, TimeUnit.MILLISECONDS));
    }

    private void startSchedules() {
        List<Schedules.Scheduled> scheduled = new ArrayList<>();
        for (Function f : functions) {
            if (!f.running()) {
                continue;
            }
            for (FunctionSpec.ScheduleTrigger trigger : f.spec().schedules()) {
                if (trigger.enabled()) {
                    scheduled.add(new Schedules.Scheduled(f.spec().logicalId(), trigger.event(), trigger.expression(),
                            trigger.input(), f.handler()));
                }
            }
        }
        schedules = new Schedules(scheduled, options.scheduleEvery(), Clock.systemUTC());
        schedules.start();
    }

    // ---- accessors ---------------------------------------------------------------------------------

    public URI baseUrl() {
        return gateway.baseUrl();
    }

    public Options options() {
        return options;
    }

    public List<Function> functions() {
        return List.copyOf(functions);
    }

    public List<Queue> queues() {
        return List.copyOf(queues);
    }

    public List<TableSpec> tables() {
        return List.copyOf(tables);
    }

    public List<String> tableNotes() {
        return List.copyOf(tableNotes);
    }

    public Queue queue(String logicalId) {
        return queues.stream().filter(q -> q.logicalId().equals(logicalId)).findFirst().orElse(null);
    }

    public LocalTokens tokens() {
        return tokens;
    }

    public MockPaymentProvider mock() {
        return mock;
    }

    public Schedules schedules() {
        return schedules;
    }

    public LocalTemplate template() {
        return local;
    }

    public URI dynamoEndpoint() {
        return engines.dynamoEndpoint();
    }

    public URI sqsEndpoint() {
        return engines.sqsEndpoint();
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public SqsClient sqs() {
        return sqs;
    }

    // ---- data directory ----------------------------------------------------------------------------

    private void lockDataDir() {
        createDirectories(options.dataDir());
        try {
            lockChannel = FileChannel.open(options.dataDir().resolve("run.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lock == null) {
            throw new StartupException("another ./run-local is using " + options.dataDir()
                    + " (stop it, or use --in-memory or --data-dir)", null);
        }
    }

    /** The HS256 secret: 32 random bytes, base64 in {@code file}, made on first use. */
    static byte[] jwtSecret(Path file) {
        if (Files.isRegularFile(file)) {
            try {
                byte[] secret = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
                if (secret.length >= 32) {
                    return secret;
                }
            } catch (IllegalArgumentException | IOException e) {
                // unreadable: replaced below (tokens signed with the old one stop working, nothing else)
            }
            LOG.warn("{} is not a base64 secret of at least 32 bytes: making a new one", file);
        }
        byte[] secret = randomBytes(32);
        writeSecret(file, Base64.getEncoder().encodeToString(secret) + "\n");
        return secret;
    }

    static String mockSecret(Path file) {
        if (Files.isRegularFile(file)) {
            try {
                String secret = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (secret.length() >= 16) {
                    return secret;
                }
            } catch (IOException e) {
                // replaced below
            }
        }
        String secret = "mock_whsec_" + HexFormat.of().formatHex(randomBytes(16));
        writeSecret(file, secret + "\n");
        return secret;
    }

    private static void writeSecret(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    // ---- stop --------------------------------------------------------------------------------------

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (schedules != null) {
            schedules.close();
        }
        if (pollers != null) {
            pollers.shutdownNow();
            try {
                pollers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
        if (sqs != null) {
            sqs.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
        if (engines != null) {
            engines.close();
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
