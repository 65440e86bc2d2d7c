package dev.prepaid.system.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Requests to the API Gateway stand-in with full control over the headers (none added: no implicit
 * content type, repeated headers allowed), so malformed requests can be sent exactly as written.
 */
final class Http {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** One header line; a name may repeat. */
    record Header(String name, String value) {
    }

    record Reply(int status, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }

        boolean isJson() {
            try {
                return body != null && !body.isEmpty() && MAPPER.readTree(body) != null;
            } catch (IOException e) {
                return false;
            }
        }

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    Http(URI base) {
        this.base = base;
    }

    Reply send(String method, String pathAndQuery, byte[] body, List<Header> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Header header : headers) {
            request.header(header.name(), header.value());
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + pathAndQuery + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON request with a bearer token (or none). */
    Reply json(String method, String pathAndQuery, String token, String json, Header... extra) {
        List<Header> headers = new java.util.ArrayList<>();
        if (token != null) {
            headers.add(new Header("authorization", "Bearer " + token));
        }
        if (json != null) {
            headers.add(new Header("content-type", "application/json"));
        }
        headers.addAll(List.of(extra));
        return send(method, pathAndQuery, json == null ? null : json.getBytes(StandardCharsets.UTF_8), headers);
    }

    Reply get(String pathAndQuery, String token) {
        return json("GET", pathAndQuery, token, null);
    }
}
