// Validates PDFs with veraPDF's library against PDF/UA-1 and PDF/A-2a (or the profiles
// given), for scripts/pdf-standards. Usage: java Validate ua1,2a FILE...
// Prints "PASS" or "FAIL" with the file and profile, then each rule that failed (clause,
// test number, how often, veraPDF's message). Exits 0 when every file passes every
// profile, 1 when one fails, 2 when a file cannot be read.
import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

public class Validate {
  public static void main(String[] args) throws Exception {
    VeraGreenfieldFoundryProvider.initialise();
    String[] profiles = args[0].split(",");
    int status = 0;
    for (int i = 1; i < args.length; i++) {
      for (String profile : profiles) {
        PDFAFlavour flavour = PDFAFlavour.fromString(profile);
        try (PDFAParser parser = Foundries.defaultInstance().createParser(new File(args[i]), flavour)) {
          ValidationResult result =
              Foundries.defaultInstance().createValidator(flavour, false).validate(parser);
          Map<String, Integer> failures = new TreeMap<>();
          Map<String, String> messages = new TreeMap<>();
          for (TestAssertion assertion : result.getTestAssertions()) {
            if (assertion.getStatus() != TestAssertion.Status.FAILED) continue;
            String rule = assertion.getRuleId().getClause() + "-" + assertion.getRuleId().getTestNumber();
            failures.merge(rule, 1, Integer::sum);
            messages.putIfAbsent(rule, assertion.getMessage());
          }
          System.out.printf("%s %s %s%n", result.isCompliant() ? "PASS" : "FAIL", profile, args[i]);
          for (Map.Entry<String, Integer> failure : failures.entrySet()) {
            System.out.printf("  %s x%d %s%n", failure.getKey(), failure.getValue(),
                messages.get(failure.getKey()));
          }
          if (!result.isCompliant()) status = Math.max(status, 1);
        } catch (Exception e) {
          System.out.printf("UNREADABLE %s %s: %s%n", profile, args[i], e);
          status = 2;
        }
      }
    }
    System.exit(status);
  }
}
