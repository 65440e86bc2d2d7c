package dev.prepaid.port.archfixture;

import dev.prepaid.application.CreditService;

/** Test fixture: a port depending on the application layer. Only {@code ArchitectureTest} imports it. */
public final class PortClassUsingApplication {
    CreditService service;
}
