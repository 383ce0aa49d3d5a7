package org.vigil.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.LongFunction;

/**
 * The benchmark's event stream: benign Windows logons, Suricata flows and alerts, web access lines and firewall
 * connections from a fixed population of clients, with about one event in a hundred belonging to a complete attack
 * that a shipped rule detects, each attack from its own source address.
 *
 * <p>Events are written as the sensors write them (Winlogbeat JSON, Suricata EVE, Apache combined log lines, ECS
 * JSON from a firewall integration) and timed at the moment they are drawn, so event time follows the wall clock
 * as in production. Benign traffic is shaped so that no rule fires on it: each client talks to one server on one
 * port, logs on as its own user to one host, and only a few service hosts fail logons (without ever succeeding).
 * Not thread-safe.
 */
public final class BenchEventMix {
    public static final String WINDOWS_TOPIC = "soc.events.windows";
    public static final String SURICATA_TOPIC = "soc.events.suricata";
    public static final String WEB_TOPIC = "soc.events.web";
    public static final String FIREWALL_TOPIC = "soc.events.ecs";
    /** The topics the mix writes, each read by the job with its own format. */
    public static final List<String> TOPICS = List.of(WINDOWS_TOPIC, SURICATA_TOPIC, WEB_TOPIC, FIREWALL_TOPIC);

    /** Share of events that belong to attacks. */
    public static final double ATTACK_SHARE = 0.01;
    private static final int CLIENTS = 5000;
    private static final int FAILING_SERVICE_HOSTS = 20;
    private static final String E_PORTAL = "10.10.5.20";
    private static final int[] SCAN_PORTS = {21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 389, 443, 445, 993,
        995, 1433, 3306, 3389, 5900};
    private static final DateTimeFormatter SURICATA_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ACCESS_LOG_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** Apache's {@code %{%d/%b/%Y:%H:%M:%S}t.%{msec_frac}t %{%z}t}: the same time with its milliseconds. */
    private static final DateTimeFormatter ACCESS_LOG_TIME_MILLIS =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The attacks the mix injects: the rule that must alert on each and how it is built. */
    public enum AttackKind {
        BRUTE_FORCE("vigil-brute-force-then-success"),
        PORT_SCAN("vigil-network-service-scan"),
        IDS_BURST("vigil-ids-alert-burst"),
        WEB_INJECTION("vigil-web-injection-burst-answered");

        private final String ruleId;

        AttackKind(String ruleId) {
            this.ruleId = ruleId;
        }

        public String ruleId() {
            return ruleId;
        }
    }

    /** One injected attack: the rule that must alert, the source address it comes from (its entity), its number. */
    public record Attack(int number, AttackKind kind, String entity) {
        public String ruleId() {
            return kind.ruleId();
        }
    }

    /**
     * A record to produce; {@code attack} is set for attack events, and {@code completes} for the event that
     * completes its attack (the one after which the rule must alert).
     */
    public record Event(String topic, byte[] value, Attack attack, boolean completes) {}

    /** An attack event not yet produced, due at a wall-clock time. */
    private record Due(long dueMillis, long sequence, String topic, LongFunction<String> text, Attack attack,
                       boolean completes) {}

    private final Random random;
    private final DateTimeFormatter accessLogTime;
    private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.dueMillis != b.dueMillis
            ? Long.compare(a.dueMillis, b.dueMillis) : Long.compare(a.sequence, b.sequence));
    private final ArrayDeque<Attack> started = new ArrayDeque<>();
    private final java.util.Map<Integer, Long> lastAttackTime = new java.util.HashMap<>();
    private long sequence;
    private long produced;
    private long attackEvents;
    private int attacks;
    private boolean attacksEnabled = true;

    /** The mix of {@code seed}, web access lines with whole-second times as Apache's default formats write them. */
    public BenchEventMix(long seed) {
        this(seed, false);
    }

    /**
     * The mix of {@code seed}; {@code webMillis} gives the web access lines millisecond times. A source whose times
     * have whole seconds holds the job's watermark, the minimum over all sources, up to a second behind the others.
     */
    public BenchEventMix(long seed, boolean webMillis) {
        this.random = new Random(seed);
        this.accessLogTime = webMillis ? ACCESS_LOG_TIME_MILLIS : ACCESS_LOG_TIME;
    }

    /** Stops starting new attacks; those already started are completed. */
    public void stopAttacks() {
        attacksEnabled = false;
    }

    /** True while events of started attacks are still to come. */
    public boolean attacksPending() {
        return !due.isEmpty();
    }

    /** Events of started attacks not produced yet. */
    int attackEventsDue() {
        return due.size();
    }

    /** Attacks started since the last call, oldest first. */
    public List<Attack> drainStartedAttacks() {
        List<Attack> out = List.copyOf(started);
        started.clear();
        return out;
    }

    /**
     * The next attack event if one is due at {@code nowMillis}, else null: while production is held back, attacks
     * under way still get their events on time (a scan whose probes straddled a long pause would fall out of its
     * rule's one-minute window).
     */
    public Event nextDueAttackEvent(long nowMillis) {
        Due head = due.peek();
        return head != null && head.dueMillis <= nowMillis ? next(nowMillis) : null;
    }

    /** The next event, timed {@code nowMillis}: an attack event that is due, or a benign one. */
    public Event next(long nowMillis) {
        if (attacksEnabled && attackEvents + due.size() < ATTACK_SHARE * (produced + 1)) {
            startAttack(nowMillis);
        }
        produced++;
        Due head = due.peek();
        if (head != null && head.dueMillis <= nowMillis) {
            due.poll();
            attackEvents++;
            // Each event of an attack a millisecond after the previous at least: when production was held back, the
            // events due meanwhile go out back to back, and a success stamped in the same millisecond as the failures
            // before it could be ordered before them (ties in event time have no arrival order in the job).
            long t = Math.max(nowMillis, lastAttackTime.getOrDefault(head.attack.number(), Long.MIN_VALUE) + 1);
            if (head.completes) {
                lastAttackTime.remove(head.attack.number());
            } else {
                lastAttackTime.put(head.attack.number(), t);
            }
            return new Event(head.topic, head.text.apply(t).getBytes(UTF_8), head.attack, head.completes);
        }
        return benign(nowMillis);
    }

    private void startAttack(long now) {
        AttackKind kind = AttackKind.values()[attacks % AttackKind.values().length];
        Attack attack = new Attack(attacks, kind, attackSource(attacks));
        attacks++;
        started.add(attack);
        String src = attack.entity();
        switch (kind) {
            case BRUTE_FORCE -> {
                // Five failed network logons for one account, then the one that works.
                for (int i = 0; i < 5; i++) {
                    schedule(now + i * 150L, WINDOWS_TOPIC, t -> winlogon(t, false, src, "administrator", "srv-0", 3), attack, false);
                }
                schedule(now + 900, WINDOWS_TOPIC, t -> winlogon(t, true, src, "administrator", "srv-0", 3), attack, true);
            }
            case PORT_SCAN -> {
                for (int i = 0; i < SCAN_PORTS.length; i++) {
                    int port = SCAN_PORTS[i];
                    schedule(now + i * 50L, SURICATA_TOPIC, t -> flow(t, src, "10.10.5.21", port), attack,
                            i == SCAN_PORTS.length - 1);
                }
            }
            case IDS_BURST -> {
                String[] signatures = {
                    "ET EXPLOIT Apache log4j RCE Attempt (CVE-2021-44228)",
                    "ET EXPLOIT Possible Microsoft Exchange RCE Attempt (CVE-2021-26855)",
                    "ET WEB_SERVER ColdFusion administrator access"};
                for (int i = 0; i < signatures.length; i++) {
                    String signature = signatures[i];
                    schedule(now + i * 300L, SURICATA_TOPIC, t -> idsAlert(t, src, E_PORTAL, 1, signature), attack,
                            i == signatures.length - 1);
                }
            }
            case WEB_INJECTION -> {
                for (int i = 0; i < 6; i++) {
                    String url = "/tracuu/hoso?id=" + i + "%20UNION%20ALL%20SELECT%20NULL,table_name%20FROM%20information_schema.tables--";
                    schedule(now + i * 200L, WEB_TOPIC, t -> accessLine(t, src, "GET", url, 200, "sqlmap/1.7.2#stable"),
                            attack, i == 5);
                }
            }
        }
    }

    private void schedule(long dueMillis, String topic, LongFunction<String> text, Attack attack, boolean completes) {
        due.add(new Due(dueMillis, sequence++, topic, text, attack, completes));
    }

    /** Attack sources come from 198.18.0.0/15 (benchmark testing), which no benign client uses. */
    static String attackSource(int n) {
        return "198." + (18 + (n >> 16 & 1)) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
    }

    private Event benign(long t) {
        int client = random.nextInt(CLIENTS);
        String ip = "10.20." + (client >> 8) + "." + (client & 0xff);
        int draw = random.nextInt(100);
        if (draw < 30) {
            if (draw == 0) {
                // A service host with a stale password: failures only, never a success.
                int host = client % FAILING_SERVICE_HOSTS;
                return event(WINDOWS_TOPIC, winlogon(t, false, "10.21.0." + host, "svc-backup" + host, "srv-1", 3));
            }
            return event(WINDOWS_TOPIC, winlogon(t, true, ip, "user" + client, "srv-" + (client % 4), 3));
        }
        if (draw < 58) {
            return event(SURICATA_TOPIC, flow(t, ip, server(client), port(client)));
        }
        if (draw < 60) {
            // Low-severity IDS noise from the internet against the e-portal.
            return event(SURICATA_TOPIC, idsAlert(t, "192.0.2." + (client & 0xff), E_PORTAL, 3,
                    "ET INFO Observed DNS Query to .cloud TLD"));
        }
        if (draw < 80) {
            String path = PAGES[random.nextInt(PAGES.length)];
            return event(WEB_TOPIC, accessLine(t, ip, "GET", path, random.nextInt(10) == 0 ? 304 : 200,
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"));
        }
        return event(FIREWALL_TOPIC, firewall(t, ip, server(client), port(client), client % 50 == 0 ? "deny" : "allow"));
    }

    private static final String[] PAGES = {"/", "/tin-tuc/index.html", "/dich-vu-cong/tra-cuu?ma=12345",
        "/static/app.js", "/static/site.css", "/images/logo.png", "/van-ban/danh-sach?page=2", "/lien-he"};

    private static String server(int client) {
        return "10.10.5." + (20 + client % 3);
    }

    private static int port(int client) {
        return client % 2 == 0 ? 443 : 445;
    }

    private static Event event(String topic, String text) {
        return new Event(topic, text.getBytes(UTF_8), null, false);
    }

    /** A Winlogbeat Security 4624/4625 record. */
    private static String winlogon(long t, boolean success, String src, String user, String computer, int logonType) {
        return "{\"@timestamp\":\"" + Instant.ofEpochMilli(t) + "\",\"winlog\":{\"channel\":\"Security\",\"event_id\":\""
                + (success ? 4624 : 4625) + "\",\"provider_name\":\"Microsoft-Windows-Security-Auditing\","
                + "\"computer_name\":\"" + computer + ".gov.example\",\"record_id\":" + t % 100_000_000
                + ",\"event_data\":{\"TargetUserName\":\"" + user + "\",\"TargetDomainName\":\"GOV\",\"LogonType\":\""
                + logonType + "\",\"IpAddress\":\"" + src + "\",\"IpPort\":\"" + (49152 + (int) (t % 16000))
                + "\",\"WorkstationName\":\"WS\",\"AuthenticationPackageName\":\"NTLM\""
                + (success ? "" : ",\"Status\":\"0xc000006d\",\"SubStatus\":\"0xc000006a\"") + "}}}";
    }

    private String eve(long t, String type, String src, String dest, int destPort, String rest) {
        return "{\"timestamp\":\"" + SURICATA_TIME.format(Instant.ofEpochMilli(t)) + "\",\"flow_id\":"
                + (1_000_000_000L + random.nextInt(1_000_000_000)) + ",\"in_iface\":\"eth1\",\"event_type\":\"" + type
                + "\",\"src_ip\":\"" + src + "\",\"src_port\":" + (40000 + random.nextInt(20000)) + ",\"dest_ip\":\""
                + dest + "\",\"dest_port\":" + destPort + ",\"proto\":\"TCP\",\"host\":\"ids-dmz-01\"," + rest + "}";
    }

    private String flow(long t, String src, String dest, int port) {
        return eve(t, "flow", src, dest, port, "\"flow\":{\"pkts_toserver\":" + (1 + random.nextInt(5))
                + ",\"pkts_toclient\":" + random.nextInt(5) + ",\"bytes_toserver\":" + (60 + random.nextInt(500))
                + ",\"bytes_toclient\":" + random.nextInt(2000) + ",\"state\":\"closed\"}");
    }

    private String idsAlert(long t, String src, String dest, int severity, String signature) {
        return eve(t, "alert", src, dest, 443, "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":"
                + (2_034_647 + signature.length()) + ",\"rev\":2,\"signature\":\"" + signature + "\",\"category\":\""
                + (severity == 1 ? "Attempted Administrator Privilege Gain" : "Misc activity") + "\",\"severity\":"
                + severity + "}");
    }

    /** An Apache combined log line, as the e-portal's web server writes it. */
    private String accessLine(long t, String src, String method, String url, int status, String agent) {
        return src + " - - [" + accessLogTime.format(Instant.ofEpochMilli(t)) + "] \"" + method + " " + url
                + " HTTP/1.1\" " + status + " " + (200 + random.nextInt(20000))
                + " \"https://dichvucong.example.gov.vn/\" \"" + agent + "\"";
    }

    /** A firewall connection as an Elastic integration sends it (ECS JSON). */
    private String firewall(long t, String src, String dest, int port, String action) {
        return "{\"@timestamp\":\"" + Instant.ofEpochMilli(t) + "\",\"event\":{\"kind\":\"event\",\"category\":[\"network\"],"
                + "\"type\":[\"connection\",\"" + (action.equals("allow") ? "allowed" : "denied") + "\"],\"action\":\""
                + action + "\",\"module\":\"fortinet\",\"dataset\":\"fortinet.firewall\"},\"source\":{\"ip\":\"" + src
                + "\",\"port\":" + (40000 + random.nextInt(20000)) + "},\"destination\":{\"ip\":\"" + dest
                + "\",\"port\":" + port + "},\"network\":{\"transport\":\"tcp\"},\"observer\":{\"type\":\"firewall\","
                + "\"vendor\":\"Fortinet\",\"name\":\"fw-core-01\"},\"ecs\":{\"version\":\"8.11.0\"}}";
    }
}
