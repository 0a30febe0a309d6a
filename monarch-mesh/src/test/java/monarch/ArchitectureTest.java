package monarch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layout of DESIGN.md section 8, held: packages by where code runs, no cycles between them, a
 * public API that names only public types, and nothing a proc runs that needs Pekko.
 */
class ArchitectureTest {
  static final String[] PUBLIC = {
    "monarch.actor..", "monarch.mesh..", "monarch.logging..", "monarch.config.."
  };

  static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("monarch");

  @Test
  void noPackageCycles() {
    slices().matching("monarch.(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void publicSignaturesNameOnlyPublicTypes() {
    classes()
        .that()
        .resideInAnyPackage(PUBLIC)
        .and()
        .arePublic()
        .should(nameOnlyPublicTypes())
        .check(MAIN);
  }

  @Test
  void whatRunsInAProcNeverLoadsPekko() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "monarch.internal.proc..", "monarch.internal.channel..", "monarch.actor..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.pekko..", "scala..")
        .check(MAIN);
  }

  @Test
  void internalsNeverReachBackIntoTheClientApi() {
    // the public client classes call into internals, never the other way round
    noClasses()
        .that()
        .resideInAPackage("monarch.internal..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("monarch.mesh..")
        .check(MAIN);
  }

  /** Supertypes, public fields and public or protected members' types are all public API. */
  static ArchCondition<JavaClass> nameOnlyPublicTypes() {
    return new ArchCondition<>("name only public API types in their public signatures") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        Set<JavaClass> named = new HashSet<>();
        c.getRawSuperclass().ifPresent(named::add);
        named.addAll(c.getRawInterfaces());
        for (JavaField f : c.getFields()) {
          if (exposed(f.getModifiers())) {
            named.addAll(f.getType().getAllInvolvedRawTypes());
          }
        }
        for (JavaCodeUnit m : c.getCodeUnits()) {
          if (exposed(m.getModifiers())) {
            named.addAll(m.getReturnType().getAllInvolvedRawTypes());
            for (JavaType p : m.getParameterTypes()) {
              named.addAll(p.getAllInvolvedRawTypes());
            }
            named.addAll(m.getExceptionTypes());
          }
        }
        for (JavaClass t : named) {
          if (INTERNAL.test(t)) {
            events.add(SimpleConditionEvent.violated(c, c.getName() + " exposes " + t.getName()));
          }
        }
      }
    };
  }

  static boolean exposed(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  static final DescribedPredicate<JavaClass> INTERNAL =
      DescribedPredicate.describe(
          "internal", t -> t.getPackageName().startsWith("monarch.internal"));
}
