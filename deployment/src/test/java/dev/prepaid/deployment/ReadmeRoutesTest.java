package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README.md's API tables against template.yaml, so that the manual and the stack cannot drift: every route in a
 * table (a row whose first cell is {@code `METHOD /api/...`}, query string ignored, or {@code `$default`}, the
 * catch-all) is an HttpApi route of the
 * function that serves it (ExpectedFunction, which TemplateContentTest ties to the handler's Router), with the
 * authorization the README states; and every route in the template is in a table.
 *
 * <p>The README states authorization in the table's {@code auth} column when it has one ("public", "public
 * (browser)", "provider signature": no JWT; "user JWT": the JWT authorizer), else in the heading above the table
 * ("JWT with scope `credits/write`", "the signed-in user's JWT"). Scopes are the {@code credits/...} names in
 * that text; a route with a JWT and no scope named needs none.
 */
class ReadmeRoutesTest {
    private static final Pattern ROW = Pattern.compile(
            "^\\|\\s*`(?:(GET|POST|PUT|PATCH|DELETE) (/api/[^`?\\s]*)(\\?[^`]*)?|(\\$default))`\\s*\\|(.*)$");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");
    private static final Pattern SCOPE = Pattern.compile("\\bcredits/[a-z]+\\b");

    private static String readme;
    private static JsonNode template;

    /** How a route is reached: public (no authorizer) or through the JWT authorizer with these scopes. */
    record Auth(boolean isPublic, List<String> scopes) {
        static final Auth PUBLIC = new Auth(true, List.of());

        @Override
        public String toString() {
            return isPublic ? "public" : scopes.isEmpty() ? "JWT" : "JWT with " + scopes;
        }
    }

    @BeforeAll
    static void load() {
        readme = Templates.read(Templates.root().resolve("README.md"));
        template = Templates.template();
    }

    @Test
    void everyReadmeRouteIsInTheTemplateWithItsAuthAndEveryTemplateRouteIsInTheReadme() {
        check(readme, template);
    }

    @Test
    void theReadmeTablesAreRead() {
        Map<String, Auth> routes = readmeRoutes(readme);
        assertEquals(Auth.PUBLIC, routes.get("GET /api/credits/plans"), "auth column: public");
        assertEquals(Auth.PUBLIC, routes.get("POST /api/payment/webhook/{provider}"), "auth column: provider signature");
        assertEquals(new Auth(false, List.of()), routes.get("GET /api/credits/transactions"), "query string dropped");
        assertEquals(new Auth(false, List.of("credits/write")), routes.get("POST /api/credits/deduct"), "heading's scope");
        assertEquals(new Auth(false, List.of("credits/admin")), routes.get("POST /api/admin/dlq/redrive"), "heading's scope");
        assertEquals(new Auth(false, List.of("credits/admin", "credits/grant")), routes.get("POST /api/credits/grant"),
                "the row's scopes (any one of them)");
        assertEquals(Auth.PUBLIC, routes.get(Templates.DEFAULT_ROUTE), "the catch-all's row");
    }

    @Test
    void driftBetweenTheReadmeAndTheTemplateIsReported() {
        // a route documented but not deployed
        assertFailsOnReadme("POST /api/admin/dlq/purge: in README.md but no function in template.yaml serves it",
                text -> text.replace("| `GET /api/admin/dlq` |", "| `POST /api/admin/dlq/purge` | x |\n| `GET /api/admin/dlq` |"));
        // a route deployed but not documented
        assertFailsOnReadme("routes in template.yaml that README.md's API tables do not list",
                text -> text.replaceAll("(?m)^\\| `GET /api/admin/reports/drift` \\|.*\\n", ""));
        // the README's auth and the template's disagree
        assertFailsOnReadme("GET /api/payment/subscription: README.md says public",
                text -> text.replace("| `GET /api/payment/subscription` | user JWT |", "| `GET /api/payment/subscription` | public |"));
        assertFailsOnTemplate("POST /api/admin/dlq/redrive: README.md says JWT with [credits/admin]",
                copy -> ((ObjectNode) copy.path("Resources").path("AdminFunction").path("Properties").path("Events")
                        .path("DlqRedrive").path("Properties").path("Auth")).putArray("AuthorizationScopes").add("credits/write"));
        assertFailsOnTemplate("GET /api/credits/plans: README.md says public",
                copy -> ((ObjectNode) copy.path("Resources").path("CreditsQueryFunction").path("Properties").path("Events")
                        .path("Plans").path("Properties").path("Auth")).put("Authorizer", "OAuth2Authorizer"));
        // a route moved to another function than the one whose handler serves it
        assertFailsOnTemplate("GET /api/admin/dlq: served by CreditsQueryFunction in template.yaml, but AdminFunction's handler serves it",
                copy -> {
                    ObjectNode events = (ObjectNode) copy.path("Resources").path("AdminFunction").path("Properties").path("Events");
                    ((ObjectNode) copy.path("Resources").path("CreditsQueryFunction").path("Properties").path("Events"))
                            .set("DlqDepth", events.remove("DlqDepth"));
                });
        // a table row the check cannot classify
        assertThrows(AssertionError.class, () -> readmeRoutes("## Routes\n\n| route | answer |\n| --- | --- |\n"
                + "| `GET /api/x` | y |\n"), "no auth in the heading or the row");
        assertThrows(AssertionError.class, () -> readmeRoutes("### A (JWT)\n\n| route |\n| --- |\n| `GET /api/x` |\n"
                + "| `GET /api/x?y=1` |\n"), "a route listed twice");
    }

    static void check(String readme, JsonNode template) {
        Map<String, Auth> documented = readmeRoutes(readme);
        assertFalse(documented.isEmpty(), "README.md: no API table rows found (| `METHOD /api/...` | ...)");
        Map<String, String> servedBy = new TreeMap<>();
        Map<String, Auth> deployed = templateRoutes(template, servedBy);
        documented.forEach((route, auth) -> {
            assertTrue(deployed.containsKey(route), route + ": in README.md but no function in template.yaml serves it");
            String id = servedBy.get(route);
            ExpectedFunction handler = ExpectedFunction.BY_LOGICAL_ID.values().stream()
                    .filter(f -> f.routes().contains(route)).findFirst().orElse(null);
            assertTrue(handler != null, route + ": no handler's Router serves it (ExpectedFunction)");
            String handlerId = ExpectedFunction.logicalIdOf(handler);
            assertEquals(handlerId, id, route + ": served by " + id + " in template.yaml, but " + handlerId
                    + "'s handler serves it");
            assertEquals(auth, deployed.get(route), route + ": README.md says " + auth + ", template.yaml has "
                    + deployed.get(route));
        });
        TreeSet<String> undocumented = new TreeSet<>(deployed.keySet());
        undocumented.removeAll(documented.keySet());
        assertEquals(new TreeSet<String>(), undocumented, "routes in template.yaml that README.md's API tables do not list");
    }

    /** "METHOD /path" to its authorization, from every HttpApi event of every function. */
    static Map<String, Auth> templateRoutes(JsonNode template, Map<String, String> servedBy) {
        Map<String, Auth> routes = new TreeMap<>();
        template.path("Resources").properties().forEach(resource -> {
            if (!resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                return;
            }
            resource.getValue().path("Properties").path("Events").forEach(event -> {
                if (!event.path("Type").asText().equals("HttpApi")) {
                    return;
                }
                JsonNode properties = event.path("Properties");
                String route = Templates.routeKey(properties);
                String authorizer = properties.path("Auth").path("Authorizer").asText("");
                Auth auth = authorizer.equals("NONE") ? Auth.PUBLIC
                        : new Auth(false, List.copyOf(new TreeSet<>(
                                Templates.texts(properties.path("Auth").path("AuthorizationScopes")))));
                assertTrue(routes.put(route, auth) == null, "template.yaml declares " + route + " twice");
                servedBy.put(route, resource.getKey());
            });
        });
        return routes;
    }

    /** "METHOD /path" (query string dropped) to its authorization, from README.md's tables. */
    static Map<String, Auth> readmeRoutes(String text) {
        Map<String, Auth> routes = new TreeMap<>();
        String heading = "";
        boolean inTable = false;
        int authColumn = -1;
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            Matcher title = HEADING.matcher(line);
            if (title.matches()) {
                heading = title.group(1);
            }
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            List<String> cells = cells(line);
            if (!inTable) { // a table's first row is its header
                inTable = true;
                authColumn = cells.indexOf("auth");
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (!row.matches()) {
                continue;
            }
            String route = row.group(4) != null ? Templates.DEFAULT_ROUTE : row.group(1) + " " + row.group(2);
            String where = "README.md:" + number + " " + route;
            String authText = authColumn >= 0 && authColumn < cells.size() ? cells.get(authColumn) : heading;
            assertTrue(routes.put(route, auth(authText, where)) == null, where + ": listed twice");
        }
        return routes;
    }

    private static Auth auth(String text, String where) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("public") || lower.contains("signature")) {
            return Auth.PUBLIC;
        }
        List<String> scopes = new ArrayList<>();
        Matcher scope = SCOPE.matcher(text);
        while (scope.find()) {
            scopes.add(scope.group());
        }
        assertTrue(lower.contains("jwt") || !scopes.isEmpty(), where + ": cannot tell its authorization from '" + text
                + "' (say public, provider signature, JWT, or the scope)");
        return new Auth(false, List.copyOf(new TreeSet<>(scopes)));
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static void assertFailsOnReadme(String expected, java.util.function.UnaryOperator<String> breakIt) {
        check(readme, template);
        String broken = breakIt.apply(readme);
        assertFalse(broken.equals(readme), "the README no longer has what this test breaks (" + expected + ")");
        AssertionError error = assertThrows(AssertionError.class, () -> check(broken, template), expected);
        assertTrue(String.valueOf(error.getMessage()).contains(expected),
                "expected '" + expected + "', got: " + error.getMessage());
    }

    private static void assertFailsOnTemplate(String expected, Consumer<ObjectNode> breakIt) {
        check(readme, template);
        ObjectNode broken = Templates.template();
        breakIt.accept(broken);
        AssertionError error = assertThrows(AssertionError.class, () -> check(readme, broken), expected);
        assertTrue(String.valueOf(error.getMessage()).contains(expected),
                "expected '" + expected + "', got: " + error.getMessage());
    }
}
