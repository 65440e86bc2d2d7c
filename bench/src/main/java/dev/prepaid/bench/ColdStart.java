package dev.prepaid.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.bench.launcher.ColdLauncher;
import dev.prepaid.bench.launcher.ProbeLauncher;
import dev.prepaid.bench.launcher.ReferenceLauncher;
import dev.prepaid.function.deduct.DeductCreditsHandler;
import dev.prepaid.function.order.CreateOrderHandler;
import dev.prepaid.function.webhook.WebhookHandler;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.stripe.StripeWebhooks;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Benchmark 4: cold start of every function in a fresh JVM per run, from process start to the first
 * response, against DynamoDB Local, ElasticMQ and the fake Stripe API running in this (parent) process.
 * The child's class path is the function's deployment zip (lib/*.jar, unzipped to bench/target/coldstart)
 * plus a tiny launcher jar. The reference is {@link ReferenceLauncher}: one SDK client, one
 * TransactWriteItems, on the SDK's jars only. Runs are interleaved round-robin across the functions and
 * the reference, so a noisy moment hits all of them; each figure is a median, divided by the reference's
 * median of the same variant (JVM flags).
 */
final class ColdStart {
    /** What each child JVM gets, roughly a 1024 MB Lambda: the serial collector and a bounded heap. */
    private static final List<String> BASE_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx768m");
    private static final String TEMPLATE_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    record Target(String name, String handler, String kind) {
        boolean reference() {
            return kind.equals("reference");
        }
    }

    /**
     * JVM options of a series of runs: {@code toolOptions} go in JAVA_TOOL_OPTIONS (as a Lambda function
     * would set them), {@code cds} adds a per-target AppCDS archive; {@code targets} limits an experiment
     * to a few functions (always with the reference) to keep the whole run short.
     */
    record Variant(String name, String toolOptions, boolean cds, boolean prime, List<String> targets, String description) {
        List<Target> select() {
            return TARGETS.stream().filter(t -> targets == null || t.reference() || targets.contains(t.name())).toList();
        }
    }

    /** {@code initMs} is main() to ready (including priming when primed, {@code primeMs}); invoke is the first request. */
    record Run(double totalMs, double bootMs, double initMs, double invokeMs, double primeMs, String result) {
    }

    static final List<Target> TARGETS = List.of(
            new Target("reference", null, "reference"),
            new Target("deduct-credits", "dev.prepaid.function.deduct.DeductCreditsHandler", "api"),
            new Target("credits-query", "dev.prepaid.function.query.CreditsQueryHandler", "api"),
            new Target("create-order", "dev.prepaid.function.order.CreateOrderHandler", "api"),
            new Target("callback", "dev.prepaid.function.callback.CallbackHandler", "api"),
            new Target("webhook", "dev.prepaid.function.webhook.WebhookHandler", "api"),
            new Target("fulfilment", "dev.prepaid.function.fulfilment.FulfilmentHandler", "sqs"),
            new Target("reconciliation", "dev.prepaid.function.reconciliation.ReconciliationHandler", "scheduled"),
            new Target("admin", "dev.prepaid.function.admin.AdminHandler", "api"),
            new Target("not-found", "dev.prepaid.function.notfound.NotFoundHandler", "api"));

    private final Report report;
    private final Path root;
    private final Path work;
    private final boolean cds;
    private final Map<String, List<Path>> classPaths = new LinkedHashMap<>();
    private final String javaBin = ProcessHandle.current().info().command().orElse("java");
    private Stack stack;
    private DeductCreditsHandler app;
    private CreateOrderHandler orders;
    private WebhookHandler webhook;
    private String sinkQueue;
    private String queryUser;
    private int sequence;

    ColdStart(Report report, Path root, Path target, boolean cds) {
        this.report = report;
        this.root = root;
        this.work = target.resolve("coldstart");
        this.cds = cds;
    }

    void run() throws Exception {
        Files.createDirectories(work.resolve("requests"));
        ObjectNode section = report.section("coldstart");
        artifacts(section);
        Path launcherJar = launcherJar();
        for (Target t : TARGETS) {
            if (!t.reference()) {
                List<Path> cp = new ArrayList<>();
                cp.add(launcherJar);
                cp.addAll(jars(t.name()));
                classPaths.put(t.name(), cp);
            }
        }
        // The reference runs on the SDK's jars only (and what they need), taken from the deduct-credits zip.
        List<Path> reference = new ArrayList<>();
        reference.add(launcherJar);
        for (Path jar : jars("deduct-credits")) {
            String n = jar.getFileName().toString();
            if (!(n.startsWith("prepaid-") || n.startsWith("deduct-credits") || n.startsWith("jackson-")
                    || n.startsWith("log4j-") || n.startsWith("powertools-") || n.startsWith("aws-lambda-java-")
                    || n.startsWith("crac-"))) {
                reference.add(jar);
            }
        }
        classPaths.put("reference", reference);
        section.putPOJO("referenceClassPath", reference.stream().skip(1).map(p -> p.getFileName().toString()).toList());

        List<String> subset = List.of("deduct-credits", "webhook");
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("template", TEMPLATE_TOOL_OPTIONS, false, false, null,
                "JAVA_TOOL_OPTIONS=\"" + TEMPLATE_TOOL_OPTIONS + "\" as template.yaml sets it (C1 only)"));
        variants.add(new Variant("jvm-default", null, false, false, null,
                "no JAVA_TOOL_OPTIONS: full tiered compilation (C1 + C2), the JVM's default"));
        variants.add(new Variant("template+primed", TEMPLATE_TOOL_OPTIONS, false, true, List.of("deduct-credits"),
                "template flags; after construction the handler's own SnapStart priming runs (what beforeCheckpoint does),"
                        + " then the first request: with SnapStart the priming happens before the snapshot, so this first"
                        + " invoke is what a restored instance's first request would cost"));
        if (cds) {
            variants.add(new Variant("template+appcds", TEMPLATE_TOOL_OPTIONS, true, false, subset,
                    "template flags plus a per-function AppCDS archive (-XX:SharedArchiveFile, from one training run)"));
        }
        int runs = Math.max(Bench.quick ? 3 : 10, Bench.count(10));
        section.put("runsPerTargetAndVariant", runs);
        section.put("childJvm", javaBin + " " + String.join(" ", BASE_FLAGS));
        section.put("measured", "parent System.nanoTime() before ProcessBuilder.start() to reading the child's marker line,"
                + " printed right after the first response; boot/init/invoke split by the child's own nanoTime stamps"
                + " (CLOCK_MONOTONIC, shared with the parent)");

        try (Stack s = new Stack()) {
            stack = s;
            app = s.deductHandler();
            orders = s.orderHandler();
            webhook = s.webhookHandler();
            sinkQueue = QueuePoller.createQueueWithDlq(s.sqs, "bench-cold-sink-" + UUID.randomUUID().toString().substring(0, 6), 30)[0];
            queryUser = "cold-query-" + UUID.randomUUID().toString().substring(0, 6);
            Stack.expect(200, app.handleRequest(Stack.grant(queryUser, "100", queryUser + "-g"), Stack.context("deduct-credits")));

            ObjectNode classes = section.putObject("classesLoadedToFirstResponse");
            ObjectNode byVariant = section.putObject("variants");
            Map<String, Map<String, List<Run>>> all = new LinkedHashMap<>();
            List<Object[]> pairs = new ArrayList<>();
            for (Variant v : variants) {
                List<Target> targets = v.select();
                if (v.cds()) {
                    for (Target t : targets) {
                        train(t, v);
                    }
                }
                Map<String, List<Run>> results = new LinkedHashMap<>();
                targets.forEach(t -> results.put(t.name(), new ArrayList<>()));
                all.put(v.name(), results);
                if (v.name().equals("jvm-default")) {
                    for (Target t : targets) {
                        launch(t, v); // warm-up (JIT flags do not change which classes load)
                    }
                } else {
                    // Untimed, also the warm-up (page cache, the engines' first request per table).
                    diagnose(classes.putObject(v.name()), v, targets);
                }
                targets.forEach(t -> pairs.add(new Object[] {v, t}));
            }
            // Every round runs every (variant, function) pair once, in a new random order: a noisy moment
            // on this shared machine lands on all of them alike, so ratios between them stay meaningful.
            Random shuffle = new Random(42);
            for (int r = 0; r < runs; r++) {
                List<Object[]> order = new ArrayList<>(pairs);
                Collections.shuffle(order, shuffle);
                for (Object[] pair : order) {
                    Variant v = (Variant) pair[0];
                    Target t = (Target) pair[1];
                    all.get(v.name()).get(t.name()).add(launch(t, v));
                }
                Bench.progress("   cold start round " + (r + 1) + "/" + runs + " done (" + order.size()
                        + " launches; load average " + Bench.loadAverage() + ")");
            }
            for (Variant v : variants) {
                summarise(byVariant.putObject(v.name()), v, all.get(v.name()));
            }
            probes(section.putObject("libraryProbes"), variants.get(0), all.get("template"));
            compareVariants(section, all);
            s.sqs.purgeQueue(b -> b.queueUrl(sinkQueue));
        }
    }

    // --- artifacts ----------------------------------------------------------------------------------

    private void artifacts(ObjectNode section) throws IOException {
        ArrayNode list = section.putArray("artifacts");
        for (Target t : TARGETS) {
            if (t.reference()) {
                continue;
            }
            Path zip = root.resolve("functions").resolve(t.name()).resolve("target").resolve(t.name() + ".zip");
            if (!Files.exists(zip)) {
                throw new IllegalStateException("no " + zip + ": build first with mvn -q -Pbench install -DskipTests");
            }
            Path lib = work.resolve(t.name());
            deleteTree(lib);
            long uncompressed = 0;
            List<String> jars = new ArrayList<>();
            List<long[]> sizes = new ArrayList<>();
            try (ZipFile z = new ZipFile(zip.toFile())) {
                Enumeration<? extends ZipEntry> entries = z.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry e = entries.nextElement();
                    if (e.isDirectory()) {
                        continue;
                    }
                    Path out = lib.resolve(e.getName()).normalize();
                    if (!out.startsWith(lib)) {
                        throw new IllegalStateException("zip entry outside its folder: " + e.getName());
                    }
                    Files.createDirectories(out.getParent());
                    try (InputStream in = z.getInputStream(e)) {
                        Files.copy(in, out);
                    }
                    uncompressed += Files.size(out);
                    jars.add(out.getFileName().toString());
                    sizes.add(new long[] {Files.size(out), jars.size() - 1});
                }
            }
            boolean stripe = jars.stream().anyMatch(j -> j.startsWith("stripe-java"));
            long zipBytes = Files.size(zip);
            sizes.sort((a, b) -> Long.compare(b[0], a[0]));
            List<String> largest = sizes.stream().limit(3).map(a -> jars.get((int) a[1]) + " " + a[0] / 1024 + " KiB").toList();
            ObjectNode node = list.addObject();
            node.put("function", t.name());
            node.put("zipBytes", zipBytes);
            node.put("uncompressedBytes", uncompressed);
            node.put("jars", jars.size());
            node.put("carriesStripeJava", stripe);
            node.putPOJO("largestJars", largest);
            node.putPOJO("jarNames", jars.stream().sorted().toList());
            String note = "largest: " + String.join(", ", largest);
            if (t.name().equals("deduct-credits") || t.name().equals("credits-query") || t.name().equals("fulfilment")) {
                note = (stripe ? "FAILED: carries stripe-java; " : "asserted: no stripe-java jar; ") + note;
                if (stripe) {
                    report.problem(t.name() + " carries stripe-java");
                }
            } else {
                note = (stripe ? "carries stripe-java (it talks to Stripe); " : "") + note;
            }
            report.row("artifact", t.name() + " zip", String.format("%,d bytes", zipBytes),
                    String.format("%d jars, %,d bytes unzipped", jars.size(), uncompressed), note);
        }
    }

    private List<Path> jars(String function) throws IOException {
        try (Stream<Path> files = Files.list(work.resolve(function).resolve("lib"))) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** The launcher classes in a jar of their own (AppCDS archives only classes from jars, not folders). */
    private Path launcherJar() throws IOException, URISyntaxException {
        Path classes = Path.of(ColdLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = work.resolve("launcher.jar");
        String pkg = ColdLauncher.class.getPackageName().replace('.', '/');
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            if (Files.isDirectory(classes)) {
                try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                        j.putNextEntry(new JarEntry(pkg + "/" + f.getFileName()));
                        j.write(Files.readAllBytes(f));
                        j.closeEntry();
                    }
                }
            } else {
                try (ZipFile z = new ZipFile(classes.toFile())) {
                    for (ZipEntry e : Collections.list(z.entries())) {
                        if (e.getName().startsWith(pkg + "/") && e.getName().endsWith(".class")) {
                            j.putNextEntry(new JarEntry(e.getName()));
                            try (InputStream in = z.getInputStream(e)) {
                                in.transferTo(j);
                            }
                            j.closeEntry();
                        }
                    }
                }
            }
        }
        return jar;
    }

    // --- where the time goes: classes loaded before the first response (a count, not a time) ----------

    /** One untimed run per target with -Xlog:class+load, counted by where each class came from. */
    private void diagnose(ObjectNode node, Variant v, List<Target> targets) throws Exception {
        Map<String, Long> referenceCounts = null;
        for (Target t : targets) {
            Path log = work.resolve("classload-" + t.name() + ".log");
            Files.deleteIfExists(log);
            Properties request = prepare(t, v);
            exec(t, v, request, List.of("-Xlog:class+load=info:file=" + log));
            finish(t, request);
            Map<String, Long> bySource = new java.util.TreeMap<>();
            long total = 0;
            for (String line : Files.readAllLines(log)) {
                int at = line.indexOf(" source: ");
                if (at < 0) {
                    continue;
                }
                String source = line.substring(at + " source: ".length()).trim();
                String group;
                if (source.startsWith("shared objects file")) {
                    group = "JDK (CDS archive)";
                } else if (source.startsWith("jrt:/")) {
                    group = "JDK " + source.substring("jrt:/".length());
                } else if (source.contains(".jar")) {
                    String jar = source.substring(0, source.indexOf(".jar"));
                    group = jar.substring(jar.lastIndexOf('/') + 1);
                } else if (source.startsWith("__") || (!source.contains("/") && !source.contains(":"))) {
                    group = "generated (lambdas, proxies)"; // hidden classes name their host class as source
                } else {
                    group = "other: " + source;
                }
                bySource.merge(group, 1L, Long::sum);
                total++;
            }
            long jdk = bySource.entrySet().stream().filter(e -> e.getKey().startsWith("JDK"))
                    .mapToLong(Map.Entry::getValue).sum();
            long generated = bySource.getOrDefault("generated (lambdas, proxies)", 0L);
            long fromJars = total - jdk - generated;
            List<Map.Entry<String, Long>> jars = bySource.entrySet().stream()
                    .filter(e -> !e.getKey().startsWith("JDK") && !e.getKey().startsWith("generated"))
                    .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).toList();
            ObjectNode n = node.putObject(t.name());
            n.put("total", total);
            n.put("jdk", jdk);
            n.put("jdkFromCdsArchive", bySource.getOrDefault("JDK (CDS archive)", 0L));
            n.put("fromApplicationJars", fromJars);
            n.put("generated", generated);
            ObjectNode perJar = n.putObject("byJar");
            jars.forEach(e -> perJar.put(e.getKey(), e.getValue()));
            ObjectNode perModule = n.putObject("jdkByModule");
            bySource.entrySet().stream().filter(e -> e.getKey().startsWith("JDK"))
                    .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .forEach(e -> perModule.put(e.getKey(), e.getValue()));
            if (t.reference()) {
                referenceCounts = bySource;
                referenceCounts.put("__total", total);
            }
            String top = String.join(", ", jars.stream().limit(5).map(e -> e.getKey() + " " + e.getValue()).toList());
            report.row("coldstart classes " + v.name(), t.name() + ": classes loaded to 1st response", Long.toString(total),
                    referenceCounts == null || t.reference() ? "count (-Xlog:class+load)"
                            : String.format("%.2f x reference (%d)", (double) total / referenceCounts.get("__total"),
                                    referenceCounts.get("__total")),
                    String.format("JDK %d, jars %d, generated %d; top: %s", jdk, fromJars, generated, top));
        }
    }

    // --- where the time goes: one library at a time, in fresh JVMs ------------------------------------

    /**
     * Each library's cold cost measured alone (in-main time from main() to the library ready), on the
     * class path of a function that carries it, with the template's flags. Interleaved, 1 + runs each.
     */
    private void probes(ObjectNode node, Variant v, Map<String, List<Run>> functions) throws Exception {
        Path payload = work.resolve("probe-stripe-event.json");
        Files.writeString(payload, StripeWebhooks.json(StripeWebhooks.checkoutSessionCompleted(StripeWebhooks.id("cs_"),
                "ord_probe", StripeWebhooks.id("pi_"), 790, "usd")));
        // probe name -> class path; "dynamodb" twice: on the SDK's jars alone, and on a function's class path
        // (where the SDK's SLF4J logging binds to log4j2 and so starts the whole logging stack).
        Map<String, String> probes = new LinkedHashMap<>();
        probes.put("empty", "deduct-credits");
        probes.put("logging", "deduct-credits");
        probes.put("jackson", "deduct-credits");
        probes.put("dynamodb@sdk-only", "reference");
        probes.put("dynamodb", "deduct-credits");
        probes.put("stripe", "webhook");
        int runs = Bench.quick ? 2 : 5;
        Map<String, List<Run>> results = new LinkedHashMap<>();
        probes.keySet().forEach(k -> results.put(k, new ArrayList<>()));
        Random shuffle = new Random(7);
        for (int r = 0; r <= runs; r++) {
            List<String> order = new ArrayList<>(probes.keySet());
            Collections.shuffle(order, shuffle);
            for (String probe : order) {
                Run run = exec("probe-" + probe, probes.get(probe), ProbeLauncher.class.getName(),
                        List.of(probe.replace("@sdk-only", ""), payload.toString()), v, List.of());
                if (r > 0) { // the first round warms the page cache
                    results.get(probe).add(run);
                }
            }
        }
        double deductInMain = median(functions.get("deduct-credits"), r -> r.initMs() + r.invokeMs());
        double webhookInMain = median(functions.get("webhook"), r -> r.initMs() + r.invokeMs());
        double referenceInMain = median(functions.get("reference"), r -> r.initMs() + r.invokeMs());
        node.put("description", "ms from main() to the library ready, alone in a fresh JVM (" + v.name() + " flags), "
                + runs + " runs each; compare with the in-main time (init + first invoke) of the functions");
        node.put("deductCreditsInMainMs", Stats.round(deductInMain, 1));
        node.put("webhookInMainMs", Stats.round(webhookInMain, 1));
        node.put("referenceInMainMs", Stats.round(referenceInMain, 1));
        for (Map.Entry<String, List<Run>> e : results.entrySet()) {
            double inMain = median(e.getValue(), Run::invokeMs);
            ObjectNode p = node.putObject(e.getKey());
            p.put("classPath", probes.get(e.getKey()));
            p.put("medianInMainMs", Stats.round(inMain, 1));
            p.put("medianProcessMs", Stats.round(median(e.getValue(), Run::totalMs), 1));
            String basis = probes.get(e.getKey()).equals("webhook") ? "webhook" : "deduct-credits";
            if (probes.get(e.getKey()).equals("reference")) {
                report.row("coldstart probes", e.getKey() + " alone: ms from main() to ready", String.format("%.0f ms", inMain),
                        String.format("%.0f%% of the reference's in-main %.0f ms", 100 * inMain / referenceInMain, referenceInMain),
                        String.format("SDK jars only (no SLF4J binding); process %.0f ms; %d runs",
                                median(e.getValue(), Run::totalMs), e.getValue().size()));
                continue;
            }
            double whole = basis.equals("webhook") ? webhookInMain : deductInMain;
            report.row("coldstart probes", e.getKey() + " alone: ms from main() to ready", String.format("%.0f ms", inMain),
                    String.format("%.0f%% of %s's in-main %.0f ms", 100 * inMain / whole, basis, whole),
                    String.format("reference in-main %.0f ms; process %.0f ms; %d runs", referenceInMain,
                            median(e.getValue(), Run::totalMs), e.getValue().size()));
        }
    }

    // --- one launch ---------------------------------------------------------------------------------

    private void train(Target t, Variant v) throws Exception {
        Path archive = archive(t);
        Files.deleteIfExists(archive);
        Files.createDirectories(archive.getParent());
        Properties request = prepare(t, v);
        exec(t, v, request, List.of("-XX:ArchiveClassesAtExit=" + archive));
        finish(t, request);
        if (!Files.exists(archive)) {
            throw new IllegalStateException("no AppCDS archive was written for " + t.name());
        }
    }

    private Path archive(Target t) {
        return work.resolve("cds").resolve(t.name() + ".jsa");
    }

    private Run launch(Target t, Variant v) throws Exception {
        Properties request = prepare(t, v);
        List<String> extra = v.cds() ? List.of("-XX:SharedArchiveFile=" + archive(t)) : List.of();
        Run run = exec(t, v, request, extra);
        finish(t, request);
        check(t, run);
        return run;
    }

    private Run exec(Target t, Variant v, Properties request, List<String> extraFlags) throws Exception {
        Path file = work.resolve("requests").resolve(t.name() + ".properties");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            request.store(w, null);
        }
        return exec(t.name(), t.name(), t.reference() ? ReferenceLauncher.class.getName() : ColdLauncher.class.getName(),
                List.of(file.toString()), v, extraFlags);
    }

    /** One fresh JVM: {@code classPath} names a function's jars (or "reference"); returns its stamps. */
    private Run exec(String function, String classPath, String mainClass, List<String> args, Variant v,
                     List<String> extraFlags) throws Exception {
        Target t = new Target(function, null, "api");
        List<String> command = new ArrayList<>();
        command.add(javaBin);
        command.addAll(BASE_FLAGS);
        command.addAll(extraFlags);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPaths.get(classPath).stream().map(Path::toString).toList()));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.putAll(stack.vars);
        env.put("FULFILMENT_QUEUE_URL", sinkQueue);
        env.put("FULFILMENT_DLQ_URL", sinkQueue); // reconciliation and admin read a queue's depth
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", t.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("POWERTOOLS_SERVICE_NAME", "prepaid");
        env.put("POWERTOOLS_LOG_LEVEL", "INFO");
        if (v.toolOptions() != null) {
            env.put("JAVA_TOOL_OPTIONS", v.toolOptions());
        }
        Path stderr = work.resolve(t.name() + ".stderr.log");
        builder.redirectError(stderr.toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        String marker = null;
        long seen = 0;
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader reader = process.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("BENCH-COLD ")) {
                    seen = System.nanoTime();
                    marker = line;
                    break;
                }
                tail.addLast(line);
                if (tail.size() > 30) {
                    tail.removeFirst();
                }
            }
            reader.transferTo(Writer.nullWriter());
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (marker == null) {
            throw new IllegalStateException(t.name() + " (" + v.name() + ") gave no response; exit "
                    + process.exitValue() + "\nstdout tail:\n" + String.join("\n", tail) + "\nstderr:\n"
                    + Files.readString(stderr));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String[] parts = marker.substring("BENCH-COLD ".length()).split(" ");
        for (String part : parts) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        long entered = Long.parseLong(fields.get("entered"));
        long init = Long.parseLong(fields.get("init"));
        long built = Long.parseLong(fields.getOrDefault("built", fields.get("init")));
        long done = Long.parseLong(fields.get("done"));
        String result = marker.substring(marker.indexOf(" done=") + 1).replaceFirst("^done=\\d+ ", "");
        return new Run((seen - started) / 1e6, (entered - started) / 1e6, (init - entered) / 1e6, (done - init) / 1e6,
                (init - built) / 1e6, result);
    }

    // --- requests -----------------------------------------------------------------------------------

    /** A fresh request for one launch, prepared (and its preconditions set up) before the clock starts. */
    private Properties prepare(Target t, Variant v) {
        Properties p = prepare(t);
        if (v.prime() && !t.reference()) {
            p.setProperty("prime", "true");
        }
        return p;
    }

    private Properties prepare(Target t) {
        String tag = "cold-" + (++sequence) + "-" + UUID.randomUUID().toString().substring(0, 6);
        Properties p = new Properties();
        p.setProperty("function", t.name());
        p.setProperty("kind", t.kind());
        if (t.handler() != null) {
            p.setProperty("handler", t.handler());
        }
        switch (t.name()) {
            case "reference" -> p.setProperty("user", tag);
            case "deduct-credits" -> {
                // An existing user with funds, never seen by the new instance: GetItem + TransactWriteItems.
                Stack.expect(200, app.handleRequest(Stack.grant(tag, "100", tag + "-g"), Stack.context("deduct-credits")));
                api(p, Stack.deduct(tag, "1", tag + "-d"));
            }
            case "credits-query" -> api(p, Stack.balance(queryUser));
            case "create-order" -> api(p, Stack.createOrder(tag, "trial"));
            case "callback" -> {
                Stack.Order order = stack.order(orders, tag, "trial");
                stack.stripe.markPaid(order.checkoutId());
                api(p, Events.request("GET", "/api/payment/callback").header("content-type", null)
                        .query("orderId", order.orderId()).query("session_id", order.checkoutId()).build());
            }
            case "webhook" -> api(p, Stack.stripeWebhook(StripeWebhooks.checkoutSessionCompleted(StripeWebhooks.id("cs_"),
                    "ord_" + tag, StripeWebhooks.id("pi_"), 790, "usd")));
            case "fulfilment" -> {
                // A real queued purchase event: order, paid, webhook accepted; the child gets the message.
                Stack.Order order = stack.order(orders, tag, "trial");
                var session = stack.stripe.markPaid(order.checkoutId());
                stack.deliver(webhook, StripeWebhooks.checkoutSessionCompleted(session));
                Stack.Received received = stack.receive(1);
                if (received.messages().size() != 1) {
                    throw new IllegalStateException("no queued purchase for the fulfilment cold start");
                }
                var m = received.messages().get(0);
                p.setProperty("body", m.body());
                p.setProperty("messageId", m.messageId());
                p.setProperty("receiptHandle", m.receiptHandle());
                m.attributes().forEach((k, val) -> p.setProperty("attribute." + k, val));
            }
            // A whole run on the bench's table: pending and completed orders, changed balances, the DLQ's depth.
            case "reconciliation" -> p.setProperty("time", Instant.now().toString());
            case "admin" -> api(p, Events.request("GET", "/api/admin/dlq").service("ops", "credits/admin").build());
            case "not-found" -> api(p, Events.request("GET", "/api/credits/balances").header("content-type", null).build());
            default -> throw new IllegalStateException(t.name());
        }
        return p;
    }

    /** What Lambda's event source mapping does after a successful batch: delete the message. */
    private void finish(Target t, Properties request) {
        if (t.name().equals("fulfilment")) {
            String handle = request.getProperty("receiptHandle");
            stack.sqs.deleteMessage(b -> b.queueUrl(stack.queueUrl).receiptHandle(handle));
        }
    }

    private static void api(Properties p, APIGatewayV2HTTPEvent event) {
        p.setProperty("method", event.getRequestContext().getHttp().getMethod());
        p.setProperty("path", event.getRawPath());
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> p.setProperty("header." + k, v));
        }
        if (event.getQueryStringParameters() != null) {
            event.getQueryStringParameters().forEach((k, v) -> p.setProperty("query." + k, v));
            p.setProperty("rawQuery", String.join("&", event.getQueryStringParameters().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        var authorizer = event.getRequestContext().getAuthorizer();
        if (authorizer != null && authorizer.getJwt() != null && authorizer.getJwt().getClaims() != null) {
            authorizer.getJwt().getClaims().forEach((k, v) -> p.setProperty("claim." + k, v));
        }
        if (event.getBody() != null) {
            p.setProperty("body", event.getBody());
        }
    }

    private static void check(Target t, Run run) {
        String expected = switch (t.name()) {
            case "create-order" -> "status=201";
            case "callback" -> "status=302";
            case "fulfilment" -> "failures=0";
            case "reconciliation" -> "completed=true";
            case "not-found" -> "status=404";
            default -> "status=200";
        };
        boolean ok = run.result().startsWith(expected)
                && (!t.name().equals("callback") || run.result().contains("status=completed"));
        if (!ok) {
            throw new IllegalStateException(t.name() + " answered " + run.result() + ", expected " + expected);
        }
    }

    // --- results ------------------------------------------------------------------------------------

    private void summarise(ObjectNode node, Variant v, Map<String, List<Run>> results) {
        node.put("description", v.description());
        double reference = median(results.get("reference"), Run::totalMs);
        for (Map.Entry<String, List<Run>> e : results.entrySet()) {
            List<Run> runs = e.getValue();
            double total = median(runs, Run::totalMs);
            ObjectNode t = node.putObject(e.getKey());
            t.put("runs", runs.size());
            t.put("medianMs", Stats.round(total, 1));
            t.put("minMs", Stats.round(runs.stream().mapToDouble(Run::totalMs).min().orElse(0), 1));
            t.put("maxMs", Stats.round(runs.stream().mapToDouble(Run::totalMs).max().orElse(0), 1));
            t.put("medianJvmBootMs", Stats.round(median(runs, Run::bootMs), 1));
            t.put("medianInitMs", Stats.round(median(runs, Run::initMs), 1));
            t.put("medianFirstInvokeMs", Stats.round(median(runs, Run::invokeMs), 1));
            t.put("ratioToReference", Stats.round(total / reference, 3));
            if (v.prime() && !e.getKey().equals("reference")) {
                t.put("medianPrimingMs", Stats.round(median(runs, Run::primeMs), 1));
            }
            t.putPOJO("allMs", runs.stream().map(r -> Stats.round(r.totalMs(), 1)).toList());
            if (!e.getKey().equals("reference")) {
                boolean met = total / reference <= 1.3;
                t.put("meetsTarget", met);
                report.row("coldstart " + v.name(), e.getKey() + " / reference", String.format("%.2f", total / reference),
                        "<= 1.3 " + (met ? "(met)" : "(NOT met)"),
                        String.format("median %.0f ms vs %.0f ms (boot %.0f, init %.0f, 1st invoke %.0f ms)", total, reference,
                                median(runs, Run::bootMs), median(runs, Run::initMs), median(runs, Run::invokeMs)));
            } else {
                report.row("coldstart " + v.name(), "reference (1 client, 1 TransactWriteItems)", String.format("%.0f ms", total),
                        "", String.format("boot %.0f, init %.0f, 1st call %.0f ms; %d runs", median(runs, Run::bootMs),
                                median(runs, Run::initMs), median(runs, Run::invokeMs), runs.size()));
            }
        }
    }

    private void compareVariants(ObjectNode section, Map<String, Map<String, List<Run>>> all) {
        if (!all.containsKey("template")) {
            return;
        }
        ObjectNode cmp = section.putObject("variantComparison");
        for (String other : all.keySet()) {
            if (other.equals("template")) {
                continue;
            }
            ObjectNode node = cmp.putObject(other + "/template");
            for (String target : all.get(other).keySet()) {
                double base = median(all.get("template").get(target), Run::totalMs);
                double alt = median(all.get(other).get(target), Run::totalMs);
                node.put(target, Stats.round(alt / base, 3));
                if (other.equals("template+primed") && !target.equals("reference")) {
                    double firstBase = median(all.get("template").get(target), Run::invokeMs);
                    double firstPrimed = median(all.get(other).get(target), Run::invokeMs);
                    node.put(target + " firstInvoke", Stats.round(firstPrimed / firstBase, 3));
                    report.row("coldstart variants", target + ": first request after priming / without",
                            String.format("%.2f", firstPrimed / firstBase), "< 1: priming takes it off the first request",
                            String.format("1st invoke %.0f ms vs %.0f ms; priming itself %.0f ms (before a SnapStart snapshot)",
                                    firstPrimed, firstBase, median(all.get(other).get(target), Run::primeMs)));
                    continue;
                }
                report.row("coldstart variants", target + ": " + other + " / template", String.format("%.2f", alt / base),
                        "< 1: faster than the template's flags", String.format("median %.0f ms vs %.0f ms", alt, base));
            }
        }
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return Stats.median(runs.stream().mapToDouble(f).toArray());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
