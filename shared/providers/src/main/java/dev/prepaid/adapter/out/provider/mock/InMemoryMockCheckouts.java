package dev.prepaid.adapter.out.provider.mock;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Mock checkouts in this JVM only: gone on restart. */
public final class InMemoryMockCheckouts implements MockCheckouts {
    private final ConcurrentMap<String, MockCheckout> checkouts = new ConcurrentHashMap<>();

    @Override
    public void save(MockCheckout checkout) {
        checkouts.put(checkout.id(), checkout);
    }

    @Override
    public Optional<MockCheckout> find(String checkoutId) {
        return checkoutId == null ? Optional.empty() : Optional.ofNullable(checkouts.get(checkoutId));
    }
}
