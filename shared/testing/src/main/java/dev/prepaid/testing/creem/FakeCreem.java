package dev.prepaid.testing.creem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.prepaid.adapter.in.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-memory Creem API on a loopback port, for tests and local runs: checkouts, subscriptions (cancel,
 * lookup) and the customer billing portal, in the shapes Creem answers with. Every call needs the
 * {@code x-api-key} the fake was started with (else 401). Test controls pay or expire a checkout, fake an
 * outage or a slow answer, and list the requests received. {@link CreemWebhooks} builds the webhooks
 * Creem would send for the same objects.
 */
public final class FakeCreem implements AutoCloseable {

    /** A product as Creem knows it: {@code price} in minor units; {@code subscription} for recurring billing. */
    public record Product(String id, String name, long price, String currency, boolean subscription) {
    }

    /** One request as received; {@code apiKey} is the {@code x-api-key} header (null when absent). */
    public record Request(String method, String path, String query, String apiKey, String body) {
        public JsonNode json() {
            try {
                return body == null || body.isEmpty() ? Json.object() : Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final String apiKey;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUrl;

    private final Map<String, Product> products = new LinkedHashMap<>();
    private final Map<String, ObjectNode> checkouts = new LinkedHashMap<>();
    private final Map<String, ObjectNode> subscriptions = new LinkedHashMap<>();
    private final Map<String, ObjectNode> customers = new LinkedHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private int outageStatus;
    private Duration stall = Duration.ZERO;

    public FakeCreem(String apiKey) {
        this(apiKey, Clock.systemUTC());
    }

    public FakeCreem(String apiKey, Clock clock) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("the fake Creem API did not start", e);
        }
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-creem");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Where to point the client ({@code CREEM_API_BASE}). */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Registers a Creem product; checkouts for unknown products answer 404 like Creem does. */
    public synchronized FakeCreem product(String creemProductId, long price, String currency, boolean subscription) {
        return product(new Product(creemProductId, creemProductId, price, currency, subscription));
    }

    public synchronized FakeCreem product(Product product) {
        products.put(product.id(), product);
        return this;
    }

    // ----- test controls ---------------------------------------------------------------------------

    /**
     * The customer paid: status completed, an order with a {@code tran_...} transaction for the product's
     * price, a customer, and for a subscription product an active subscription {@code sub_...} whose
     * last transaction is that one. Returns the checkout as Creem would now report it.
     */
    public synchronized ObjectNode markPaid(String checkoutId) {
        ObjectNode checkout = require(checkoutId);
        if ("completed".equals(checkout.path("status").asText())) {
            return checkout.deepCopy();
        }
        Product product = products.get(checkout.path("product").path("id").asText());
        Instant now = clock.instant();
        ObjectNode customer = Json.object();
        customer.put("id", id("cust_"));
        customer.put("object", "customer");
        customer.put("email", "buyer@example.com");
        customer.put("name", "Test Buyer");
        customer.put("country", "US");
        customers.put(customer.get("id").asText(), customer);
        String transaction = id("tran_");
        ObjectNode order = checkout.putObject("order");
        order.put("id", id("ord_"));
        order.put("object", "order");
        order.put("customer", customer.get("id").asText());
        order.put("product", product.id());
        order.put("amount", product.price());
        order.put("sub_total", product.price());
        order.put("tax_amount", 0);
        order.put("currency", product.currency().toUpperCase(java.util.Locale.ROOT));
        order.put("status", "paid");
        order.put("type", product.subscription() ? "recurring" : "onetime");
        order.put("transaction", transaction);
        order.put("created_at", TIMESTAMP.format(now));
        checkout.set("customer", customer.deepCopy());
        if (product.subscription()) {
            ObjectNode subscription = Json.object();
            subscription.put("id", id("sub_"));
            subscription.put("object", "subscription");
            subscription.set("product", productJson(product));
            subscription.set("customer", customer.deepCopy());
            subscription.put("collection_method", "charge_automatically");
            subscription.put("status", "active");
            subscription.put("last_transaction_id", transaction);
            subscription.put("last_transaction_date", TIMESTAMP.format(now));
            subscription.put("current_period_start_date", TIMESTAMP.format(now));
            subscription.put("current_period_end_date",
                    TIMESTAMP.format(now.atZone(ZoneOffset.UTC).plusMonths(1).toInstant()));
            subscription.put("next_transaction_date",
                    TIMESTAMP.format(now.atZone(ZoneOffset.UTC).plusMonths(1).toInstant()));
            subscription.set("metadata", checkout.path("metadata").deepCopy());
            subscription.put("mode", "test");
            subscription.put("created_at", TIMESTAMP.format(now));
            subscription.put("updated_at", TIMESTAMP.format(now));
            subscriptions.put(subscription.get("id").asText(), subscription);
            checkout.set("subscription", subscription.deepCopy());
        }
        checkout.put("status", "completed");
        return checkout.deepCopy();
    }

    /** The checkout expired unpaid. */
    public synchronized ObjectNode markExpired(String checkoutId) {
        ObjectNode checkout = require(checkoutId);
        checkout.put("status", "expired");
        return checkout.deepCopy();
    }

    /** Sets any checkout status, e.g. {@code processing} for a payment Creem is still confirming. */
    public synchronized ObjectNode markStatus(String checkoutId, String status) {
        ObjectNode checkout = require(checkoutId);
        checkout.put("status", status);
        return checkout.deepCopy();
    }

    /** Changes a checkout in place (fields Creem might report that no control above sets). */
    public synchronized ObjectNode update(String checkoutId, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode checkout = require(checkoutId);
        change.accept(checkout);
        return checkout.deepCopy();
    }

    /** Every call answers {@code status} (e.g. 503) until {@link #recover()}. */
    public synchronized void outage(int status) {
        outageStatus = status;
    }

    /** Ends an outage and any stall. */
    public synchronized void recover() {
        outageStatus = 0;
        stall = Duration.ZERO;
    }

    /** Every call waits this long before answering (to test client timeouts). */
    public synchronized void stall(Duration delay) {
        stall = Objects.requireNonNull(delay, "delay");
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized void clearRequests() {
        requests.clear();
    }

    /** The checkout as Creem would report it now (a copy). */
    public synchronized ObjectNode checkout(String checkoutId) {
        return require(checkoutId).deepCopy();
    }

    public synchronized ObjectNode subscription(String subscriptionId) {
        ObjectNode subscription = subscriptions.get(subscriptionId);
        if (subscription == null) {
            throw new IllegalArgumentException("no fake Creem subscription " + subscriptionId);
        }
        return subscription.deepCopy();
    }

    /** Ids of the checkouts created so far, oldest first. */
    public synchronized List<String> checkoutIds() {
        return List.copyOf(checkouts.keySet());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ----- the API ---------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            String key = exchange.getRequestHeaders().getFirst("x-api-key");
            Duration delay;
            int outage;
            synchronized (this) {
                requests.add(new Request(method, path, query, key, body));
                delay = stall;
                outage = outageStatus;
            }
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (outage != 0) {
                respond(exchange, outage, error(outage, "the fake Creem API is down"));
                return;
            }
            if (!apiKey.equals(key)) {
                respond(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            JsonNode json;
            try {
                json = body.isEmpty() ? Json.object() : Json.MAPPER.readTree(body);
            } catch (IOException e) {
                respond(exchange, 400, error(400, "malformed JSON"));
                return;
            }
            Answer answer = route(method, path, query(query), json);
            respond(exchange, answer.status(), answer.body());
        } finally {
            exchange.close();
        }
    }

    private record Answer(int status, JsonNode body) {
    }

    private synchronized Answer route(String method, String path, Map<String, String> query, JsonNode body) {
        if ("POST".equals(method) && "/v1/checkouts".equals(path)) {
            return createCheckout(body);
        }
        if ("GET".equals(method) && "/v1/checkouts".equals(path)) {
            ObjectNode checkout = checkouts.get(query.get("checkout_id"));
            return checkout == null ? notFound("checkout") : new Answer(200, checkout.deepCopy());
        }
        if ("GET".equals(method) && "/v1/products".equals(path)) {
            // Creem's product object: price in minor units, billing_type onetime | recurring (monthly here).
            Product product = products.get(query.get("product_id"));
            if (product == null) {
                return notFound("product");
            }
            ObjectNode node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            node.put("id", product.id()).put("object", "product").put("name", product.name())
                    .put("price", product.price()).put("currency", product.currency().toUpperCase(java.util.Locale.ROOT))
                    .put("billing_type", product.subscription() ? "recurring" : "onetime")
                    .put("billing_period", product.subscription() ? "every-month" : "once").put("status", "active");
            return new Answer(200, node);
        }
        if ("GET".equals(method) && "/v1/subscriptions".equals(path)) {
            ObjectNode subscription = subscriptions.get(query.get("subscription_id"));
            return subscription == null ? notFound("subscription") : new Answer(200, subscription.deepCopy());
        }
        if ("POST".equals(method) && path.startsWith("/v1/subscriptions/") && path.endsWith("/cancel")) {
            String id = path.substring("/v1/subscriptions/".length(), path.length() - "/cancel".length());
            return cancelSubscription(id, body);
        }
        if ("POST".equals(method) && path.startsWith("/v1/subscriptions/") && path.endsWith("/upgrade")) {
            String id = path.substring("/v1/subscriptions/".length(), path.length() - "/upgrade".length());
            return upgradeSubscription(id, body);
        }
        if ("POST".equals(method) && "/v1/customers/billing".equals(path)) {
            String customer = body.path("customer_id").asText(null);
            if (customer == null || !customers.containsKey(customer)) {
                return notFound("customer");
            }
            ObjectNode link = Json.object();
            link.put("customer_portal_link", baseUrl + "/portal/" + customer);
            return new Answer(200, link);
        }
        return notFound("route");
    }

    private Answer createCheckout(JsonNode body) {
        String productId = body.path("product_id").asText(null);
        if (productId == null) {
            return new Answer(400, error(400, "product_id is required"));
        }
        Product product = products.get(productId);
        if (product == null) {
            return notFound("product");
        }
        Instant now = clock.instant();
        ObjectNode checkout = Json.object();
        String id = id("ch_");
        checkout.put("id", id);
        checkout.put("object", "checkout");
        checkout.put("mode", "test");
        checkout.put("status", "pending");
        checkout.set("product", productJson(product));
        checkout.put("units", 1);
        if (body.hasNonNull("request_id")) {
            checkout.put("request_id", body.get("request_id").asText());
        }
        if (body.hasNonNull("success_url")) {
            checkout.put("success_url", body.get("success_url").asText());
        }
        if (body.path("metadata").isObject()) {
            checkout.set("metadata", body.get("metadata").deepCopy());
        }
        checkout.put("checkout_url", baseUrl + "/checkout/" + id);
        checkout.put("created_at", TIMESTAMP.format(now));
        checkouts.put(id, checkout);
        return new Answer(200, checkout.deepCopy());
    }

    /** Creem's upgrade: the subscription takes another product; update_behavior says how it is billed. */
    private Answer upgradeSubscription(String id, JsonNode body) {
        ObjectNode subscription = subscriptions.get(id);
        if (subscription == null) {
            return notFound("subscription");
        }
        Product product = products.get(body.path("product_id").asText(""));
        if (product == null) {
            return notFound("product");
        }
        String behavior = body.path("update_behavior").asText("proration-charge-immediately");
        if (!List.of("proration-charge-immediately", "proration-charge", "proration-none").contains(behavior)) {
            return new Answer(400, error(400, "update_behavior is not valid"));
        }
        if ("canceled".equals(subscription.path("status").asText())) {
            return new Answer(400, error(400, "the subscription is canceled"));
        }
        subscription.set("product", productJson(product));
        subscription.put("updated_at", TIMESTAMP.format(clock.instant()));
        return new Answer(200, subscription.deepCopy());
    }

    private Answer cancelSubscription(String id, JsonNode body) {
        ObjectNode subscription = subscriptions.get(id);
        if (subscription == null) {
            return notFound("subscription");
        }
        String mode = body.path("mode").asText("immediate");
        if ("scheduled".equals(mode)) {
            subscription.put("status", "scheduled_cancel");
        } else if ("immediate".equals(mode)) {
            subscription.put("status", "canceled");
            subscription.put("canceled_at", TIMESTAMP.format(clock.instant()));
        } else {
            return new Answer(400, error(400, "mode must be immediate or scheduled"));
        }
        subscription.put("updated_at", TIMESTAMP.format(clock.instant()));
        return new Answer(200, subscription.deepCopy());
    }

    private ObjectNode require(String checkoutId) {
        ObjectNode checkout = checkouts.get(checkoutId);
        if (checkout == null) {
            throw new IllegalArgumentException("no fake Creem checkout " + checkoutId);
        }
        return checkout;
    }

    private static ObjectNode productJson(Product product) {
        ObjectNode node = Json.object();
        node.put("id", product.id());
        node.put("object", "product");
        node.put("name", product.name());
        node.put("price", product.price());
        node.put("currency", product.currency().toUpperCase(java.util.Locale.ROOT));
        node.put("billing_type", product.subscription() ? "recurring" : "onetime");
        if (product.subscription()) {
            node.put("billing_period", "every-month");
        }
        return node;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    private static Answer notFound(String what) {
        return new Answer(404, error(404, what + " not found"));
    }

    private static ObjectNode error(int status, String message) {
        ObjectNode node = Json.object();
        node.put("status", status);
        node.put("error", status == 401 ? "Unauthorized" : "Error");
        node.putArray("message").add(message);
        node.put("trace_id", id("trace_"));
        return node;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Creem-style ids: a prefix and 22 random base-62 characters. */
    static String id(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 22; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
