package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Truncated, garbled and spliced log lines: each is an event or a dead letter with a reason, never a parser bug. */
class LineFormatsManglingTest {

    private static final List<String> GOOD_LINES = List.of(
            "<189>May  1 17:15:04 fw01 CEF:0|Fortinet|Fortigate|v7.2.4|00013|traffic:forward deny|3|src=203.0.113.45 "
                    + "spt=51514 dst=10.10.20.15 dpt=3389 proto=6 act=deny rt=1714558504000 dvchost=fw01 dvc=10.10.0.1",
            "<14>1 2024-05-01T10:15:31+00:00 nss01 zscaler - - - CEF:0|Zscaler|NSSWeblog|5.0|Allowed|Allowed|3|"
                    + "act=Allowed src=10.1.2.3 suser=an.nguyen requestMethod=POST request=https://x.example:8443/a?b=c "
                    + "requestClientApplication=Mozilla/5.0 (X11) cs1Label=dept cs1=Finance rt=May 01 2024 10:15:30 UTC",
            "CEF:0|Trend Micro|Deep Security Agent|20.0|1008610|Block \\| Share|Very-High|msg=a\\=b C:\\\\x\\n "
                    + "src=2001:db8::1 dst=::ffff:10.0.0.5 fileHash=44D88612FEA8A8F36DE82E1278ABB02F "
                    + "start=May 01 2024 17:15:29 dtz=Asia/Ho_Chi_Minh",
            "203.0.113.7 - - [01/May/2024:17:00:00 +0700] \"GET /search.php?q=1%27 HTTP/1.1\" 200 5120 "
                    + "\"https://example.gov.vn/\" \"Mozilla/5.0 (Windows NT 10.0)\"",
            "2001:db8::7334 - admin [01/May/2024:10:00:01 +0000] \"POST /wp-login.php HTTP/2.0\" 401 162 \"-\" \"curl\"",
            "10.0.0.9 - - [01/May/2024:10:00:02 +0000] \"GET /a\\\"b HTTP/1.1\" 404 - 12",
            "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
                    + "cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
            "#Date: 2024-05-01 00:00:00",
            "2024-05-01 10:00:03 10.0.0.20 POST /upload/handler.aspx id=42 443 CORP\\an 198.51.100.23 "
                    + "Mozilla/5.0+(Windows) https://e.example/upload 200 0 0 31");
    private static final String NASTY = "|=\\\"[]# :-+.%\t\u00e9\u1ec7\ud83d\ude00\u0000\u202e";

    @Test
    void mangledLinesNeverThrowNorHitANormaliserBug() {
        EventParser parser = LineRecords.parser();
        Random random = new Random(20240501L);
        Map<DeadLetterReason, Integer> reasons = new EnumMap<>(DeadLetterReason.class);
        List<String> bugs = new ArrayList<>();
        int events = 0;
        int headers = 0;
        for (int i = 0; i < 12_000; i++) {
            String line = LineMangler.mangle(random, GOOD_LINES.get(random.nextInt(GOOD_LINES.size())), GOOD_LINES, NASTY, 5);
            String topic = List.of(LineRecords.CEF_TOPIC, LineRecords.WEB_TOPIC, LineRecords.MIXED_TOPIC)
                    .get(random.nextInt(3));
            ParseResult result = parser.parse(line.getBytes(UTF_8), topic, random.nextInt(2), i);
            if (result.isEvent()) {
                events++;
            } else if (result.isHeaderLine()) {
                headers++;
            } else {
                DeadLetterReason reason = result.deadLetter().reason();
                reasons.merge(reason, 1, Integer::sum);
                if (reason == DeadLetterReason.NORMALISER_ERROR) {
                    bugs.add(topic + ": " + line + " -> " + result.deadLetter().message());
                }
            }
        }

        assertThat(bugs).as("normaliser errors").isEmpty();
        // The mutations are mild enough that many lines survive and the rest fail for several real reasons.
        assertThat(events).isGreaterThan(400);
        assertThat(headers).isGreaterThan(40);
        assertThat(reasons.keySet()).contains(DeadLetterReason.MALFORMED_LINE, DeadLetterReason.UNKNOWN_FORMAT,
                DeadLetterReason.BAD_TIMESTAMP, DeadLetterReason.BAD_FIELD);
    }

    @Test
    void linesOfRandomTokensNeverThrow() {
        EventParser parser = LineRecords.parser();
        Random random = new Random(7L);
        String[] tokens = {"CEF:0|", "CEF:", "|", "=", "\\", "\\|", "\\=", " ", "  ", "[", "]", "\"", "#Fields:",
            "#Date:", "-", "src=", "rt=", "1714557600000", "May 01 2024 10:00:00", "01/May/2024:10:00:00 +0000",
            "2024-05-01", "10:00:00", "GET", "/x?y=z", "HTTP/1.1", "200", "::", "10.0.0.1", "<134>", "<14>1 ",
            "fw01", "cs1Label=", "dtz=", "\t", "%", "+", "é"};
        for (int i = 0; i < 8_000; i++) {
            StringBuilder line = new StringBuilder();
            for (int n = 1 + random.nextInt(30); n > 0; n--) {
                line.append(tokens[random.nextInt(tokens.length)]);
            }
            for (String topic : List.of(LineRecords.CEF_TOPIC, LineRecords.WEB_TOPIC, LineRecords.MIXED_TOPIC)) {
                ParseResult result = parser.parse(line.toString().getBytes(UTF_8), topic, 0, i);
                if (result.isDeadLetter()) {
                    assertThat(result.deadLetter().reason()).as("%s on %s", line, topic)
                            .isNotEqualTo(DeadLetterReason.NORMALISER_ERROR);
                }
            }
        }
    }

    @Test
    void pathologicalLongLinesAreRefusedWithoutABug() {
        EventParser parser = LineRecords.parser();
        // Shapes that overflow the stack of a backtracking pattern or stall a quadratic scan.
        List<String> lines = List.of(
                "CEF:0|V|P|1|1|n|1|" + "a=".repeat(200_000),
                "CEF:0|V|P|1|1|n|1|msg=" + "\\".repeat(400_000) + "=x",
                "<1>" + "Mar  1 ".repeat(100_000) + "CEF:0|V|P|1|1|n|1|rt=1",
                "1.2.3.4 - - [" + "x".repeat(400_000),
                "1.2.3.4 - - [01/May/2024:10:00:00 +0000] \"" + "\\\"".repeat(200_000),
                "2024-05-01 10:00:00 " + "- ".repeat(200_000));
        for (String line : lines) {
            for (String topic : List.of(LineRecords.CEF_TOPIC, LineRecords.WEB_TOPIC, LineRecords.MIXED_TOPIC)) {
                ParseResult result = parser.parse(line.getBytes(UTF_8), topic, 0, 0L);
                assertThat(result.isEvent()).isFalse();
                assertThat(result.deadLetter().reason()).isNotEqualTo(DeadLetterReason.NORMALISER_ERROR);
            }
        }
    }
}
