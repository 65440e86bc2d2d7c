package dev.prepaid.local.web;

import com.sun.net.httpserver.HttpExchange;
import dev.prepaid.testing.ApiGatewayStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The demo page: {@code GET /} is {@code public/index.html}, {@code GET /static/<file>} a file beside it
 * (classpath resources of this module; plain HTML, JavaScript and CSS, no build step).
 */
public final class StaticFiles implements ApiGatewayStandIn.RawRoute {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    @Override
    public boolean handle(HttpExchange exchange) throws IOException {
        if (!Http.is(exchange, "GET") && !Http.is(exchange, "HEAD")) {
            return false;
        }
        String path = Http.path(exchange);
        String file;
        if (path.equals("/") || path.equals("/index.html")) {
            file = "index.html";
        } else if (path.startsWith("/static/") && path.substring(8).matches("[A-Za-z0-9_-]+\\.[a-z]+")) {
            file = path.substring(8);
        } else {
            return false;
        }
        byte[] bytes;
        try (InputStream in = StaticFiles.class.getResourceAsStream("/public/" + file)) {
            if (in == null) {
                return false;
            }
            bytes = in.readAllBytes();
        }
        String extension = file.substring(file.lastIndexOf('.') + 1);
        exchange.getRequestBody().close();
        ApiGatewayStandIn.write(exchange, 200, Map.of("content-type", TYPES.getOrDefault(extension, "application/octet-stream"),
                "cache-control", "no-cache", "x-content-type-options", "nosniff"), Http.is(exchange, "HEAD") ? new byte[0] : bytes);
        return true;
    }
}
