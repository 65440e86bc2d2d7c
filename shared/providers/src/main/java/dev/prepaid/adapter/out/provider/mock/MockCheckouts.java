package dev.prepaid.adapter.out.provider.mock;

import java.util.Optional;

/** Where the mock provider keeps its checkouts (in memory for tests, the table for the local runner). */
public interface MockCheckouts {
    void save(MockCheckout checkout);

    Optional<MockCheckout> find(String checkoutId);
}
