package org.vigil.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFileParser;
import org.vigil.rules.RuleFixtureRunner;

/** A rule written against enrichment fields compiles and sees them on a bare Esper runtime. */
class EnrichedRuleTest {
    private static final String RULE = """
            /**
             * @id              test-exploit-against-open-cve
             * @version         1
             * @name            IDS alert naming an exploited CVE that is open on a classified target
             * @description     An IDS alert from a listed source against an asset of security level 3 or more
             *                  that has CVE-2024-21413 known exploited and unpatched.
             * @severity        critical
             * @tactic          TA0001
             * @technique       T1190
             * @partition       source.ip
             * @horizon         PT1M
             * @verification    none
             * @false_positives None known.
             */
            module test.enriched;

            @Name('alert')
            context PerEntity
            select window(*) as attack, vigil.asset.name as target, vigil.intel.confidence as confidence
            from SecurityEvent(event.kind = 'alert' and vigil.asset.security_level >= 3
                               and 'CVE-2024-21413' in (vigil.asset.vulnerability.id)
                               and vigil.intel.confidence >= 50)#length(1);
            """;

    private static final ReferenceData DATA = ReferenceData.ofRecords(List.of(
            new Asset("10.20.0.0/16", "Public-service portal", "Văn phòng UBND", SystemType.PUBLIC_SERVICE_PORTAL, 3,
                    Criticality.HIGH),
            new Asset("10.21.0.0/16", "Test portal", "Văn phòng UBND", SystemType.PUBLIC_SERVICE_PORTAL, 3,
                    Criticality.LOW),
            new Vulnerability("10.20.0.5", "CVE-2024-21413", 9.8, true, false),
            new Vulnerability("10.21.0.5", "CVE-2024-21413", 9.8, true, true),
            new Ioc(IocType.IP, "203.0.113.0/24", "VNCERT", 60, null)));

    private static SecurityEvent idsAlert(String target) {
        SecurityEvent raw = SecurityEvent.builder().timestamp(Instant.parse("2026-11-24T09:00:00Z")).id("ids-" + target)
                .put("event.kind", "alert").put("source.ip", "203.0.113.50").put("destination.ip", target).build();
        return new Enricher().enrich(raw, DATA);
    }

    @Test
    void alertsWhenTheTargetHasTheOpenCveAndNotWhenItIsPatched() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("test-enriched.epl", RULE);

        List<Alert> open = RuleFixtureRunner.alertsFor(rule, List.of(idsAlert("10.20.0.5")));
        assertThat(open).hasSize(1);
        assertThat(open.get(0).details()).containsEntry("target", "Public-service portal").containsEntry("confidence", 60L);
        assertThat(open.get(0).evidence()).extracting(e -> e.get("vigil.asset.vulnerability.id"))
                .containsExactly(List.of("CVE-2024-21413"));

        List<Alert> patched = RuleFixtureRunner.alertsFor(rule, List.of(idsAlert("10.21.0.5")));
        assertThat(patched).isEmpty();
    }
}
