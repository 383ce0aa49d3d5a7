package org.vigil.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Forty minutes of a data centre's ECS events in event-time order: background logons, flows and low IDS
 * alerts, with brute-force attacks, a 25-minute port scan and IDS bursts placed so that their windows and
 * suppression periods span any point at which a test interrupts the job. The exploit source's IDS burst at minute 13
 * stays a candidate until its brute force alerts at minute 29 and verifies it, a corroboration open across any
 * interruption; the other attackers' alerts stay candidates.
 */
final class AttackStream {
    static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
    static final Duration LENGTH = Duration.ofMinutes(40);
    static final String EXPLOIT_SOURCE = "192.0.2.90";
    /** The last brute force comes from the exploit source, so its alerts corroborate each other (verification). */
    static final List<String> BRUTE_FORCE_SOURCES = List.of("203.0.113.21", "203.0.113.22", "203.0.113.23", EXPLOIT_SOURCE);
    static final String SCANNER = "198.51.100.40";

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Timed(Instant at, ObjectNode event) {}

    private final List<Timed> events = new ArrayList<>();
    private final Random random;

    private AttackStream(long seed) {
        this.random = new Random(seed);
    }

    /** The stream's records (ECS JSON), in timestamp order. */
    static List<byte[]> records(long seed) {
        AttackStream s = new AttackStream(seed);
        s.background(3000);
        s.bruteForce();
        s.scan();
        s.idsBursts();
        s.events.sort(Comparator.comparing(Timed::at));
        List<byte[]> out = new ArrayList<>(s.events.size());
        int n = 0;
        for (Timed t : s.events) {
            t.event().put("@timestamp", t.at().toString());
            t.event().withObjectProperty("event").put("id", "as-" + seed + "-" + n++);
            out.add(t.event().toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private void background(int count) {
        long span = LENGTH.toMillis();
        for (int i = 0; i < count; i++) {
            Instant at = START.plusMillis((long) (random.nextDouble() * span));
            String client = "10.1." + random.nextInt(4) + "." + (1 + random.nextInt(200));
            int kind = random.nextInt(100);
            if (kind < 45) {
                logon(at, client, "user" + random.nextInt(300), kind < 3 ? "failure" : "success");
            } else if (kind < 92) {
                flow(at, client, "10.20.0." + (1 + random.nextInt(8)), List.of(53, 80, 443).get(random.nextInt(3)));
            } else {
                idsAlert(at, "198.18." + random.nextInt(4) + "." + random.nextInt(250), "10.10.5.20", 3);
            }
        }
    }

    /** Four attackers, staggered; the first keeps going and succeeds twice. */
    private void bruteForce() {
        int[] startMinute = {2, 9, 17, 28};
        for (int a = 0; a < BRUTE_FORCE_SOURCES.size(); a++) {
            Instant t = START.plus(Duration.ofMinutes(startMinute[a]));
            String source = BRUTE_FORCE_SOURCES.get(a);
            for (int i = 0; i < 8; i++) {
                logon(t.plusSeconds(10L * i), source, "admin", "failure");
            }
            logon(t.plusSeconds(85), source, "admin", "success");
            if (a == 0) {
                logon(t.plusSeconds(200), source, "admin", "success");
            }
        }
    }

    /** A new port every two seconds from minute 5 to minute 30: alerts at once, then every ten minutes. */
    private void scan() {
        Instant t = START.plus(Duration.ofMinutes(5));
        for (int i = 0; i < 750; i++) {
            flow(t.plusSeconds(2L * i), SCANNER, "10.20.0.5", 1000 + i);
        }
    }

    /** High-severity IDS alerts against two targets; the first target is attacked for 20 minutes. */
    private void idsBursts() {
        Instant t = START.plus(Duration.ofMinutes(12));
        for (int i = 0; i < 40; i++) {
            idsAlert(t.plusSeconds(30L * i), EXPLOIT_SOURCE, "10.10.5.20", 1);
        }
        for (int i = 0; i < 4; i++) {
            idsAlert(t.plus(Duration.ofMinutes(6)).plusSeconds(20L * i), EXPLOIT_SOURCE, "10.10.5.21", 1);
        }
    }

    private void logon(Instant at, String source, String user, String outcome) {
        ObjectNode e = JSON.createObjectNode();
        e.withObjectProperty("event").put("kind", "event").put("outcome", outcome).putArray("category").add("authentication");
        e.withObjectProperty("source").put("ip", source);
        e.withObjectProperty("user").put("name", user);
        e.withObjectProperty("host").put("name", "mail-01");
        events.add(new Timed(at, e));
    }

    private void flow(Instant at, String source, String destination, int port) {
        ObjectNode e = JSON.createObjectNode();
        e.withObjectProperty("event").put("kind", "event").putArray("category").add("network");
        e.withObjectProperty("source").put("ip", source);
        e.withObjectProperty("destination").put("ip", destination).put("port", port);
        e.withObjectProperty("network").put("transport", "tcp");
        events.add(new Timed(at, e));
    }

    private void idsAlert(Instant at, String source, String target, int severity) {
        ObjectNode e = JSON.createObjectNode();
        e.withObjectProperty("event").put("kind", "alert").put("severity", severity).putArray("category").add("network").add("intrusion_detection");
        e.withObjectProperty("source").put("ip", source);
        e.withObjectProperty("destination").put("ip", target).put("port", 443);
        e.withObjectProperty("rule").put("name", severity == 1 ? "ET EXPLOIT Apache log4j RCE Attempt" : "ET POLICY curl User-Agent");
        events.add(new Timed(at, e));
    }
}
