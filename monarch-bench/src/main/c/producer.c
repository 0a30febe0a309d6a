/*
 * The end-to-end benchmark's producer: one rank of the workload, the same binary under
 * `monarch run`, `mpirun` and a raw pipe (monarch.bench.EndToEndBenchmark compiles it with
 * `cc -O2`).
 *
 *   producer LINES      RANK (or mpirun's OMPI_COMM_WORLD_RANK) from the environment
 *
 * Writes LINES lines of exactly 100 bytes to stdout, each carrying its rank and a per-rank
 * counter (`rank=R seq=000000042 ...`), so a reader can prove that nothing was lost or
 * duplicated. Only the counter changes from line to line: the line is built once and its digits
 * are incremented in place, so the producer costs next to nothing and the arms measure the
 * transport. stdout keeps a normal stdio full buffer, as a program writing to a pipe has.
 *
 * Then prints `producer-ns RANK NANOS` on stderr: its own run time (CLOCK_MONOTONIC, from start
 * until stdout is flushed and closed), i.e. how long the transport kept it from finishing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_BYTES 100
#define SEQ_DIGITS 9

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Adds one to the decimal digits at s[0..n-1]. */
static void increment(char *s, int n) {
  for (int i = n - 1; i >= 0; i--) {
    if (s[i] != '9') {
      s[i]++;
      return;
    }
    s[i] = '0';
  }
}

int main(int argc, char **argv) {
  long long start = now_ns();
  if (argc != 2) {
    fprintf(stderr, "usage: RANK=r %s LINES\n", argv[0]);
    return 2;
  }
  char *end;
  long long lines = strtoll(argv[1], &end, 10);
  if (*end != '\0' || lines < 0 || lines > 999999999LL) {
    fprintf(stderr, "producer: LINES must be 0..999999999, got '%s'\n", argv[1]);
    return 2;
  }
  const char *rank_s = getenv("RANK");
  if (rank_s == NULL) {
    rank_s = getenv("OMPI_COMM_WORLD_RANK");
  }
  if (rank_s == NULL) {
    fprintf(stderr, "producer: neither RANK nor OMPI_COMM_WORLD_RANK is set\n");
    return 2;
  }
  int rank = atoi(rank_s);

  /* A full BUFSIZ buffer, what glibc gives a pipe anyway; explicit so a terminal gets it too. */
  setvbuf(stdout, NULL, _IOFBF, BUFSIZ);

  char line[LINE_BYTES + 64];
  int head = snprintf(line, sizeof line, "rank=%d seq=", rank);
  char *seq = line + head;
  memset(seq, '0', SEQ_DIGITS);
  const char *text = " step done: loss 0.4321 lr 3.0e-4 tokens/s 123456 grad_norm 1.2345 ok";
  int len = head + SEQ_DIGITS;
  len += snprintf(line + len, sizeof line - len, "%s", text);
  /* pad (or cut) to exactly LINE_BYTES including the newline */
  while (len < LINE_BYTES - 1) {
    line[len++] = '.';
  }
  len = LINE_BYTES - 1;
  line[len++] = '\n';

  for (long long i = 0; i < lines; i++) {
    if (fwrite(line, 1, len, stdout) != (size_t) len) {
      fprintf(stderr, "producer %d: write failed at line %lld: %s\n", rank, i, strerror(errno));
      return 1;
    }
    increment(seq, SEQ_DIGITS);
  }
  if (fflush(stdout) != 0 || fclose(stdout) != 0) {
    fprintf(stderr, "producer %d: closing stdout failed: %s\n", rank, strerror(errno));
    return 1;
  }
  fprintf(stderr, "producer-ns %d %lld\n", rank, now_ns() - start);
  return 0;
}
