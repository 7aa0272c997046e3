package io.mptrec.governance;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasAnnotations;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import io.mptrec.kernel.security.Permission;
import jakarta.annotation.security.RolesAllowed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module boundaries, checked on the compiled main classes of every module (this module's test classpath holds
 * them all). The arrows: governance-ui -> ab-testing -> prompt-registry -> kernel, and model-core below them all,
 * importing nothing of ours and nothing of Quarkus. Other modules reach the registry through its published package
 * {@code io.mptrec.registry.api}.
 *
 * <p>The package cycles inside a module are compared with a list of known cycles (the debt still to pay); any other
 * cycle fails the build.
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

    /**
     * Every role set the API states ({@code @RolesAllowed} on a resource method or class) is one permission of the one
     * table, {@link Permission}, which the pages check: the API cannot grant a combination the pages do not know.
     */
    @Test
    void everyRoleSetOfTheApiIsAPermissionOfTheOneTable() {
        Set<Set<String>> table = new HashSet<>();
        for (Permission p : Permission.values()) {
            table.add(Set.copyOf(p.roles()));
        }
        List<String> unknown = new ArrayList<>();
        int checked = 0;
        for (JavaClass c : classes) {
            List<HasAnnotations<?>> owners = new ArrayList<>(c.getMethods());
            owners.add(c);
            for (HasAnnotations<?> owner : owners) {
                if (owner.isAnnotatedWith(RolesAllowed.class)) {
                    checked++;
                    Set<String> roles = Set.of(owner.getAnnotationOfType(RolesAllowed.class).value());
                    if (!table.contains(roles)) {
                        unknown.add(owner + " allows " + roles);
                    }
                }
            }
        }
        assertThat(checked).as("@RolesAllowed found").isGreaterThan(30);
        assertThat(unknown).as("role sets that are not a Permission").isEmpty();
    }

    /**
     * Other modules know the registry only by its published package: its interfaces ({@code PromptRegistry},
     * {@code Catalog}, {@code Lifecycle}, {@code AuditTrail}) and the records they return. No entity, service, mapper or
     * resource of the registry is imported elsewhere.
     */
    @Test
    void otherModulesUseTheRegistryThroughItsPublishedInterface() {
        noClasses().that().resideOutsideOfPackage("io.mptrec.registry..").should()
                .dependOnClassesThat(DescribedPredicate.describe(
                        "are registry classes outside its published package io.mptrec.registry.api",
                        c -> c.getPackageName().startsWith("io.mptrec.registry.")
                                && !c.getPackageName().startsWith("io.mptrec.registry.api")))
                .check(classes);
    }

    /** The published package is the registry's contract: it depends on no internal package of the registry. */
    @Test
    void thePublishedPackageDependsOnNoRegistryInternals() {
        noClasses().that().resideInAPackage("io.mptrec.registry.api..").should()
                .dependOnClassesThat(DescribedPredicate.describe("are registry internals",
                        c -> c.getPackageName().startsWith("io.mptrec.registry.")
                                && !c.getPackageName().startsWith("io.mptrec.registry.api")))
                .check(classes);
    }

    /**
     * No package cycle inside any module: a feature package may depend on the aggregate it builds on (results on
     * experiment, encoder on the published registry package), never the other way round. A cycle is reported as its
     * chain of packages.
     */
    @Test
    void noPackageCyclesInsideAModule() {
        Set<String> found = new TreeSet<>();
        for (String module : new String[] {"model", "kernel", "registry", "ab", "governance"}) {
            EvaluationResult result = slices().matching("io.mptrec." + module + ".(*)..").should().beFreeOfCycles()
                    .allowEmptyShould(true).evaluate(classes);
            for (String detail : result.getFailureReport().getDetails()) {
                found.add(module + ": " + chain(detail));
            }
        }
        assertThat(found).as("package cycles inside a module").isEmpty();
    }

    /** "Cycle detected: Slice a -> Slice b -> Slice a ..." as "a -> b -> a", starting at its smallest package. */
    static String chain(String detail) {
        String head = detail.contains("1. Dependencies") ? detail.substring(0, detail.indexOf("1. Dependencies")) : detail;
        List<String> slices = new ArrayList<>();
        Matcher m = Pattern.compile("Slice ([\\w$]+)").matcher(head);
        while (m.find()) {
            slices.add(m.group(1));
        }
        List<String> ring = slices.subList(0, slices.size() - 1);  // the last repeats the first
        int start = ring.indexOf(ring.stream().min(String::compareTo).orElseThrow());
        List<String> rotated = new ArrayList<>(ring.subList(start, ring.size()));
        rotated.addAll(ring.subList(0, start));
        rotated.add(rotated.get(0));
        return String.join(" -> ", rotated);
    }
}
