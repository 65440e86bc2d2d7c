package dev.prepaid.deployment;

import dev.prepaid.adapter.in.http.Caller;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the template must declare for each function: its Maven module (also the zip's name), handler,
 * routes ("METHOD /path", as the handler's Router serves them) and the OAuth scopes each route needs.
 */
record ExpectedFunction(String module, String handler, Set<String> routes, List<String> scopes) {

    static final Map<String, ExpectedFunction> BY_LOGICAL_ID = byLogicalId();

    private static Map<String, ExpectedFunction> byLogicalId() {
        Map<String, ExpectedFunction> functions = new LinkedHashMap<>();
        functions.put("DeductCreditsFunction", new ExpectedFunction("deduct-credits",
                "dev.prepaid.function.deduct.DeductCreditsHandler::handleRequest",
                Set.of("POST /api/credits/deduct", "POST /api/credits/refund", "POST /api/credits/grant"),
                List.of(Caller.WRITE_SCOPE)));
        functions.put("CreditsQueryFunction", new ExpectedFunction("credits-query",
                "dev.prepaid.function.query.CreditsQueryHandler::handleRequest",
                Set.of("GET /api/credits/balance", "GET /api/credits/transactions",
                        "GET /api/credits/usage/summary", "GET /api/credits/usage/daily"),
                List.of()));
        return Collections.unmodifiableMap(functions);
    }

    String handlerClass() {
        return handler.substring(0, handler.indexOf("::"));
    }

    /** functions/&lt;module&gt;/src/main/java/.../Handler.java, relative to the repository root. */
    Path handlerSource() {
        return Path.of("functions", module, "src", "main", "java", handlerClass().replace('.', '/') + ".java");
    }

    /** The CodeUri: the zip `mvn package` builds, relative to the template. */
    String codeUri() {
        return "functions/" + module + "/target/" + module + ".zip";
    }
}
