package monarch.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The CLI is a user of the library like any other: it sees only its public packages. */
class CliArchitectureTest {
  @Test
  void theCliUsesOnlyThePublicApi() {
    noClasses()
        .that()
        .resideInAPackage("monarch.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("monarch.internal..", "org.apache.pekko..")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("monarch.cli"));
  }
}
