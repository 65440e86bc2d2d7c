package dev.prepaid.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Which items each function may write (issue 10 item 9). Every statement that grants a DynamoDB write carries a
 * {@code ForAllValues:StringLike} condition on {@code dynamodb:LeadingKeys} (the partition key) listing item kinds
 * as {@code <PREFIX>#*}, and holds write actions only (a read or a Query in it would be bound by the same condition,
 * which on an index means the index's key). On top: the webhook writes only webhook events and mock checkouts,
 * reconciliation deletes only its own RECON# items, and ledger entries (and balances) are written only by the
 * functions on a posting path. Whether the lists hold everything the code writes is system-tests'
 * {@code WritePrefixesTest}, which records the writes.
 */
class LeastPrivilegeTest {
    static final Set<String> WRITE_ACTIONS = Set.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
            "dynamodb:ConditionCheckItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert",
            "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete");
    static final Pattern ITEM_KIND = Pattern.compile("[A-Z_]+#\\*");

    /** The functions whose work is a ledger posting: they write balances (USER#) and entries (ENTRY#). */
    // create-order posts too: the change-plan route grants an upgrade's difference in its own transaction.
    static final Set<String> POSTING = Set.of("DeductCreditsFunction", "CallbackFunction", "FulfilmentFunction",
            "ReconciliationFunction", "AdminFunction", "CreateOrderFunction");

    @Test
    void everyDynamoDbWriteStatementCarriesLeadingKeys() {
        check(Templates.template());
    }

    @Test
    void theWebhookWritesOnlyEventsAndMockCheckouts() {
        assertEquals(Set.of("EVENT#*", "MOCK#*"), writePatterns(Templates.template(), "WebhookFunction", null));
    }

    @Test
    void reconciliationDeletesOnlyItsOwnItems() {
        assertEquals(Set.of("RECON#*"), writePatterns(Templates.template(), "ReconciliationFunction", "dynamodb:DeleteItem"));
    }

    @Test
    void aWriteWithoutLeadingKeysOrBeyondItsKindIsReported() {
        assertFails("WebhookFunction WebhookInbox: a DynamoDB write statement without", copy ->
                ((ObjectNode) statement(copy, "WebhookFunction", "WebhookInbox")).remove("Condition"));
        assertFails("WebhookFunction writes [ENTRY#*, EVENT#*, MOCK#*]", copy ->
                leadingKeys(copy, "WebhookFunction", "WebhookInbox").add("ENTRY#*"));
        assertFails("ReconciliationFunction deletes [RECON#*, USER#*]", copy ->
                leadingKeys(copy, "ReconciliationFunction", "ReconDelete").add("USER#*"));
        assertFails("CreditsQueryFunction writes ledger entries or balances", copy -> {
            ArrayNode statements = (ArrayNode) copy.path("Resources").path("CreditsQueryFunction").path("Properties")
                    .path("Policies").path(0).path("Statement");
            statements.add(statement(copy, "DeductCreditsFunction", "LedgerWrite").deepCopy());
        });
        assertFails("NotFoundFunction writes ledger entries or balances", copy -> {
            ObjectNode properties = (ObjectNode) copy.path("Resources").path("NotFoundFunction").path("Properties");
            ArrayNode policies = properties.has("Policies") ? (ArrayNode) properties.get("Policies") : properties.putArray("Policies");
            ArrayNode statements = policies.addObject().put("Version", "2012-10-17").putArray("Statement");
            statements.add(statement(copy, "DeductCreditsFunction", "LedgerWrite").deepCopy());
        });
        assertFails("AdminFunction LedgerWrite: LeadingKeys pattern", copy ->
                leadingKeys(copy, "AdminFunction", "LedgerWrite").add("*"));
        assertFails("FulfilmentFunction LedgerWrite: a write statement holds", copy ->
                ((ArrayNode) statement(copy, "FulfilmentFunction", "LedgerWrite").path("Action")).add("dynamodb:Query"));
    }

    static void check(JsonNode template) {
        template.path("Resources").properties().forEach(resource -> {
            if (!resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                return;
            }
            String id = resource.getKey();
            for (JsonNode statement : statements(template, id)) {
                if (!"Allow".equals(statement.path("Effect").asText())) {
                    continue;
                }
                List<String> actions = Templates.texts(statement.path("Action"));
                if (actions.stream().noneMatch(WRITE_ACTIONS::contains)) {
                    continue;
                }
                String where = id + " " + statement.path("Sid").asText("(no Sid)");
                assertTrue(WRITE_ACTIONS.containsAll(actions), where + ": a write statement holds " + actions
                        + "; reads and queries belong in a statement of their own (LeadingKeys would bind them too)");
                List<String> patterns = patterns(statement);
                assertTrue(patterns != null && !patterns.isEmpty(), where
                        + ": a DynamoDB write statement without ForAllValues:StringLike dynamodb:LeadingKeys");
                for (String pattern : patterns) {
                    assertTrue(ITEM_KIND.matcher(pattern).matches(), where + ": LeadingKeys pattern '" + pattern
                            + "' is not an item kind <PREFIX>#*");
                }
            }
            Set<String> written = writePatterns(template, id, null);
            if (id.equals("WebhookFunction")) {
                assertTrue(Set.of("EVENT#*", "MOCK#*").containsAll(written), id + " writes " + written
                        + "; only EVENT#* and MOCK#* (webhook events, mock checkouts)");
            }
            if (id.equals("ReconciliationFunction")) {
                Set<String> deleted = writePatterns(template, id, "dynamodb:DeleteItem");
                assertEquals(Set.of("RECON#*"), deleted, id + " deletes " + deleted + "; only RECON#* (its own items)");
            }
            if (!POSTING.contains(id)) {
                boolean entries = written.contains("ENTRY#*") || written.contains("COUNTER#*");
                boolean balances = written.contains("USER#*");
                assertFalse(entries || balances, id + " writes ledger entries or balances (" + written
                        + ") but is not on a posting path " + new TreeSet<>(POSTING));
            }
        });
    }

    /** The LeadingKeys patterns of every Allow statement granting a write ({@code action}, or any write). */
    static Set<String> writePatterns(JsonNode template, String id, String action) {
        Set<String> patterns = new TreeSet<>();
        for (JsonNode statement : statements(template, id)) {
            List<String> actions = Templates.texts(statement.path("Action"));
            boolean grants = action == null ? actions.stream().anyMatch(WRITE_ACTIONS::contains) : actions.contains(action);
            if (grants && "Allow".equals(statement.path("Effect").asText())) {
                List<String> listed = patterns(statement);
                patterns.addAll(listed == null ? List.of("<any>") : listed);
            }
        }
        return patterns;
    }

    private static List<String> patterns(JsonNode statement) {
        JsonNode keys = statement.path("Condition").path("ForAllValues:StringLike").path("dynamodb:LeadingKeys");
        return keys.isMissingNode() ? null : Templates.texts(keys);
    }

    private static List<JsonNode> statements(JsonNode template, String id) {
        List<JsonNode> statements = new ArrayList<>();
        template.path("Resources").path(id).path("Properties").path("Policies")
                .forEach(policy -> policy.path("Statement").forEach(statements::add));
        return statements;
    }

    private static JsonNode statement(ObjectNode template, String id, String sid) {
        return statements(template, id).stream().filter(s -> sid.equals(s.path("Sid").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(id + " has no statement " + sid));
    }

    private static ArrayNode leadingKeys(ObjectNode template, String id, String sid) {
        return (ArrayNode) statement(template, id, sid).path("Condition").path("ForAllValues:StringLike")
                .path("dynamodb:LeadingKeys");
    }

    private static void assertFails(String expected, Consumer<ObjectNode> breakIt) {
        ObjectNode copy = Templates.template();
        check(copy);
        breakIt.accept(copy);
        AssertionError error = assertThrows(AssertionError.class, () -> check(copy), expected);
        assertTrue(String.valueOf(error.getMessage()).contains(expected), "expected '" + expected + "', got: "
                + error.getMessage());
    }
}
