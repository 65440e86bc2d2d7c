package dev.prepaid.local;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Shared by the local runner's tests: the repository, an HTTP client, polling. */
public final class TestSupport {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestSupport() {
    }

    public static Path root() {
        return LocalRunner.root();
    }

    public static Path realTemplate() {
        return root().resolve("template.yaml");
    }

    public static Path fixtureTemplate() {
        try {
            return Path.of(TestSupport.class.getResource("/fixture-template.yaml").toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** In memory, any free port, fast polls and schedules. */
    public static Options options(Path template) {
        return Options.defaults(root(), Map.of()).withPort(0).inMemoryRun().withTemplate(template);
    }

    public record Reply(int status, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    public static Reply call(URI base, String method, String path, String token, String body) {
        return callUrl(URI.create(base.toString().replaceAll("/$", "") + path), method, token, body, Map.of());
    }

    public static Reply callUrl(URI url, String method, String token, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("content-type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static String token(URI base, String sub, String scope) {
        String body = scope == null ? "{\"sub\": \"" + sub + "\"}" : "{\"sub\": \"" + sub + "\", \"scope\": \"" + scope + "\"}";
        Reply reply = call(base, "POST", "/dev/token", null, body);
        if (reply.status() != 200) {
            fail("/dev/token answered " + reply.status() + ": " + reply.body());
        }
        return reply.json().get("token").asText();
    }

    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }
}
