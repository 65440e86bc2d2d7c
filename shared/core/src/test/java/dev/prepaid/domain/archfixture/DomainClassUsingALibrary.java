package dev.prepaid.domain.archfixture;

import org.opentest4j.AssertionFailedError;

/** Test fixture: a domain class depending on a third-party library. Only {@code ArchitectureTest} imports it. */
public final class DomainClassUsingALibrary {
    Object fail() {
        return new AssertionFailedError("not in the domain");
    }
}
