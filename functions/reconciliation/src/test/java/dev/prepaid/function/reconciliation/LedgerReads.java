package dev.prepaid.function.reconciliation;

import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Counts the ledger entries (and query pages) read from GSI1, the index of a user's ledger by version. */
final class LedgerReads implements ExecutionInterceptor {
    private final AtomicLong items = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof QueryRequest query && "gsi1".equals(query.indexName())
                && context.response() instanceof QueryResponse response) {
            items.addAndGet(response.count());
            pages.incrementAndGet();
        }
    }

    long items() {
        return items.get();
    }

    long pages() {
        return pages.get();
    }

    void reset() {
        items.set(0);
        pages.set(0);
    }
}
