package monarch.mesh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A client JVM run to completion, with its stdout and stderr lines and when each arrived. */
record ClientRun(int exitCode, List<Line> out, List<Line> err) {
  record Line(long atMillis, String text) {}

  static ClientRun run(Map<String, String> env, String mainClass, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    long start = System.currentTimeMillis();
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<List<Line>> out =
        CompletableFuture.supplyAsync(() -> lines(p.getInputStream(), start));
    CompletableFuture<List<Line>> err =
        CompletableFuture.supplyAsync(() -> lines(p.getErrorStream(), start));
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "client did not exit within 60 s; stdout so far: " + out.getNow(null));
    }
    return new ClientRun(
        p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
  }

  private static List<Line> lines(InputStream in, long start) {
    List<Line> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String s;
      while ((s = r.readLine()) != null) {
        lines.add(new Line(System.currentTimeMillis() - start, s));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return lines;
  }

  List<String> outText() {
    return out.stream().map(Line::text).toList();
  }

  List<String> errText() {
    return err.stream().map(Line::text).toList();
  }

  long count(List<String> lines, String regex) {
    return lines.stream().filter(l -> l.matches(regex)).count();
  }

  /** When the first stdout line matching regex arrived; fails if none did. */
  long when(String regex) {
    return out.stream()
        .filter(l -> l.text().matches(regex))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no stdout line matches " + regex + " in " + outText()))
        .atMillis();
  }

  String describe() {
    return "exit "
        + exitCode
        + "\n--- stdout\n"
        + String.join("\n", outText())
        + "\n--- stderr\n"
        + String.join("\n", errText());
  }
}
