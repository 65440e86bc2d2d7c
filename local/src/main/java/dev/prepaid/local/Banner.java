package dev.prepaid.local;

import dev.prepaid.local.template.FunctionSpec;
import java.nio.file.Path;
import java.util.List;

/** What {@code ./run-local} prints when it is up: what runs where, and a curl session to try it. */
final class Banner {
    private Banner() {
    }

    static String of(LocalStack stack) {
        String base = stack.baseUrl().toString();
        Options o = stack.options();
        StringBuilder out = new StringBuilder();
        out.append('\n').append("prepaid is running locally on ").append(base).append("   (Ctrl-C stops it)\n\n");
        line(out, "demo page", base + "/");
        line(out, "template", rel(o.template()) + "  (the functions, table and queues below come from it)");
        line(out, "DynamoDB Local", stack.dynamoEndpoint() + "   table " + String.join(", ", stack.tableNotes()));
        line(out, "data", o.inMemory() ? "in memory (--in-memory): gone when this stops"
                : rel(o.dataDir().resolve("dynamodb")) + "  (balances survive a restart; delete it to start over)");
        StringBuilder q = new StringBuilder();
        for (LocalStack.Queue queue : stack.queues()) {
            q.append(q.length() == 0 ? "" : ", ").append(queue.name());
            if (queue.deadLetterQueue() != null) {
                q.append(" (to ").append(queue.deadLetterQueue()).append(" after ").append(queue.maxReceiveCount()).append(" receives)");
            }
        }
        line(out, "ElasticMQ", stack.sqsEndpoint() + "   queues " + (q.length() == 0 ? "(none)" : q)
                + (stack.queues().isEmpty() ? "" : "; visibility timeout " + LocalStack.LOCAL_VISIBILITY_SECONDS + " s locally"));
        line(out, "auth", "local JWT authorizer: HS256, issuer prepaid-local, secret "
                + (o.inMemory() ? "random for this run" : rel(o.dataDir().resolve("jwt-secret"))));
        line(out, "payments", "stripe".equals(o.paymentProvider())
                ? "Stripe test mode: run `stripe listen --forward-to "
                        + stack.baseUrl().resolve("/api/payment/webhook/stripe") + "` (docs/providers.md)"
                : stack.mock() == null ? "no purchase functions in the template"
                : "mock provider: checkout pages at " + base + "/mock/checkout/{id}");
        out.append("\nFunctions (").append(rel(o.template())).append("):\n");
        for (LocalStack.Function f : stack.functions()) {
            FunctionSpec spec = f.spec();
            if (!f.running()) {
                out.append("  - ").append(spec.logicalId()).append("  NOT RUNNING: ").append(f.skipped()).append('\n');
                continue;
            }
            out.append("  ").append(spec.logicalId()).append("  ").append(spec.handlerClass()).append('\n');
            for (FunctionSpec.HttpRoute r : spec.routes()) {
                out.append(String.format("      %-6s %-38s %s%n", r.method(), r.path(), r.isPublic() ? "public"
                        : "JWT" + (r.scopes().isEmpty() ? "" : ", scope " + String.join(" ", r.scopes()))));
            }
            for (FunctionSpec.QueueTrigger t : spec.queues()) {
                LocalStack.Queue queue = stack.queue(t.queue());
                out.append(String.format("      SQS    %-38s %s%n", queue == null ? t.queue() : queue.name(),
                        t.enabled() ? "polled every " + o.pollEvery().toMillis() + " ms, batches of " + Math.min(10, t.batchSize())
                                : "disabled in the template"));
            }
            for (FunctionSpec.ScheduleTrigger s : spec.schedules()) {
                out.append(String.format("      EVERY  %-38s %s%n", s.expression(), s.enabled()
                        ? "runs every " + o.scheduleEvery().toSeconds() + " s locally" : "disabled in the template"));
            }
            for (String ignored : spec.ignoredEvents()) {
                out.append("      (not run locally: ").append(ignored).append(")\n");
            }
        }
        List<String> warnings = stack.template().intrinsics().warnings();
        if (!warnings.isEmpty()) {
            out.append('\n');
            warnings.forEach(w -> out.append("  note: ").append(w).append(" (--parameter Name=Value sets one)\n"));
        }
        out.append("""

                Local only:
                      POST   /dev/token                             {"sub": "alice", "scope": "credits/write"} -> {"token", "expiresIn"}
                      POST   /demo/generate-video                   the demo app's backend: holds 20 credits, captures them (?fail=true: releases)
                      GET    /mock/checkout/{id}                    the mock provider's hosted checkout (POST .../pay, .../cancel)

                Try it with curl:
                """);
        out.append(curlSession(base));
        return out.toString();
    }

    static String curlSession(String base) {
        return """
                  BASE=%1$s
                  TOKEN=$(curl -s -X POST $BASE/dev/token -H 'content-type: application/json' -d '{"sub":"alice"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
                  curl -s $BASE/api/credits/plans
                  ORDER=$(curl -s -X POST $BASE/api/payment/create-order -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"productId":"trial"}'); echo "$ORDER"
                  # open the paymentUrl above in a browser and click Pay, or pay from here:
                  CHECKOUT=$(echo "$ORDER" | sed -E 's/.*"checkoutId":"([^"]+)".*/\\1/')
                  curl -s -o /dev/null -w '%%{http_code} -> %%{redirect_url}\\n' -X POST $BASE/mock/checkout/$CHECKOUT/pay
                  sleep 1; curl -s $BASE/api/credits/balance -H "authorization: Bearer $TOKEN"
                  SERVICE=$(curl -s -X POST $BASE/dev/token -H 'content-type: application/json' -d '{"sub":"my-app-backend","scope":"credits/write"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
                  curl -s -X POST $BASE/api/credits/deduct -H "authorization: Bearer $SERVICE" -H 'content-type: application/json' -d '{"userId":"alice","operation":"video_generation","idempotencyKey":"video-1"}'
                  curl -s "$BASE/api/credits/transactions?limit=10" -H "authorization: Bearer $TOKEN"
                """.formatted(base);
    }

    private static void line(StringBuilder out, String label, String text) {
        out.append(String.format("  %-15s %s%n", label, text));
    }

    private static String rel(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
