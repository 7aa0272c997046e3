package io.mptrec.governance;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module boundaries, checked on the compiled main classes of every module (this module's test classpath holds
 * them all). The arrows: governance-ui -> ab-testing -> prompt-registry -> kernel, and model-core below them all,
 * importing nothing of ours and nothing of Quarkus. Other modules reach the registry through its published package
 * {@code io.mptrec.registry.api}.
 *
 * <p>Two rules are frozen ({@link FreezingArchRule}): the violations that existed when they were written are kept in
 * {@code src/test/resources/archunit-store} (the debt still to pay: entity references and package cycles), and any new
 * one fails the build; a violation that disappears is removed from the store by the run that no longer sees it.
 */
class ArchitectureTests {

    static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.mptrec");
    }

    @Test
    void modelCoreImportsNothingOfOursAndNothingOfQuarkus() {
        noClasses().that().resideInAPackage("io.mptrec.model..").should().dependOnClassesThat()
                .resideInAnyPackage("io.mptrec.kernel..", "io.mptrec.registry..", "io.mptrec.ab..",
                        "io.mptrec.governance..", "io.quarkus..", "jakarta.enterprise..", "jakarta.persistence..",
                        "jakarta.ws..")
                .check(classes);
    }

    @Test
    void kernelImportsNoOtherModule() {
        noClasses().that().resideInAPackage("io.mptrec.kernel..").should().dependOnClassesThat()
                .resideInAnyPackage("io.mptrec.model..", "io.mptrec.registry..", "io.mptrec.ab..",
                        "io.mptrec.governance..")
                .check(classes);
    }

    @Test
    void theRegistryDoesNotKnowTheModulesAboveIt() {
        noClasses().that().resideInAPackage("io.mptrec.registry..").should().dependOnClassesThat()
                .resideInAnyPackage("io.mptrec.ab..", "io.mptrec.governance..")
                .check(classes);
    }

    @Test
    void abTestingDoesNotKnowTheApplication() {
        noClasses().that().resideInAPackage("io.mptrec.ab..").should().dependOnClassesThat()
                .resideInAPackage("io.mptrec.governance..")
                .check(classes);
    }

    @Test
    void noOtherModuleCallsARegistryRestResourceAsAJavaObject() {
        noClasses().that().resideOutsideOfPackage("io.mptrec.registry..").should().dependOnClassesThat()
                .resideInAPackage("io.mptrec.registry..rest..")
                .check(classes);
    }

    /** Frozen: the registry's entities and internal services still used by ab-testing and the UI are listed debt. */
    @Test
    void otherModulesUseTheRegistryThroughItsPublishedInterface() {
        FreezingArchRule.freeze(noClasses().that().resideOutsideOfPackage("io.mptrec.registry..").should()
                        .dependOnClassesThat(DescribedPredicate.describe(
                                "are registry classes outside its published package io.mptrec.registry.api",
                                c -> c.getPackageName().startsWith("io.mptrec.registry.")
                                        && !c.getPackageName().startsWith("io.mptrec.registry.api"))))
                .check(classes);
    }

    /** Frozen: the package cycles inside a module (one aggregate spread over several packages) are listed debt. */
    @Test
    void noPackageCyclesInsideAModule() {
        for (String module : new String[] {"model", "kernel", "registry", "ab", "governance"}) {
            FreezingArchRule.freeze(slices().matching("io.mptrec." + module + ".(*)..")
                            .should().beFreeOfCycles().allowEmptyShould(true).as("no package cycles inside " + module))
                    .check(classes);
        }
    }
}
