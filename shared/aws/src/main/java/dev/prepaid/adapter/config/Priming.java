package dev.prepaid.adapter.config;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart priming: just before Lambda snapshots an initialised execution environment, run the code
 * paths a request will run, so their classes are loaded and their JIT profiles warm in the snapshot and
 * not on a customer's first request. A warm-up must never write: it may route synthetic requests that
 * are refused before reaching data, and read a sentinel item.
 */
public final class Priming implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

    private final Runnable warmUp;

    private Priming(Runnable warmUp) {
        this.warmUp = warmUp;
    }

    /** Registers a warm-up; keep the returned object referenced (the CRaC context holds it weakly). */
    public static Priming register(Runnable warmUp) {
        Priming priming = new Priming(warmUp);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        try {
            warmUp.run();
            LOG.info("primed in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            // A failed warm-up only costs speed: never fail the snapshot for it.
            LOG.warn("priming failed: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to reopen: SDK clients re-establish connections on first use.
    }

    /** Runs the warm-up now (tests, and the local runner's start-up). */
    public void prime() {
        beforeCheckpoint(null);
    }
}
