package org.vigil.local;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import org.vigil.enrich.Asset;
import org.vigil.enrich.BotnetEntry;
import org.vigil.enrich.Criticality;
import org.vigil.enrich.LoadResult;
import org.vigil.enrich.ReferenceKind;
import org.vigil.enrich.ReferenceRecord;
import org.vigil.enrich.ReferenceTopicWriter;
import org.vigil.enrich.SystemType;
import org.vigil.enrich.Vulnerability;
import org.vigil.job.VigilConfig;
import org.vigil.job.VigilOptions;

/**
 * The drill's reference data: the e-portal and the mail system it attacks with their security levels, the office
 * network, and a botnet list naming one office host that the drill shows talking to the portal.
 */
final class DemoReferenceData {
    /** The office host on the drill's botnet list. */
    static final String BOTNET_HOST = "10.30.0.250";

    private DemoReferenceData() {}

    static List<ReferenceRecord> assets() {
        return List.of(
                new Asset("10.10.5.0/24", "Cổng thông tin điện tử tỉnh", "Sở TT&TT", SystemType.E_PORTAL, 3, Criticality.HIGH),
                new Asset("mail-01", "Hệ thống thư điện tử", "Sở TT&TT", SystemType.MAIL, 4, Criticality.CRITICAL),
                new Asset("10.30.0.0/24", "Mạng văn phòng", "Văn phòng UBND tỉnh", SystemType.OTHER, 1, Criticality.LOW));
    }

    static List<ReferenceRecord> vulnerabilities() {
        return List.of(new Vulnerability(DemoScenario.E_PORTAL, "CVE-2024-21413", 9.8, true, false));
    }

    /** The list version of the drill's month, naming the office host and an outside address. */
    static List<ReferenceRecord> botnet(Instant drillStart) {
        String version = DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC).format(drillStart);
        Instant firstSeen = drillStart.minusSeconds(20L * 86400);
        return List.of(
                new BotnetEntry(BOTNET_HOST, "Emotet", firstSeen, drillStart.minusSeconds(86400), version),
                new BotnetEntry("198.51.100.7", "Mirai", firstSeen, drillStart.minusSeconds(86400), version));
    }

    /** Publishes the three kinds as {@code bin/vigil intel load} would; returns a one-line description. */
    static String publish(VigilConfig config, Instant drillStart) throws InterruptedException {
        Properties client = config.kafkaClientProperties();
        client.setProperty("bootstrap.servers", config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS));
        ReferenceTopicWriter writer = new ReferenceTopicWriter(client);
        writer.publish(new LoadResult(ReferenceKind.ASSETS, assets(), List.of()), config.require(VigilOptions.INTEL_TOPIC_ASSETS), true);
        writer.publish(new LoadResult(ReferenceKind.VULNS, vulnerabilities(), List.of()), config.require(VigilOptions.INTEL_TOPIC_VULNS), true);
        ReferenceTopicWriter.Summary botnet = writer.publish(new LoadResult(ReferenceKind.BOTNET, botnet(drillStart), List.of()),
                config.require(VigilOptions.INTEL_TOPIC_BOTNET), false);
        return assets().size() + " assets (e-portal level 3, mail level 4, office network), "
                + vulnerabilities().size() + " open exploited CVE on the e-portal, botnet list " + botnet.botnetVersion()
                + " naming office host " + BOTNET_HOST;
    }
}
