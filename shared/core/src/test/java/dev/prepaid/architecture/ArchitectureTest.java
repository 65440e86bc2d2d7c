package dev.prepaid.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.prepaid.domain.archfixture.DomainClassUsingALibrary;
import dev.prepaid.domain.archfixture.DomainClassUsingPort;
import dev.prepaid.port.archfixture.PortClassUsingApplication;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core is the pure domain: only the JDK, and layers that point inwards (application -> port -> domain).
 * Each rule is also run against test fixtures that break it, so none of them can pass vacuously.
 */
class ArchitectureTest {
    private static final String[] CORE = {"dev.prepaid.domain..", "dev.prepaid.port..", "dev.prepaid.application.."};

    static final ArchRule ONLY_JDK_AND_OWN_CLASSES = classes().that().resideInAnyPackage(CORE)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.prepaid..")
            .because("the core is the pure domain: adapters bring AWS, Stripe, Jackson and logging");

    static final ArchRule NO_INFRASTRUCTURE_LIBRARIES = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage(
                    "software.amazon..", "com.amazonaws..", "com.stripe..", "com.fasterxml..", "org.slf4j..",
                    "org.apache.logging..");

    static final ArchRule DOMAIN_IS_INNERMOST = noClasses().that().resideInAPackage("dev.prepaid.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.prepaid.port..", "dev.prepaid.application..");

    static final ArchRule PORTS_DO_NOT_KNOW_THE_APPLICATION = noClasses().that().resideInAPackage("dev.prepaid.port..")
            .should().dependOnClassesThat().resideInAPackage("dev.prepaid.application..");

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("dev.prepaid");
    }

    @Test
    void theImportSeesEveryLayerAndNoTests() {
        assertTrue(production.size() > 10, "only " + production.size() + " classes imported");
        Set<String> packages = production.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
        assertTrue(packages.containsAll(List.of("dev.prepaid.domain", "dev.prepaid.domain.pricing",
                "dev.prepaid.port.in", "dev.prepaid.port.out", "dev.prepaid.application")), packages.toString());
        assertTrue(production.contain("dev.prepaid.application.CreditService"));
        assertFalse(production.contain(ArchitectureTest.class));
        assertFalse(production.contain(DomainClassUsingPort.class), "test fixtures must not be imported");
    }

    @Test
    void coreDependsOnlyOnTheJdkAndItself() {
        ONLY_JDK_AND_OWN_CLASSES.check(production);
    }

    @Test
    void coreUsesNoInfrastructureLibrary() {
        NO_INFRASTRUCTURE_LIBRARIES.check(production);
    }

    @Test
    void domainDependsOnNeitherPortsNorApplication() {
        DOMAIN_IS_INNERMOST.check(production);
    }

    @Test
    void portsDoNotDependOnTheApplication() {
        PORTS_DO_NOT_KNOW_THE_APPLICATION.check(production);
    }

    @Test
    void theRulesCatchViolations() {
        JavaClasses broken = new ClassFileImporter().importClasses(
                DomainClassUsingPort.class, DomainClassUsingALibrary.class, PortClassUsingApplication.class);

        EvaluationResult library = ONLY_JDK_AND_OWN_CLASSES.evaluate(broken);
        assertTrue(library.hasViolation());
        String libraryReport = library.getFailureReport().toString();
        assertTrue(libraryReport.contains("DomainClassUsingALibrary") && libraryReport.contains("org.opentest4j"),
                libraryReport);
        assertTrue(library.getFailureReport().getDetails().stream()
                .noneMatch(d -> d.startsWith("Field <" + DomainClassUsingPort.class.getName())), libraryReport);

        EvaluationResult domain = DOMAIN_IS_INNERMOST.evaluate(broken);
        assertTrue(domain.hasViolation());
        assertTrue(domain.getFailureReport().toString().contains("DomainClassUsingPort"));
        assertFalse(domain.getFailureReport().toString().contains("PortClassUsingApplication"));

        EvaluationResult port = PORTS_DO_NOT_KNOW_THE_APPLICATION.evaluate(broken);
        assertTrue(port.hasViolation());
        assertTrue(port.getFailureReport().toString().contains("PortClassUsingApplication"));
        assertFalse(port.getFailureReport().toString().contains("DomainClassUsingPort"));
    }
}
