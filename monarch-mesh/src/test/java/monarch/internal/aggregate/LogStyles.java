package monarch.internal.aggregate;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic log corpora in eight real-world styles where every line carries the id of its true
 * event type, for measuring the grouping accuracy of log-grouping rules (Loghub-style: a line is
 * correct when its group holds exactly the lines of its event type).
 *
 * <p>Owns, per style, 15 to 40 event templates (whole raw lines, header included) with Zipf-like
 * frequencies (of N templates, the n-th listed has weight 1/n + 1/N, so the tail still shows up a
 * dozen or more times in 2,000 lines), and a small placeholder language that fills them. Lines
 * depend only on (style, seed, count). It never does I/O and keeps no shared mutable state; the
 * internal filler is not thread-safe, so every call builds its own.
 */
public final class LogStyles {
  /** A line and the id of its event type (e.g. "syslog/E3"). */
  public record Labeled(String line, String event) {}

  // Template language. A placeholder starts with '{' followed by a lowercase letter (any other
  // '{', e.g. of JSON, is literal) and ends at its matching '}'; placeholders nest.
  //   {int:lo:hi} uniform integer        {log:lo:hi} log-uniform integer (varying digit count)
  //   {float:lo:hi:decimals}             {fmt:%FMT:lo:hi} String.format of a uniform number
  //   {hex:n} {uhex:n} {alnum:n} {b64:n} random characters; {uuid} {ip} {port} {mac} {blk}
  //   {dur} Go-style duration (850.2µs, 12.345ms, 3.200s)   {bytes} 12.3MiB   {path} /a/b/c.txt
  //   {nodelist} Slurm host list (cn042, cn[012-015], cn[001,005-007])
  //   {pick:a|b|c} one option (options are templates)    {rep:min:max:sep:template} a list
  //   {ts:clock} the line's time in a named format ({ts:epoch} is Unix seconds.micros)
  //   {lb} a literal '{' before a lowercase letter       {name} a random entry of pool `name`
  //   {set:key:template} fills and remembers a value that {get:key} repeats later in the line

  private static final List<String> NAMES =
      List.of(
          "log4j",
          "syslog",
          "http-access",
          "k8s-json",
          "hpc-scheduler",
          "pytorch-nccl",
          "hdfs",
          "windows");

  private static final String LOG4J =
      """
      {ts:log4j} INFO  [http-nio-8080-exec-{int:1:200}] c.e.shop.web.RequestLoggingFilter - {pick:GET|POST|PUT|DELETE} /api/v1/{pick:orders|carts|users}/{int:1:999999} status={pick:200|200|200|201|204|404|500} took={int:1:1500}ms user={user}
      {ts:log4j} DEBUG [{set:t:{topic}}-consumer-{int:1:9}] o.a.k.c.consumer.internals.Fetcher - [Consumer clientId=consumer-{get:t}-group-{int:1:9}, groupId={get:t}-group] Fetch READ_UNCOMMITTED at offset {log:1:99999999} for partition {get:t}-{int:0:31} returned fetch data (error=NONE, highWaterMark={log:1:99999999}, lastStableOffset = {log:1:99999999}, logStartOffset = 0, preferredReadReplica = absent, abortedTransactions = null, divergingEpoch =null, recordsSizeInBytes={log:1:1048576})
      \tat {frame}
      {ts:log4j} DEBUG [http-nio-8080-exec-{int:1:200}] org.hibernate.SQL - select o1_0.id,o1_0.created_at,o1_0.status,o1_0.total from orders o1_0 where o1_0.id=?
      {ts:log4j} INFO  [scheduling-1] c.e.shop.jobs.InventorySyncJob - Synced {int:0:5000} items from warehouse {host} in {int:5:9000} ms
      {ts:log4j} INFO  [AsyncDispatcher event handler] o.a.h.y.s.resourcemanager.rmapp.RMAppImpl - application_{int:1763600000000:1763699999999}_{fmt:%04d:1:9999} State change from {yarnstate} to {yarnstate} on event = {yarnevent}
      {ts:log4j} INFO  [SchedulerEventDispatcher:Event Processor] o.a.h.y.s.r.rmcontainer.RMContainerImpl - container_e{fmt:%02d:1:99}_{int:1763600000000:1763699999999}_{fmt:%04d:1:9999}_{fmt:%02d:1:3}_{fmt:%06d:1:999999} Container Transitioned from {ctstate} to {ctstate}
      {ts:log4j} INFO  [http-nio-8080-exec-{int:1:200}] c.e.shop.payment.PaymentClient - Payment {uuid} for order {int:1:999999} succeeded after {int:1:5} attempts
      {ts:log4j} WARN  [http-nio-8080-exec-{int:1:200}] c.e.shop.payment.PaymentClient - Payment {uuid} for order {int:1:999999} failed after {int:1:5} attempts
      {ts:log4j} ERROR [http-nio-8080-exec-{int:1:200}] o.a.c.c.C.[.[.[/].[dispatcherServlet] - Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed: {exc}] with root cause
      Caused by: {exc}
      \t... {int:1:120} more
      {ts:log4j} WARN  [HikariPool-{set:p:{int:1:3}} housekeeper] com.zaxxer.hikari.pool.HikariPool - HikariPool-{get:p} - Thread starvation or clock leap detected (housekeeper delta={int:1:5}m{int:0:59}s{int:0:999}ms).
      {ts:log4j} WARN  [kafka-producer-network-thread | producer-{set:p:{int:1:4}}] org.apache.kafka.clients.NetworkClient - [Producer clientId=producer-{get:p}] Connection to node {pick:-1|{int:0:5}} ({host}/{ip}:9092) could not be established. Broker may not be available.
      {ts:log4j} INFO  [kafka-coordinator-heartbeat-thread | {set:t:{topic}}-group] o.a.k.c.c.internals.AbstractCoordinator - [Consumer clientId=consumer-{get:t}-group-{int:1:9}, groupId={get:t}-group] Attempt to heartbeat failed since group is rebalancing
      {ts:log4j} INFO  [{set:t:{topic}}-consumer-{int:1:9}] o.a.k.c.c.internals.AbstractCoordinator - [Consumer clientId=consumer-{get:t}-group-{int:1:9}, groupId={get:t}-group] (Re-)joining group
      {ts:log4j} INFO  [{set:t:{topic}}-consumer-{int:1:9}] o.a.k.c.c.internals.ConsumerCoordinator - [Consumer clientId=consumer-{get:t}-group-{int:1:9}, groupId={get:t}-group] Adding newly assigned partitions: {rep:1:6:, :{get:t}-{int:0:31}}
      {ts:log4j} INFO  [{set:t:{topic}}-consumer-{int:1:9}] o.a.k.c.c.internals.ConsumerCoordinator - [Consumer clientId=consumer-{get:t}-group-{int:1:9}, groupId={get:t}-group] Revoke previously assigned partitions {rep:1:6:, :{get:t}-{int:0:31}}
      {ts:log4j} WARN  [http-nio-8080-exec-{int:1:200}] o.s.w.s.m.s.DefaultHandlerExceptionResolver - Resolved [org.springframework.web.HttpRequestMethodNotSupportedException: Request method '{pick:GET|POST|PUT|PATCH|DELETE}' is not supported]
      {ts:log4j} INFO  [scheduling-1] c.e.shop.cache.CacheWarmer - Cache {pick:products|prices|sessions|carts} warmed: {int:0:200000} entries, {bytes}
      {ts:log4j} INFO  [main-SendThread({set:h:{host}}:2181)] org.apache.zookeeper.ClientCnxn - Session establishment complete on server {get:h}/{ip}:2181, session id = 0x{hex:15}, negotiated timeout = {pick:40000|30000|6000}
      {ts:log4j} WARN  [main-SendThread({set:h:{host}}:2181)] org.apache.zookeeper.ClientCnxn - Session 0x{hex:15} for server {get:h}/{ip}:2181, Closing socket connection. Attempting reconnect except it is a SessionExpiredException.
      {ts:log4j} INFO  [main] com.zaxxer.hikari.HikariDataSource - HikariPool-{int:1:3} - Starting...
      {ts:log4j} INFO  [main] com.zaxxer.hikari.HikariDataSource - HikariPool-{int:1:3} - Start completed.
      {ts:log4j} INFO  [SpringApplicationShutdownHook] com.zaxxer.hikari.HikariDataSource - HikariPool-{int:1:3} - Shutdown initiated...
      {ts:log4j} INFO  [SpringApplicationShutdownHook] com.zaxxer.hikari.HikariDataSource - HikariPool-{int:1:3} - Shutdown completed.
      {ts:log4j} INFO  [main] o.s.b.w.embedded.tomcat.TomcatWebServer - Tomcat started on port {pick:8080|8443|9090} (http) with context path '{pick:|/api|/shop}'
      {ts:log4j} INFO  [main] c.e.shop.ShopApplication - Started ShopApplication in {float:2:60:3} seconds (process running for {float:3:70:3})
      {ts:log4j} INFO  [http-nio-8080-exec-{int:1:200}] o.s.web.servlet.DispatcherServlet - Completed initialization in {int:1:40} ms
      {ts:log4j} INFO  [main] org.apache.kafka.common.utils.AppInfoParser - Kafka version: 3.{int:4:7}.{int:0:2}
      {ts:log4j} INFO  [main] org.apache.kafka.common.utils.AppInfoParser - Kafka commitId: {hex:16}
      {ts:log4j} INFO  [main] org.apache.kafka.common.utils.AppInfoParser - Kafka startTimeMs: {int:1763600000000:1763699999999}
      {ts:log4j} INFO  [SpringApplicationShutdownHook] o.s.b.w.e.tomcat.GracefulShutdown - Commencing graceful shutdown. Waiting for active requests to complete
      {ts:log4j} INFO  [tomcat-shutdown] o.s.b.w.e.tomcat.GracefulShutdown - Graceful shutdown complete
      """;

  private static final String SYSLOG =
      """
      {ts:syslog} {host} sshd[{pid}]: Failed password for invalid user {user} from {ip} port {port} ssh2
      {ts:syslog} {host} sshd[{pid}]: Invalid user {user} from {ip} port {port}
      {ts:syslog} {host} sshd[{pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}
      {ts:syslog} {host} sshd[{pid}]: Failed password for {user} from {ip} port {port} ssh2
      {ts:syslog} {host} sshd[{pid}]: Connection closed by {ip} port {port} [preauth]
      {ts:syslog} {host} CRON[{pid}]: pam_unix(cron:session): session opened for user {user} by (uid=0)
      {ts:syslog} {host} CRON[{pid}]: pam_unix(cron:session): session closed for user {user}
      {ts:syslog} {host} CRON[{pid}]: ({user}) CMD ({cmd})
      {ts:syslog} {host} sshd[{pid}]: Disconnected from invalid user {user} {ip} port {port} [preauth]
      {ts:syslog} {host} sshd[{pid}]: Received disconnect from {ip} port {port}:11: Bye Bye [preauth]
      {ts:syslog} {host} systemd[1]: Started {unit}.
      {ts:syslog} {host} systemd[1]: Starting {unit}...
      {ts:syslog} {host} kernel: [{fmt:%12.6f:0.5:999999}] [UFW BLOCK] IN={iface} OUT= MAC={mac}:{mac}:08:00 SRC={ip} DST={ip} LEN={int:40:1500} TOS=0x00 PREC=0x00 TTL={int:30:255} ID={int:0:65535} PROTO=TCP SPT={port} DPT={pick:22|23|80|443|3389|{port}} WINDOW={int:1024:65535} RES=0x00 SYN URGP=0
      {ts:syslog} {host} sshd[{pid}]: Accepted publickey for {user} from {ip} port {port} ssh2: {pick:RSA|ED25519|ECDSA} SHA256:{b64:43}
      {ts:syslog} {host} sshd[{pid}]: pam_unix(sshd:session): session opened for user {user}(uid={int:0:1999}) by (uid=0)
      {ts:syslog} {host} sshd[{pid}]: pam_unix(sshd:session): session closed for user {user}
      {ts:syslog} {host} sshd[{pid}]: Received disconnect from {ip} port {port}:11: disconnected by user
      {ts:syslog} {host} sshd[{pid}]: Disconnected from user {user} {ip} port {port}
      {ts:syslog} {host} systemd-logind[{pid}]: New session {int:1:9999} of user {user}.
      {ts:syslog} {host} systemd-logind[{pid}]: Session {int:1:9999} logged out. Waiting for processes to exit.
      {ts:syslog} {host} systemd-logind[{pid}]: Removed session {int:1:9999}.
      {ts:syslog} {host} systemd[1]: Stopped {unit}.
      {ts:syslog} {host} systemd[1]: Stopping {unit}...
      {ts:syslog} {host} systemd[1]: {unit}: Deactivated successfully.
      {ts:syslog} {host} systemd[1]: {unit}: Consumed {float:0.01:120:3}s CPU time.
      {ts:syslog} {host} sudo:   {set:u:{user}} : TTY=pts/{int:0:9} ; PWD={pick:/home/{get:u}|/root|/etc/nginx|/var/www|/srv/app} ; USER=root ; COMMAND={sudocmd}
      {ts:syslog} {host} sshd[{pid}]: Accepted password for {user} from {ip} port {port} ssh2
      {ts:syslog} {host} sshd[{pid}]: error: kex_exchange_identification: Connection closed by remote host
      {ts:syslog} {host} sshd[{pid}]: Did not receive identification string from {pick:{ip}|UNKNOWN} port {pick:{port}|65535}
      {ts:syslog} {host} systemd[1]: {unit}: Main process exited, code={pick:exited, status=1/FAILURE|exited, status=2/INVALIDARGUMENT|exited, status=203/EXEC|killed, status=9/KILL}
      {ts:syslog} {host} systemd[1]: {unit}: Failed with result '{pick:exit-code|timeout|signal|core-dump|oom-kill}'.
      {ts:syslog} {host} systemd[1]: {unit}: Scheduled restart job, restart counter is at {int:1:20}.
      {ts:syslog} {host} postfix/smtpd[{pid}]: connect from {pick:unknown|{host}}[{ip}]
      {ts:syslog} {host} kernel: [{fmt:%12.6f:0.5:999999}] {pick:e1000e|igb|ixgbe} {fmt:%04x:0:65535}:{fmt:%02x:0:255}:00.0 {iface}: NIC Link is Up {pick:1000|10000} Mbps Full Duplex, Flow Control: {pick:None|Rx/Tx|Rx}
      {ts:syslog} {host} kernel: [{fmt:%12.6f:0.5:999999}] {pick:e1000e|igb|ixgbe} {fmt:%04x:0:65535}:{fmt:%02x:0:255}:00.0 {iface}: NIC Link is Down
      {ts:syslog} {host} kernel: [{fmt:%12.6f:0.5:999999}] TCP: request_sock_TCP: Possible SYN flooding on port {pick:80|443|8080}. Sending cookies.  Check SNMP counters.
      {ts:syslog} {host} kernel: [{fmt:%12.6f:0.5:999999}] EXT4-fs ({pick:sda1|sdb1|nvme0n1p2|dm-0}): mounted filesystem {uuid} r/w with ordered data mode. Quota mode: none.
      {ts:syslog} {host} kernel: [{fmt:%12.6f:0.5:999999}] Out of memory: Killed process {pid} ({pick:java|python3|postgres|node|chrome}) total-vm:{log:10000:99999999}kB, anon-rss:{log:1000:9999999}kB, file-rss:{log:1:99999}kB, shmem-rss:{log:1:9999}kB, UID:{int:0:1999} pgtables:{log:100:99999}kB oom_score_adj:{pick:0|0|0|-1000|1000|900}
      """;

  private static final String HTTP_ACCESS =
      """
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "GET /api/v1/orders/{int:1000:999999} HTTP/1.1" {pick:200|200|200|200|404} {int:200:4000} "{ref}" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "GET /static/js/{pick:app|vendor|runtime|chunk-{hex:8}}.{hex:8}.js HTTP/1.1" {pick:200 {int:2000:900000}|304 -} "{ref}" "{ua}"
      {ip} - - [{ts:clf}] "GET /health HTTP/1.1" 200 {pick:2|15} "-" "kube-probe/1.{int:24:30}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "POST /api/v1/orders HTTP/1.1" {pick:201|201|201|400|422|500} {int:40:900} "{ref}" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "GET /api/v1/users/{int:1:99999}/profile HTTP/1.1" {pick:200|200|401|404} {int:100:3000} "{ref}" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "GET /search?q={word}&page={int:1:20} HTTP/1.1" 200 {int:1000:90000} "{ref}" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "GET /images/products/{uuid}.{pick:jpg|webp|png} HTTP/2.0" {pick:200 {int:2000:900000}|304 -} "{ref}" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "PUT /api/v1/orders/{int:1000:999999} HTTP/1.1" {pick:200 {int:40:900}|204 -|409 {int:40:200}} "{ref}" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "DELETE /api/v1/orders/{int:1000:999999} HTTP/1.1" {pick:204|404} - "{ref}" "{ua}"
      {ip} - - [{ts:clf}] "POST /login HTTP/1.1" {pick:302|302|200|401} {int:0:5000} "{ref}" "{ua}"
      {ip} - - [{ts:clf}] "GET /favicon.ico HTTP/1.1" {pick:404 {int:150:600}|200 {int:1000:15000}} "{ref}" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "GET /api/v1/orders?status={pick:open|shipped|cancelled|returned}&limit={pick:10|25|50|100} HTTP/1.1" 200 {int:100:90000} "{ref}" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "GET /download{path} HTTP/1.1" {pick:200|206|404} {log:100:2000000000} "{ref}" "{ua}"
      {ip} - - [{ts:clf}] "GET {pick:/wp-login.php|/.env|/phpmyadmin/index.php|/.git/config|/cgi-bin/luci/;stok=/locale|/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php} HTTP/1.1" 404 {int:100:600} "-" "{pick:Mozilla/5.0 zgrab/0.x|-|python-requests/2.31.0}"
      {ip} - - [{ts:clf}] "HEAD / HTTP/1.1" 200 - "-" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "GET /api/v2/carts/{uuid}/items HTTP/1.1" {pick:200|200|404} {int:50:9000} "{ref}" "{ua}"
      {ip} - - [{ts:clf}] "OPTIONS /api/v1/orders HTTP/1.1" 204 - "{ref}" "{ua}"
      {ip} - {pick:-|-|-|{user}} [{ts:clf}] "PATCH /api/v1/users/{int:1:99999}/preferences HTTP/1.1" {pick:200|200|400} {int:20:400} "{ref}" "{ua}"
      {ip} - - [{ts:clf}] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03{rep:4:24::\\x{uhex:2}}" 400 {int:150:170} "-" "-"
      {ip} - - [{ts:clf}] "-" 408 {pick:0|-} "-" "-"
      [{ts:apache}] [proxy:error] [pid {pid}:tid {tid}] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:{pick:8080|8081|3000} (localhost) failed
      [{ts:apache}] [proxy_http:error] [pid {pid}:tid {tid}] [client {ip}:{port}] AH01114: HTTP: failed to make connection to backend: {pick:localhost|{host}}
      [{ts:apache}] [authz_core:error] [pid {pid}:tid {tid}] [client {ip}:{port}] AH01630: client denied by server configuration: {path}
      [{ts:apache}] [mpm_event:notice] [pid {pid}:tid {tid}] AH00489: Apache/2.4.{int:41:62} (Ubuntu) configured -- resuming normal operations
      [{ts:apache}] [mpm_event:notice] [pid {pid}:tid {tid}] AH00491: caught SIGTERM, shutting down
      [{ts:apache}] [core:error] [pid {pid}:tid {tid}] [client {ip}:{port}] AH00126: Invalid URI in request {pick:GET|POST} {pick:/../../etc/passwd|/%2e%2e/%2e%2e/etc/shadow|/cgi-bin/.%2e/.%2e/bin/sh} HTTP/1.1
      {ts:nginx} [error] {pid}#{int:0:63}: *{log:1:9999999} connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, server: {host}, request: "{pick:GET|POST} /api/v1/orders/{set:id:{int:1000:999999}} HTTP/1.1", upstream: "http://127.0.0.1:8080/api/v1/orders/{get:id}", host: "{host}"
      {ts:nginx} [error] {pid}#{int:0:63}: *{log:1:9999999} upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip}, server: {host}, request: "{pick:GET|POST} /api/v1/orders/{set:id:{int:1000:999999}} HTTP/1.1", upstream: "http://127.0.0.1:8080/api/v1/orders/{get:id}", host: "{host}"
      {ts:nginx} [error] {pid}#{int:0:63}: *{log:1:9999999} open() "/usr/share/nginx/html/{set:f:{pick:favicon.ico|robots.txt|apple-touch-icon.png}}" failed (2: No such file or directory), client: {ip}, server: {host}, request: "GET /{get:f} HTTP/1.1", host: "{host}"
      {ts:nginx} [warn] {pid}#{int:0:63}: *{log:1:9999999} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/{int:0:9}/{fmt:%02d:0:99}/{fmt:%010d:1:9999999} while reading upstream, client: {ip}, server: {host}, request: "GET /download{set:f:{path}} HTTP/1.1", upstream: "http://127.0.0.1:8080/download{get:f}", host: "{host}"
      {ts:nginx} [emerg] {pid}#{int:0:63}: bind() to 0.0.0.0:{pick:80|443} failed (98: Address already in use)
      """;

  private static final String K8S_JSON =
      """
      {"level":"info","ts":"{ts:iso}","caller":"controller/webapp_controller.go:88","msg":"Reconciling WebApp","controller":"webapp","controllerGroup":"apps.example.com","controllerKind":"WebApp","WebApp":{"name":"{set:a:{app}}","namespace":"{set:n:{ns}}"},"namespace":"{get:n}","name":"{get:a}","reconcileID":"{uuid}"}
      {"ts":{ts:epoch},"caller":"httplog/httplog.go:132","msg":"HTTP","v":3,"verb":"{pick:GET|LIST|WATCH|PATCH|PUT}","URI":"/api/v1/namespaces/{ns}/pods/{pod}","latency":"{dur}","userAgent":"{pick:kubelet/v1.28.4 (linux/amd64) kubernetes/bae2c62|kubectl/v1.28.2 (linux/amd64) kubernetes/89a4ea3|kube-scheduler/v1.28.4 (linux/amd64) kubernetes/bae2c62/scheduler}","audit-ID":"{uuid}","srcIP":"{ip}:{port}","resp":{pick:200|200|200|200|201|404|409|429}}
      {"ts":{ts:epoch},"caller":"kubelet/kubelet.go:2378","msg":"SyncLoop (PLEG): event for pod","v":2,"pod":"{ns}/{pod}","event":{"ID":"{uuid}","Type":"{pick:ContainerStarted|ContainerDied|ContainerRemoved|ContainerChanged}","Data":"{hex:64}"}}
      {"level":"info","ts":"{ts:iso}","caller":"controller/webapp_controller.go:142","msg":"Reconciliation finished","controller":"webapp","namespace":"{ns}","name":"{app}","reconcileID":"{uuid}","requeueAfter":"{pick:0s|30s|1m0s|5m0s}","duration":"{dur}"}
      {"ts":{ts:epoch},"caller":"prober/prober.go:107","msg":"Probe failed","v":0,"probeType":"{pick:Readiness|Liveness|Startup}","pod":"{ns}/{pod}","podUID":"{uuid}","containerName":"{app}","probeResult":"failure","output":"Get \\"http://{set:ip:{ip}}:{set:port:{pick:8080|9090|8443}}/{pick:healthz|readyz|livez}\\": dial tcp {get:ip}:{get:port}: connect: connection refused"}
      {"ts":{ts:epoch},"caller":"kubelet/kubelet.go:2315","msg":"SyncLoop UPDATE","v":2,"source":"api","pods":[{rep:1:4:,:"{ns}/{pod}"}]}
      {"ts":{ts:epoch},"caller":"kubelet/kubelet.go:2309","msg":"SyncLoop ADD","v":2,"source":"api","pods":[{rep:1:4:,:"{ns}/{pod}"}]}
      {"ts":{ts:epoch},"caller":"kubelet/kubelet.go:2321","msg":"SyncLoop DELETE","v":2,"source":"api","pods":[{rep:1:4:,:"{ns}/{pod}"}]}
      {"ts":{ts:epoch},"caller":"kubelet/kubelet.go:2318","msg":"SyncLoop REMOVE","v":2,"source":"api","pods":[{rep:1:4:,:"{ns}/{pod}"}]}
      {"level":"error","ts":"{ts:iso}","caller":"controller/controller.go:329","msg":"Reconciler error","controller":"webapp","controllerGroup":"apps.example.com","controllerKind":"WebApp","WebApp":{"name":"{set:a:{app}}","namespace":"{set:n:{ns}}"},"namespace":"{get:n}","name":"{get:a}","reconcileID":"{uuid}","error":"{rerr}"}
      {"level":"warn","ts":"{ts:iso}","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"{dur}","expected-duration":"100ms","prefix":"read-only range ","request":"key:\\"/registry/pods/{ns}/{pod}\\" ","response":"range_response_count:1 size:{int:900:9000}"}
      {"ts":{ts:epoch},"caller":"kuberuntime/kuberuntime_container.go:745","msg":"Killing container with a grace period","v":0,"pod":"{ns}/{pod}","podUID":"{uuid}","containerName":"{app}","containerID":"containerd://{hex:64}","gracePeriod":{pick:30|30|30|60|5}}
      {"ts":{ts:epoch},"caller":"topologymanager/scope.go:117","msg":"RemoveContainer","v":0,"containerID":"{hex:64}"}
      {"ts":{ts:epoch},"caller":"record/event.go:307","msg":"Event occurred","v":0,"object":"{ns}/{pod}","fieldPath":"spec.containers{lb}{set:c:{app}}}","kind":"Pod","apiVersion":"v1","type":"Normal","reason":"Pulled","message":"Successfully pulled image \\"{image}\\" in {dur} ({dur} including waiting)"}
      {"ts":{ts:epoch},"caller":"record/event.go:307","msg":"Event occurred","v":0,"object":"{ns}/{pod}","fieldPath":"spec.containers{lb}{set:c:{app}}}","kind":"Pod","apiVersion":"v1","type":"Normal","reason":"Created","message":"Created container {get:c}"}
      {"ts":{ts:epoch},"caller":"record/event.go:307","msg":"Event occurred","v":0,"object":"{ns}/{pod}","fieldPath":"spec.containers{lb}{set:c:{app}}}","kind":"Pod","apiVersion":"v1","type":"Normal","reason":"Started","message":"Started container {get:c}"}
      {"ts":{ts:epoch},"caller":"scheduler/schedule_one.go:286","msg":"Successfully bound pod to node","v":2,"pod":"{ns}/{pod}","node":"node-{int:1:64}","evaluatedNodes":{int:1:64},"feasibleNodes":{int:1:64}}
      {"ts":{ts:epoch},"caller":"scheduler/schedule_one.go:1004","msg":"Unable to schedule pod; no fit; waiting","v":2,"pod":"{ns}/{pod}","err":"0/{int:3:64} nodes are available: {int:1:40} Insufficient {pick:cpu|memory|nvidia.com/gpu}. preemption: 0/{int:3:64} nodes are available: {int:1:64} No preemption victims found for incoming pod."}
      {"ts":{ts:epoch},"caller":"kubelet/pod_startup_latency_tracker.go:102","msg":"Observed pod startup duration","v":0,"pod":"{ns}/{pod}","podStartSLOduration":{float:0.5:60:9},"podStartE2EDuration":"{dur}"}
      {"level":"warn","ts":"{ts:iso}","caller":"wal/wal.go:805","msg":"slow fdatasync","took":"{dur}","expected-duration":"1s"}
      {"level":"info","ts":"{ts:iso}","caller":"mvcc/index.go:214","msg":"compact tree index","revision":{log:1000:99999999}}
      {"level":"info","ts":"{ts:iso}","caller":"mvcc/kvstore_compaction.go:66","msg":"finished scheduled compaction","compact-revision":{log:1000:99999999},"took":"{dur}","hash":{log:1000000:4294967295},"current-db-size":"{float:1:999:1} MB"}
      {"ts":{ts:epoch},"caller":"leaderelection/leaderelection.go:250","msg":"attempting to acquire leader lease {lease}...","v":0}
      {"ts":{ts:epoch},"caller":"leaderelection/leaderelection.go:260","msg":"successfully acquired lease {lease}","v":0}
      {"ts":{ts:epoch},"caller":"leaderelection/leaderelection.go:285","msg":"failed to renew lease {lease}: timed out waiting for the condition","err":"context deadline exceeded"}
      {"level":"info","ts":"{ts:iso}","caller":"controller/controller.go:178","msg":"Starting EventSource","controller":"webapp","controllerGroup":"apps.example.com","controllerKind":"WebApp","source":"kind source: *v1.{pick:Pod|Deployment|Service|ConfigMap|Secret}"}
      {"level":"info","ts":"{ts:iso}","caller":"controller/controller.go:186","msg":"Starting Controller",{ctrl}}
      {"level":"info","ts":"{ts:iso}","caller":"controller/controller.go:220","msg":"Starting workers",{ctrl},"worker count":{pick:1|2|4|10}}
      """;

  private static final String HPC_SCHEDULER =
      """
      [{ts:slurm}] sched: Allocate JobId={job} NodeList={nodelist} #CPUs={pick:1|4|8|16|32|64|128} Partition={part}
      [{ts:slurm}] _slurm_rpc_submit_batch_job: JobId={job} InitPrio={int:1000:4294901759} usec={int:200:20000}
      [{ts:slurm}] _job_complete: JobId={job} WEXITSTATUS {pick:0|0|0|0|1|2|127|137}
      [{ts:slurm}] _job_complete: JobId={job} done
      [{ts:slurm}] launch task StepId={job}.{int:0:9} request from UID:{int:1000:60000} GID:{int:1000:60000} HOST:{ip} PORT:{port}
      [{ts:slurm}] [{job}.batch] done with job
      [{ts:slurm}] backfill: Started JobId={job} in {part} on {nodelist}
      [{ts:slurm}] [{job}.{pick:0|1|2|extern}] task {int:0:63} ({pid}) exited with exit code {int:0:255}.
      [{ts:slurm}] _slurm_rpc_allocate_resources JobId={job} NodeList={pick:{nodelist}|(null)} usec={int:200:20000}
      [{ts:slurm}] _slurm_rpc_update_job: complete JobId={job} uid={int:1000:60000} usec={int:50:5000}
      [{ts:slurm}] gres/gpu: _set_env: JobId={job} CUDA_VISIBLE_DEVICES={rep:1:8:,:{int:0:7}}
      [{ts:slurm}] task/cgroup: _memcg_initialize: job: alloc={int:512:512000}MB mem.limit={int:512:512000}MB memsw.limit={pick:unlimited|{int:512:512000}MB}
      [{ts:slurm}] _slurm_rpc_kill_job: REQUEST_KILL_JOB JobId={job} uid {int:1000:60000}
      [{ts:slurm}] _job_complete: JobId={job} WTERMSIG {pick:9|15|6|11}
      [{ts:slurm}] backfill: beginning
      [{ts:slurm}] backfill: reached end of job queue
      [{ts:slurm}] backfill: completed testing {int:1:5000}(1) jobs, usec={log:100:9000000}
      [{ts:slurm}] Time limit exhausted for JobId={job}
      [{ts:slurm}] error: *** JOB {job} ON {cn} CANCELLED AT {ts:slurmsec} DUE TO TIME LIMIT ***
      [{ts:slurm}] error: *** JOB {job} ON {cn} CANCELLED AT {ts:slurmsec} ***
      [{ts:slurm}] sched: _update_job: setting time_limit to {pick:{int:10:4320}|UNLIMITED} for JobId={job}
      [{ts:slurm}] cleanup_completing: JobId={job} completion process took {int:1:600} seconds
      [{ts:slurm}] update_node: node {cn} state set to {nstate}
      [{ts:slurm}] update_node: node {cn} reason set to: {reason}
      [{ts:slurm}] Node {cn} now responding
      [{ts:slurm}] error: Nodes {nodelist} not responding
      [{ts:slurm}] error: Nodes {nodelist} not responding, setting DOWN
      [{ts:slurm}] Resending TERMINATE_JOB request JobId={job} Nodelist={nodelist}
      [{ts:slurm}] requeue job JobId={job} due to failure of node {cn}
      [{ts:slurm}] power_save: pid {pid} suspending nodes {nodelist}
      [{ts:slurm}] power_save: pid {pid} waking nodes {nodelist}
      [{ts:slurm}] update_part: setting state to {pick:UP|DOWN|DRAIN|INACTIVE} for partition {part}
      [{ts:slurm}] error: slurm_receive_msg [{ip}:{port}]: Zero Bytes were transmitted or received
      [{ts:slurm}] Warning: Note very large processing time from _slurm_rpc_dump_jobs: usec={log:1000000:30000000} began={ts:hms}
      [{ts:slurm}] error: validate_node_specs: Node {cn} appears to have a different slurm.conf than the slurmctld.  This could cause issues with communication and functionality.  Please review both files and make sure they are the same.  If this is expected ignore, and set DebugFlags=NO_CONF_HASH in your slurm.conf.
      """;

  private static final String PYTORCH_NCCL =
      """
      step {int:1:100000}/{pick:5000|20000|100000} | loss {float:0.8:4.5:4} | lr {fmt:%.1e:0.00001:0.0003} | {int:800:90000} tokens/s
      {nccl} NCCL INFO Channel {fmt:%02d:0:31}/0 : {int:0:63}[{int:0:7}] -> {int:0:63}[{int:0:7}] via {pick:P2P/IPC|P2P/CUMEM/read|SHM/direct/direct|P2P/IPC/read}
      {nccl} NCCL INFO Channel {fmt:%02d:0:31}/0 : {int:0:63}[{int:0:7}] -> {int:0:63}[{int:0:7}] [{pick:send|receive}] via NET/{pick:IB|Socket}/{int:0:7}{pick:/GDRDMA|}
      {nccl} NCCL INFO Channel {fmt:%02d:0:15}/{pick:16|24|32} :{rep:2:16::{fmt:%4d:0:63}}
      {nccl} NCCL INFO Trees [0] {tree} [1] {tree}
      {nccl} NCCL INFO comm 0x{hex:12} rank {int:0:63} nranks {pick:8|16|32|64} cudaDev {int:0:7} nvmlDev {int:0:7} busId {busid} commId 0x{hex:16} - Init START
      {nccl} NCCL INFO comm 0x{hex:12} rank {int:0:63} nranks {pick:8|16|32|64} cudaDev {int:0:7} nvmlDev {int:0:7} busId {busid} commId 0x{hex:16} - Init COMPLETE
      [{ts:log4j}][__main__][INFO] - eval step {int:100:100000} | val_loss {float:0.8:4.5:4} | ppl {float:2:90:2}
      {nccl} NCCL INFO Connected all rings
      {nccl} NCCL INFO Connected all trees
      {nccl} NCCL INFO comm 0x{hex:12} rank {int:0:63} nranks {pick:8|16|32|64} cudaDev {int:0:7} busId {busid} - Abort COMPLETE
      {nccl} NCCL INFO comm 0x{hex:12} rank {int:0:63} nranks {pick:8|16|32|64} cudaDev {int:0:7} busId {busid} - Destroy COMPLETE
      {nccl} NCCL INFO Using network {pick:IB|Socket}
      {nccl} NCCL INFO NET/IB : Using {rep:1:8: :[{int:0:7}]mlx5_{int:0:11}:1/{pick:IB|RoCE}} ; OOB {pick:ib0|eth0|ens5}:{ip}<0>
      {nccl} NCCL INFO Bootstrap : Using {pick:eth0|ib0|ens5}:{ip}<0>
      {nccl} NCCL INFO {int:1:32} coll channels, {int:0:16} nvls channels, {int:1:32} p2p channels, {int:1:32} p2p channels per peer
      {nccl} NCCL INFO Setting affinity for GPU {int:0:7} to {hex:4},{rep:1:3:,:{hex:8}}
      [rank{set:r:{int:0:63}}]:[E{ts:glog} ProcessGroupNCCL.cpp:616] [Rank {get:r}] Watchdog caught collective operation timeout: WorkNCCL(SeqNum={int:1:999999}, OpType={optype}, NumelIn={log:1:999999999}, NumelOut={log:1:999999999}, Timeout(ms)={pick:600000|1800000}) ran for {int:600000:1800500} milliseconds before timing out.
      [rank{set:r:{int:0:63}}]:[E{ts:glog} ProcessGroupNCCL.cpp:1537] [PG {int:0:3} Rank {get:r}] Timeout at NCCL work: {int:1:999999}, last enqueued NCCL work: {int:1:999999}, last completed NCCL work: {int:1:999999}.
      [rank{set:r:{int:0:63}}]:[W{ts:glog} ProcessGroupNCCL.cpp:4115] [PG ID 0 PG GUID 0 Rank {get:r}]  using GPU {int:0:7} to perform barrier as devices used by this process are currently unknown. This can potentially cause a hang if this rank to GPU mapping is incorrect.Specify device_ids in barrier() to force use of a particular device,or call init_process_group() with a device_id.
      [{ts:log4j}][__main__][INFO] - Saving checkpoint to /checkpoints/{pick:llama-7b|gpt-neo|vit-large}/step_{fmt:%07d:500:5000000}.pt
      [{ts:log4j}][__main__][INFO] - Loading checkpoint from /checkpoints/{pick:llama-7b|gpt-neo|vit-large}/step_{fmt:%07d:500:5000000}.pt
      [{ts:log4j}][__main__][WARNING] - Gradient norm is {pick:nan|inf|{float:100:99999:2}}, skipping update at step {int:1:100000}
      {nccl} NCCL INFO NCCL_SOCKET_IFNAME set by environment to {pick:eth0|ib0|^docker,lo|ens5}
      {nccl} NCCL INFO cudaDriverVersion {pick:12020|12040|12060}
      {nccl} NCCL INFO NCCL version 2.{int:18:23}.{int:1:5}+cuda12.{int:1:6}
      {nccl} NCCL WARN NET/Socket : peer {ip}<{port}> shutdown
      {nccl} NCCL INFO [Service thread] Connection closed by localRank {int:0:7}
      W{ts:glogus} {pid} torch/distributed/run.py:793] Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed.
      I{ts:glogus} {pid} torch/distributed/elastic/agent/server/api.py:677] [default] Starting worker group
      I{ts:glogus} {pid} torch/distributed/elastic/agent/server/api.py:870] [default] worker group successfully finished. Waiting 300 seconds for other agents to finish.
      W{ts:glogus} {pid} torch/distributed/elastic/multiprocessing/api.py:897] Sending process {pid} closing signal SIGTERM
      E{ts:glogus} {pid} torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: {pick:1|-6|-9|-11|-15}) local_rank: {int:0:7} (pid: {pid}) of binary: {pick:/usr/bin/python3|/opt/conda/bin/python|/usr/bin/python}
      [rank{int:0:63}]:[W{ts:glog} ProcessGroupNCCL.cpp:1250] Warning: WARNING: process group has NOT been destroyed before we destruct ProcessGroupNCCL. On normal program exit, the application should call destroy_process_group to ensure that any pending NCCL operations have finished in this process. In rare cases this process can exit before this point and block the progress of another member of the process group. This constraint has always been present,  but this warning has only been added since PyTorch 2.4 (function operator())
      [rank{int:0:63}]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate {float:0.02:20:2} GiB. GPU {int:0:7} has a total capacity of 79.10 GiB of which {float:1:999:2} MiB is free. Including non-PyTorch memory, this process has {float:60:79:2} GiB memory in use. Of the allocated memory {float:40:78:2} GiB is allocated by PyTorch, and {float:10:999:2} MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)
      """;

  private static final String HDFS =
      """
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$PacketResponder: PacketResponder {int:0:2} for block {blk} terminating
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$PacketResponder: Received block {blk} of size {blksize} from /{dn}
      {ts:hdfs} {log:1:3500} INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: {dn}:50010 is added to {blk} size {blksize}
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$DataXceiver: Receiving block {blk} src: /{set:a:{dn}}:{port} dest: /{get:a}:50010
      {ts:hdfs} {log:1:3500} INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/root/{pick:rand|randtxt|sortrand}/_temporary/_task_{int:200811092030:200811102359}_{fmt:%04d:1:9999}_{pick:m|r}_{fmt:%06d:0:999999}_{int:0:3}/part-{fmt:%05d:0:99999}. {blk}
      {ts:hdfs} {log:1:3500} INFO dfs.FSDataset: Deleting block {set:b:{blk}} file /mnt/hadoop/dfs/data/current/{pick:|subdir{int:0:63}/|subdir{int:0:63}/subdir{int:0:63}/}{get:b}
      {ts:hdfs} {log:1:3500} INFO dfs.FSNamesystem: BLOCK* NameSystem.delete: {blk} is added to invalidSet of {dn}:50010
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode: {dn}:50010 Served block {blk} to /{dn}
      {ts:hdfs} {log:1:3500} WARN dfs.DataNode$DataXceiver: {dn}:50010:Got exception while serving {blk} to /{dn}:
      {ts:hdfs} {log:1:3500} INFO dfs.DataBlockScanner: Verification succeeded for {blk}
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$DataXceiver: writeBlock {blk} received exception java.io.IOException: Could not read from stream
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$PacketResponder: PacketResponder {blk} {int:0:2} Exception java.io.IOException: {pick:Broken pipe|Connection reset by peer|The stream is closed}
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$PacketResponder: PacketResponder {int:0:2} for block {blk} Interrupted.
      {ts:hdfs} {log:1:3500} INFO dfs.FSNamesystem: BLOCK* ask {dn}:50010 to replicate {blk} to datanode(s) {rep:1:3: :{dn}:50010}
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode: {dn}:50010 Starting thread to transfer block {blk} to {dn}:50010
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$DataTransfer: {dn}:50010:Transmitted block {blk} to /{dn}:50010
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$DataXceiver: Received block {blk} src: /{set:a:{dn}}:{port} dest: /{get:a}:50010 of size {blksize}
      {ts:hdfs} {log:1:3500} INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: Redundant addStoredBlock request received for {blk} on {dn}:50010 size {blksize}
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$BlockReceiver: Exception in receiveBlock for block {blk} java.io.IOException: Connection reset by peer
      {ts:hdfs} {log:1:3500} WARN dfs.DataBlockScanner: Verification failed for {blk}
      {ts:hdfs} {log:1:3500} WARN dfs.FSDataset: Unexpected error trying to delete block {blk}. BlockInfo not found in volumeMap.
      {ts:hdfs} {log:1:3500} INFO dfs.FSNamesystem: BLOCK* Removing block {blk} from neededReplications as it does not belong to any file.
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$BlockReceiver: Receiving empty packet for block {blk}
      {ts:hdfs} {log:1:3500} INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: addStoredBlock request received for {blk} on {dn}:50010 size {blksize} But it does not belong to any file.
      {ts:hdfs} {log:1:3500} WARN dfs.DataNode: {dn}:50010:Failed to transfer {blk} to {dn}:50010 got java.net.SocketException: Connection reset
      {ts:hdfs} {log:1:3500} INFO dfs.DataNode$BlockReceiver: Changing block file offset of block {blk} from {int:0:67108864} to {int:0:67108864} meta file offset to {int:0:525000}
      """;

  private static final String WINDOWS =
      """
      {ts:cbs}, Info                  CBS    Read out cached package applicability for package: {kbpkg}, ApplicableState: {pick:112|80|0}, CurrentState:{pick:112|0|80}
      {ts:cbs}, Info                  CBS    Session: {sess} initialized by client {pick:WindowsUpdateAgent|WindowsUpdateAgent|UpdateAgentLCU}.
      {ts:cbs}, Info                  CBS    Warning: Unrecognized packageExtended attribute.
      {ts:cbs}, Info                  CBS    Expecting attribute name [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]
      {ts:cbs}, Info                  CBS    Failed to get next element [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]
      {ts:cbs}, Info                  CBS    Failed to internally open package. [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]
      {ts:cbs}, Info                  CSI    {hex:8} CSI Store {int:1000000:99999999} (0x{hex:16}) initialized
      {ts:cbs}, Info                  CBS    Appl: detect Parent, Package: {kbpkg}, Parent: Microsoft-Windows-{pick:Foundation|Client-Features|ServerStandardEdition}-Package~31bf3856ad364e35~amd64~~6.1.7601.{int:17514:24000}, Disposition = Detect, VersionComp: EQ, ServiceComp: GE, BuildComp: GE, DistributionComp: GE, RevisionComp: GE, Exist: present
      {ts:cbs}, Info                  CBS    Plan: Package: {kbpkg}, current: {cbsstate}, pending: Default, start: {cbsstate}, applicable: {cbsstate}, targeted: {cbsstate}, limit: {cbsstate}, selected: Default
      {ts:cbs}, Info                  CSI    {hex:8}@{ts:csi} WcpInitialize (wcp.dll version 0.0.0.6) called (stack {rep:3:8: :@0x{hex:11}})
      {ts:cbs}, Info                  CSI    {hex:8} IAdvancedInstallerAwareStore_ResolvePendingTransactions (call {int:1:9}) (flags = 00000004, progress = NULL, phase = 0, pdwDisposition = @0x{hex:6}
      {ts:cbs}, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: {sess}, Package: {kbpkg}
      {ts:cbs}, Info                  CBS    Exec: Processing complete.  Session: {sess}, Package: {kbpkg} [HRESULT = 0x00000000 - S_OK]
      {ts:cbs}, Info                  CSI    {hex:8} Creating NT transaction (seq {int:1:9}), objectname [6]"(null)"
      {ts:cbs}, Info                  CSI    {hex:8} Created NT transaction (seq {int:1:9}) result 0x00000000, handle @0x{hex:3}
      {ts:cbs}, Info                  CSI    {hex:8}@{ts:csi} Beginning NT transaction commit...
      {ts:cbs}, Info                  CSI    {hex:8}@{ts:csi} CSI perf trace:
      {ts:cbs}, Info                  CSI    {hex:8} Poqexec successfully registered in [ml:26{13},l:24{12}]"\\SystemRoot\\WinSxS\\poqexec.exe"
      {ts:cbs}, Info                  CBS    Reboot mark set
      {ts:cbs}, Info                  CBS    Reboot mark cleared
      {ts:cbs}, Info                  CBS    Enabling LKG boot option
      {ts:cbs}, Info                  CBS    Disabling LKG boot option
      {ts:cbs}, Info                  CBS    Session: {sess} finalized. Reboot required: {pick:no|no|yes} [HRESULT = 0x00000000 - S_OK]
      {ts:cbs}, Info                  CBS    SQM: Initializing online with Windows opt-in: {pick:False|True}
      {ts:cbs}, Info                  CBS    SQM: Cleaning up report files older than {pick:10|30} days.
      {ts:cbs}, Info                  CBS    SQM: Failed to start upload with file pattern: C:\\Windows\\servicing\\sqm\\*_std.sqm, flags: 0x2 [HRESULT = 0x80004005 - E_FAIL]
      {ts:cbs}, Info                  CBS    SQM: Queued {int:0:12} file(s) for upload with pattern: C:\\Windows\\servicing\\sqm\\*_all.sqm, flags: 0x6
      {ts:cbs}, Info                  CBS    Loaded Servicing Stack v6.1.7601.{set:v:{int:17514:24000}} with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.{get:v}_none_{hex:16}\\cbscore.dll
      {ts:cbs}, Info                  CBS    Starting TrustedInstaller initialization.
      {ts:cbs}, Info                  CBS    Ending TrustedInstaller initialization.
      {ts:cbs}, Info                  CBS    Starting the TrustedInstaller main loop.
      {ts:cbs}, Info                  CBS    TrustedInstaller service starts successfully.
      {ts:cbs}, Info                  CBS    Perf: InstallUninstallChain complete.
      {ts:cbs}, Warning               CBS    Failed to get session {sess} from the session manager. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
      {ts:cbs}, Error                 CBS    Failed to resolve package '{kbpkg}' [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]
      {ts:cbs}, Error                 CSI    {hex:8} (F) STATUS_SXS_ASSEMBLY_MISSING #{int:1000:999999}# from Windows::ServicingAPI::CCSITransaction::ICSITransaction_PinDeployment(Flags = 0, a = {pick:Microsoft-Windows-Foundation|Microsoft-Windows-Shell}, version 6.1.7601.{int:17514:24000}, arch amd64, nonSxS, pkt {lb}l:8 b:31bf3856ad364e35}, cb = (null), s = (null), rid = '{kbpkg}.CBS', rah = '{int:1:3}', manpath = (null), catpath = (null), ed = 0, disp = 0)[gle=0xd015000c]
      """;

  // Value pools, one per line: "name = a|b|c" is a named {pick:a|b|c}; a line starting with '|'
  // continues the pool above. User and host names carry no digits.
  private static final String POOL_TEXT =
      """
      user = alice|bob|carol|dave|erin|frank|grace|heidi|ivan|judy|mallory|oscar|peggy|trent|victor
        |walter|root|admin|ubuntu|deploy|jenkins|git|postgres|mysql|www-data|nginx|backup|oracle
        |hadoop|spark|ansible|nagios|test|guest|operator|svc-backup
      host = db-primary|db-replica|gateway.example.com|web-frontend|cache-east|cache-west|auth.internal
        |mail.example.org|build-agent|bastion|api.example.com|monitor|ldap.corp.example.net|vault
        |queue-broker|storage-gw
      ua = Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36
        |Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1
        |Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0
        |curl/8.4.0|python-requests/2.31.0|Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)
      ref = -|-|-|https://shop.example.com/|https://shop.example.com/cart|https://www.google.com/
        |https://shop.example.com/search?q={word}
      word = shoes|laptop+bag|coffee|headphones|winter+jacket|desk+lamp|yoga+mat|backpack
      unit = nginx.service|docker.service|containerd.service|ssh.service|cron.service|apt-daily.service
        |apt-daily-upgrade.service|logrotate.service|fstrim.service|man-db.service|postgresql.service
        |kubelet.service|systemd-tmpfiles-clean.service|certbot.service|snapd.service
        |unattended-upgrades.service|user@{int:1000:1010}.service
      cmd = command -v debian-sa1 > /dev/null && debian-sa1 1 1|cd / && run-parts --report /etc/cron.hourly
        |/usr/local/bin/backup.sh --incremental|flock -n /tmp/sync.lock /usr/local/bin/sync-assets
        |/usr/bin/php /var/www/html/cron.php > /dev/null 2>&1
        |[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi
      sudocmd = /usr/bin/systemctl restart {unit}|/usr/bin/apt-get update|/usr/bin/journalctl -u {unit} -f
        |/usr/bin/tail -n 200 /var/log/syslog|/bin/bash
      iface = eth0|eth1|eno1|ens3|enp3s0
      pid = {int:300:99999}
      tid = {log:139600000000000:140737488355327}
      topic = orders|payments|inventory|audit-events|user-signups|clickstream
      frame = com.example.shop.orders.OrderService.placeOrder(OrderService.java:{int:40:400})
        |com.example.shop.web.OrderController.create(OrderController.java:{int:30:200})
        |com.example.shop.payment.PaymentClient.charge(PaymentClient.java:{int:50:300})
        |org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)
        |org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:{int:150:200})
        |com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:{int:150:190})
        |jdk.internal.reflect.GeneratedMethodAccessor{int:10:400}.invoke(Unknown Source)
        |java.base/java.lang.Thread.run(Thread.java:{pick:833|840|1583})
        |org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61)
      exc = java.net.SocketTimeoutException: Read timed out|java.io.IOException: Broken pipe
        |java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null
        |java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after {int:1000:30000}ms.
        |java.lang.IllegalStateException: Order {int:1:999999} is already {pick:shipped|cancelled}
        |org.apache.kafka.common.errors.TimeoutException: Topic {topic} not present in metadata after 60000 ms.
        |java.util.concurrent.TimeoutException
      yarnstate = NEW|NEW_SAVING|SUBMITTED|ACCEPTED|RUNNING|FINAL_SAVING|FINISHED|FAILED|KILLED
      yarnevent = APP_ACCEPTED|START|ATTEMPT_REGISTERED|ATTEMPT_UNREGISTERED|ATTEMPT_FINISHED|APP_UPDATE_SAVED|KILL
      ctstate = NEW|ALLOCATED|ACQUIRED|RUNNING|COMPLETED|RELEASED|KILLED|EXPIRED
      app = api|web|worker|billing|checkout|search|coredns|ingress-nginx-controller|metrics-server|redis|postgres
      ns = default|kube-system|payments|monitoring|ingress-nginx|staging|production|cert-manager
      pod = {app}-{alnum:10}-{alnum:5}|{app}-{alnum:5}|{app}-{int:0:5}
      image = nginx:1.25.{int:0:4}|registry.example.com/shop/{app}:v{int:1:3}.{int:0:20}|busybox:latest|postgres:16.{int:0:4}
      lease = kube-system/kube-scheduler|kube-system/kube-controller-manager|{ns}/webapp-operator-lock
      rerr = Operation cannot be fulfilled on deployments.apps \\"{app}\\": the object has been modified; please apply your changes to the latest version and try again
        |services \\"{app}\\" not found|context deadline exceeded
        |Internal error occurred: failed calling webhook \\"webhook.cert-manager.io\\": failed to call webhook: Post \\"https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=10s\\": dial tcp {ip}:10250: connect: connection refused
      ctrl = "controller":"webapp","controllerGroup":"apps.example.com","controllerKind":"WebApp"
        |"controller":"database","controllerGroup":"apps.example.com","controllerKind":"Database"
        |"controller":"cache","controllerGroup":"apps.example.com","controllerKind":"Cache"
      job = {int:100000:9999999}
      cn = cn{fmt:%03d:1:512}
      part = gpu|cpu|debug|long|bigmem|preempt
      nstate = IDLE|DOWN|DRAIN|DRAINING|RESUME|FAIL|FAILING|MIXED|ALLOCATED|COMPLETING|POWER_DOWN|POWERED_DOWN
      reason = Not responding|Kill task failed|NHC: check_fs_mount: /scratch not mounted|hw maintenance
        |GPU XID error|batch job complete failure|Prolog error
      nccl = node-{int:1:64}:{pid}:{pid} [{int:0:7}]
      tree = {int:-1:63}/-1/-1->{int:0:63}->{int:-1:63}
      busid = 18000|2a000|3a000|5d000|9a000|ab000|ba000|db000
      optype = ALLREDUCE|ALLGATHER|_ALLGATHER_BASE|_REDUCE_SCATTER_BASE|REDUCE_SCATTER|BROADCAST|COALESCED|SEND|RECV
      dn = 10.{int:250:251}.{int:0:255}.{int:1:254}
      blksize = 67108864|67108864|67108864|{int:1024:67108863}
      kbpkg = Package_for_KB{int:2000000:4999999}~31bf3856ad364e35~amd64~~6.1.{int:1:4}.{int:0:12}
        |Package_{int:1:999}_for_KB{int:2000000:4999999}~31bf3856ad364e35~amd64~~6.1.{int:1:4}.{int:0:12}
        |Microsoft-Windows-{pick:IE-Troubleshooters|Printing-XPSServices|MediaPlayback-OC}-Package~31bf3856ad364e35~amd64~~6.1.7601.{int:17514:24000}
      sess = {int:30500000:30599999}_{int:1000000000:4294967295}
      cbsstate = Installed|Staged|Absent|Resolved|Superseded|Default
      proot = /var/log|/srv/data|/home/{user}|/opt/app|/tmp|/mnt/scratch/{user}|/data|/var/www/html
      pdir = cache|build|reports|2026|tmp|shard-{int:0:63}|v{int:1:9}|images|logs|exports|archive
      pfile = data-{int:0:999}.parquet|app.log|config.yaml|index.html|part-{fmt:%05d:0:99999}
        |report_{int:1:31}.csv|backup.tar.gz|README.md
      """;

  private static final Map<String, List<String>> POOLS = parsePools(POOL_TEXT);

  private static final Map<String, DateTimeFormatter> CLOCKS =
      Map.ofEntries(
          Map.entry("log4j", clock("yyyy-MM-dd HH:mm:ss,SSS")),
          Map.entry("iso", clock("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")),
          Map.entry("syslog", clock("MMM ppd HH:mm:ss")),
          Map.entry("clf", clock("dd/MMM/yyyy:HH:mm:ss Z")),
          Map.entry("apache", clock("EEE MMM dd HH:mm:ss.SSSSSS yyyy")),
          Map.entry("nginx", clock("yyyy/MM/dd HH:mm:ss")),
          Map.entry("slurm", clock("yyyy-MM-dd'T'HH:mm:ss.SSS")),
          Map.entry("slurmsec", clock("yyyy-MM-dd'T'HH:mm:ss")),
          Map.entry("hms", clock("HH:mm:ss.SSS")),
          Map.entry("glog", clock("MMdd HH:mm:ss.SSS")),
          Map.entry("glogus", clock("MMdd HH:mm:ss.SSSSSS")),
          Map.entry("hdfs", clock("yyMMdd HHmmss")),
          Map.entry("cbs", clock("yyyy-MM-dd HH:mm:ss")),
          Map.entry("csi", clock("yyyy/M/d:HH:mm:ss.SSS")));

  private static final Map<String, Style> STYLES =
      Map.of(
          "log4j", new Style(LocalDateTime.of(2026, 11, 1, 0, 0), LOG4J),
          "syslog", new Style(LocalDateTime.of(2026, 6, 1, 0, 0), SYSLOG),
          "http-access", new Style(LocalDateTime.of(2026, 10, 1, 0, 0), HTTP_ACCESS),
          "k8s-json", new Style(LocalDateTime.of(2026, 11, 1, 0, 0), K8S_JSON),
          "hpc-scheduler", new Style(LocalDateTime.of(2026, 3, 1, 0, 0), HPC_SCHEDULER),
          "pytorch-nccl", new Style(LocalDateTime.of(2026, 11, 1, 0, 0), PYTORCH_NCCL),
          "hdfs", new Style(LocalDateTime.of(2008, 11, 9, 0, 0), HDFS),
          "windows", new Style(LocalDateTime.of(2016, 9, 1, 0, 0), WINDOWS));

  private LogStyles() {}

  /**
   * The style names, in this order: "log4j", "syslog", "http-access", "k8s-json", "hpc-scheduler",
   * "pytorch-nccl", "hdfs", "windows".
   */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * {@code count} lines of the style, deterministic in {@code seed} (java.util.SplittableRandom),
   * never touching I/O. Event ids are "style/E1".."style/En" in template order; E1 is the most
   * frequent. Returns a fresh list owned by the caller.
   */
  public static List<Labeled> lines(String style, long seed, int count) {
    Style s = STYLES.get(style);
    if (s == null) {
      throw new IllegalArgumentException("unknown log style: " + style);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    LocalDateTime start = s.start().plusDays(rnd.nextInt(28)).plusSeconds(rnd.nextInt(86_400));
    Filler filler = new Filler(rnd, start);
    List<Labeled> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      filler.tick();
      int e = s.draw(rnd.nextDouble());
      out.add(new Labeled(filler.line(s.templates().get(e)), style + "/E" + (e + 1)));
    }
    return out;
  }

  private static Map<String, List<String>> parsePools(String text) {
    Map<String, String> joined = new LinkedHashMap<>();
    String name = null;
    for (String line : text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
      if (line.startsWith("|")) {
        joined.merge(name, line, String::concat);
      } else {
        int eq = line.indexOf(" = ");
        name = line.substring(0, eq);
        joined.put(name, line.substring(eq + 3));
      }
    }
    Map<String, List<String>> pools = new HashMap<>();
    joined.forEach((key, options) -> pools.put(key, splitTop(options, '|')));
    return Map.copyOf(pools);
  }

  private static boolean opens(String t, int i) {
    return t.charAt(i) == '{'
        && i + 1 < t.length()
        && t.charAt(i + 1) >= 'a'
        && t.charAt(i + 1) <= 'z';
  }

  /** Splits on {@code sep} outside nested placeholders. */
  private static List<String> splitTop(String s, char sep) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int j = 0; j < s.length(); j++) {
      if (opens(s, j)) {
        depth++;
      } else if (s.charAt(j) == '}' && depth > 0) {
        depth--;
      } else if (s.charAt(j) == sep && depth == 0) {
        parts.add(s.substring(from, j));
        from = j + 1;
      }
    }
    parts.add(s.substring(from));
    return parts;
  }

  private static DateTimeFormatter clock(String pattern) {
    return DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH);
  }

  /** One style's templates; template i (0-based) of n has weight 1 / (i + 1) + 1 / n. */
  private record Style(LocalDateTime start, List<String> templates, double[] cumulative) {
    Style(LocalDateTime start, String block) {
      this(start, block.lines().filter(l -> !l.isBlank()).toList(), null);
    }

    Style {
      if (templates.size() < 15 || templates.size() > 40) {
        throw new IllegalStateException("a style needs 15 to 40 templates: " + templates.size());
      }
      cumulative = new double[templates.size()];
      double sum = 0;
      for (int i = 0; i < cumulative.length; i++) {
        sum += 1.0 / (i + 1) + 1.0 / cumulative.length;
        cumulative[i] = sum;
      }
      for (int i = 0; i < cumulative.length; i++) {
        cumulative[i] /= sum;
      }
    }

    int draw(double u) {
      for (int i = 0; i < cumulative.length - 1; i++) {
        if (u < cumulative[i]) {
          return i;
        }
      }
      return cumulative.length - 1;
    }
  }

  /** Fills templates from one random stream and a clock that moves forward line by line. */
  private static final class Filler {
    private static final String HEX = "0123456789abcdef";
    private static final String K8S_ALNUM = "bcdfghjklmnpqrstvwxz2456789";
    private static final String B64 =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private final SplittableRandom rnd;
    private final Map<String, String> vars = new HashMap<>();
    private LocalDateTime now;

    Filler(SplittableRandom rnd, LocalDateTime start) {
      this.rnd = rnd;
      this.now = start;
    }

    /** Advances the clock: mostly bursts of a few milliseconds, sometimes seconds. */
    void tick() {
      double u = rnd.nextDouble();
      now = now.plusNanos((long) (u * u * u * 3e9) + rnd.nextLong(1_000, 1_000_000));
    }

    /** Fills one line's template; {set}/{get} bindings live for that line only. */
    String line(String template) {
      vars.clear();
      return fill(template);
    }

    private String fill(String template) {
      StringBuilder out = new StringBuilder(template.length() + 64);
      int i = 0;
      while (i < template.length()) {
        if (opens(template, i)) {
          int end = closing(template, i);
          out.append(expand(template.substring(i + 1, end)));
          i = end + 1;
        } else {
          out.append(template.charAt(i++));
        }
      }
      return out.toString();
    }

    private static int closing(String t, int open) {
      int depth = 0;
      for (int j = open; j < t.length(); j++) {
        if (opens(t, j)) {
          depth++;
        } else if (t.charAt(j) == '}' && --depth == 0) {
          return j;
        }
      }
      throw new IllegalArgumentException("unclosed placeholder in: " + t);
    }

    private String expand(String spec) {
      int colon = spec.indexOf(':');
      String name = colon < 0 ? spec : spec.substring(0, colon);
      String arg = colon < 0 ? "" : spec.substring(colon + 1);
      String[] a = arg.split(":", -1);
      return switch (name) {
        case "int" -> Long.toString(uniform(Long.parseLong(a[0]), Long.parseLong(a[1])));
        case "log" -> Long.toString(logUniform(Long.parseLong(a[0]), Long.parseLong(a[1])));
        case "float" -> format("%." + a[2] + "f", between(a[0], a[1]));
        case "fmt" -> number(a[0], a[1], a[2]);
        case "hex" -> chars(HEX, Integer.parseInt(a[0]));
        case "uhex" -> chars(HEX, Integer.parseInt(a[0])).toUpperCase(Locale.ROOT);
        case "alnum" -> chars(K8S_ALNUM, Integer.parseInt(a[0]));
        case "b64" -> chars(B64, Integer.parseInt(a[0]));
        case "uuid" ->
            chars(HEX, 8)
                + "-"
                + chars(HEX, 4)
                + "-4"
                + chars(HEX, 3)
                + "-"
                + chars("89ab", 1)
                + chars(HEX, 3)
                + "-"
                + chars(HEX, 12);
        case "ip" -> ip();
        case "port" -> Long.toString(uniform(1024, 65535));
        case "mac" ->
            String.join(
                ":",
                chars(HEX, 2),
                chars(HEX, 2),
                chars(HEX, 2),
                chars(HEX, 2),
                chars(HEX, 2),
                chars(HEX, 2));
        case "blk" ->
            "blk_"
                + (rnd.nextBoolean() ? "-" : "")
                + rnd.nextLong(100_000_000_000_000_000L, Long.MAX_VALUE);
        case "dur" -> duration();
        case "bytes" -> bytes();
        case "nodelist" -> nodeList();
        case "path" -> path();
        case "pick" -> {
          List<String> options = splitTop(arg, '|');
          yield fill(options.get(rnd.nextInt(options.size())));
        }
        case "rep" -> repeat(arg);
        case "ts" -> timestamp(arg);
        case "lb" -> "{";
        case "set" -> {
          int cut = arg.indexOf(':');
          String value = fill(arg.substring(cut + 1));
          vars.put(arg.substring(0, cut), value);
          yield value;
        }
        case "get" -> {
          String value = vars.get(arg);
          if (value == null) {
            throw new IllegalArgumentException("{get:" + arg + "} before its {set}");
          }
          yield value;
        }
        default -> {
          List<String> pool = POOLS.get(name);
          if (pool == null) {
            throw new IllegalArgumentException("unknown placeholder: {" + spec + "}");
          }
          yield fill(pool.get(rnd.nextInt(pool.size())));
        }
      };
    }

    private long uniform(long lo, long hi) {
      return rnd.nextLong(lo, hi + 1);
    }

    private double between(String lo, String hi) {
      double low = Double.parseDouble(lo);
      return low + rnd.nextDouble() * (Double.parseDouble(hi) - low);
    }

    /** Log-uniform in [lo, hi] (lo >= 1): as many 3-digit values as 7-digit ones. */
    private long logUniform(long lo, long hi) {
      double v = Math.exp(Math.log(lo) + rnd.nextDouble() * (Math.log(hi) - Math.log(lo)));
      return Math.max(lo, Math.min(hi, Math.round(v)));
    }

    private static String format(String pattern, Object value) {
      return String.format(Locale.ROOT, pattern, value);
    }

    /** {fmt:%...:lo:hi}: floating conversions get a double, the others a long. */
    private String number(String pattern, String lo, String hi) {
      char conversion = pattern.charAt(pattern.length() - 1);
      if ("feEgG".indexOf(conversion) >= 0) {
        return format(pattern, between(lo, hi));
      }
      return format(pattern, uniform(Long.parseLong(lo), Long.parseLong(hi)));
    }

    private String chars(String alphabet, int n) {
      StringBuilder sb = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      return sb.toString();
    }

    /** Mostly private addresses, some public ones. */
    private String ip() {
      int kind = rnd.nextInt(10);
      int c = rnd.nextInt(256);
      int d = rnd.nextInt(1, 255);
      if (kind < 5) {
        return "10." + rnd.nextInt(256) + "." + c + "." + d;
      } else if (kind < 7) {
        return "192.168." + c + "." + d;
      } else if (kind < 8) {
        return "172." + rnd.nextInt(16, 32) + "." + c + "." + d;
      }
      int a = rnd.nextInt(1, 224);
      while (a == 10 || a == 127 || a == 172 || a == 192) {
        a = rnd.nextInt(1, 224);
      }
      return a + "." + rnd.nextInt(256) + "." + c + "." + d;
    }

    /** A Go time.Duration string between 20µs and 30s. */
    private String duration() {
      double ms = Math.exp(Math.log(0.02) + rnd.nextDouble() * (Math.log(30_000) - Math.log(0.02)));
      if (ms < 1) {
        return format("%.1f\u00b5s", ms * 1000);
      } else if (ms < 1000) {
        return format("%.3fms", ms);
      }
      return format("%.3fs", ms / 1000);
    }

    private String bytes() {
      double kib = Math.exp(rnd.nextDouble() * Math.log(64.0 * 1024 * 1024));
      if (kib < 1024) {
        return format("%.1fKiB", kib);
      } else if (kib < 1024 * 1024) {
        return format("%.1fMiB", kib / 1024);
      }
      return format("%.1fGiB", kib / 1024 / 1024);
    }

    /** A Slurm host list: cn042, cn[012-015] or cn[001,005-007]; mostly few nodes. */
    private String nodeList() {
      double u = rnd.nextDouble();
      int n = 1 + (int) (u * u * 16);
      int first = rnd.nextInt(1, 480);
      if (n == 1) {
        return format("cn%03d", first);
      } else if (n < 3 || rnd.nextInt(4) > 0) {
        return String.format(Locale.ROOT, "cn[%03d-%03d]", first, first + n - 1);
      }
      int gap = rnd.nextInt(2, 9);
      return String.format(
          Locale.ROOT, "cn[%03d,%03d-%03d]", first, first + gap, first + gap + n - 2);
    }

    /** An absolute file path of depth 2 to 5 (below its root). */
    private String path() {
      StringBuilder sb = new StringBuilder(expand("proot"));
      for (int depth = rnd.nextInt(4); depth > 0; depth--) {
        sb.append('/').append(expand("pdir"));
      }
      return sb.append('/').append(expand("pfile")).toString();
    }

    /** {rep:min:max:sep:template}: min..max fillings of the template joined by sep. */
    private String repeat(String arg) {
      String[] head = arg.split(":", 4);
      long n = uniform(Long.parseLong(head[0]), Long.parseLong(head[1]));
      StringBuilder sb = new StringBuilder();
      for (long i = 0; i < n; i++) {
        sb.append(i == 0 ? "" : head[2]).append(fill(head[3]));
      }
      return sb.toString();
    }

    private String timestamp(String clock) {
      if (clock.equals("epoch")) {
        return now.toEpochSecond(ZoneOffset.UTC) + format(".%06d", now.getNano() / 1000);
      }
      DateTimeFormatter formatter = CLOCKS.get(clock);
      if (formatter == null) {
        throw new IllegalArgumentException("unknown clock: " + clock);
      }
      return formatter.format(now.atOffset(ZoneOffset.UTC));
    }
  }
}
