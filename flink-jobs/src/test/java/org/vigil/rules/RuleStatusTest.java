package org.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Status records: their JSON form on the status topic, read back as written. */
class RuleStatusTest {
    private static final RuleStatus.Reporter GATE = new RuleStatus.Reporter("4f1c", "rule-deployment-gate", 0);
    private static final RuleStatus.Source SOURCE = new RuleStatus.Source("vigil.rules", 0, 17);
    private static final Instant AT = Instant.parse("2026-03-02T08:00:00Z");

    @Test
    void aRefusalCarriesTheErrorWithFileLineAndReason() throws Exception {
        RuleStatus refused = new RuleStatus("vigil-x", 2, 1, RuleOutcome.REFUSED,
                new RuleException("credential-access/x.epl", 27, "EPL does not compile: bad", new IllegalStateException("cause")),
                AT, GATE, SOURCE);
        String json = refused.toJson().toString();
        assertThat(new ObjectMapper().readTree(json)).isEqualTo(new ObjectMapper().readTree("""
                {"rule_id": "vigil-x", "version": 2, "previous_version": 1, "outcome": "refused",
                 "error": {"file": "credential-access/x.epl", "line": 27, "reason": "EPL does not compile: bad",
                           "message": "credential-access/x.epl:27: EPL does not compile: bad"},
                 "time": "2026-03-02T08:00:00Z",
                 "reporter": {"job_id": "4f1c", "task": "rule-deployment-gate", "subtask": 0},
                 "source": {"topic": "vigil.rules", "partition": 0, "offset": 17}}
                """));
        RuleStatus read = RuleStatus.fromJson(json.getBytes());
        assertThat(read.toJson()).isEqualTo(refused.toJson());
        assertThat(read.describe()).isEqualTo("refused    vigil-x v2 (was v1): credential-access/x.epl:27: EPL does not compile: bad");
    }

    @Test
    void otherOutcomesHaveNoErrorAndMayHaveNoVersions() throws Exception {
        RuleStatus undeployed = new RuleStatus("vigil-x", 3, 3, RuleOutcome.UNDEPLOYED, null, AT, GATE, SOURCE);
        assertThat(undeployed.toJson().has("error")).isFalse();
        RuleStatus nothing = new RuleStatus("vigil-y", null, null, RuleOutcome.UNCHANGED, null, AT, GATE, SOURCE);
        assertThat(nothing.toJson().get("version").isNull()).isTrue();
        assertThat(RuleStatus.fromJson(nothing.toJson().toString().getBytes()).version()).isNull();
        assertThat(new RuleStatus("vigil-z", 1, null, RuleOutcome.DEPLOYED, null, AT, GATE, SOURCE).describe())
                .isEqualTo("deployed   vigil-z v1");
    }

    @Test
    void onlyARefusalHasAnError() {
        assertThatThrownBy(() -> new RuleStatus("vigil-x", 1, null, RuleOutcome.REFUSED, null, AT, GATE, SOURCE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RuleStatus("vigil-x", 1, null, RuleOutcome.DEPLOYED,
                new RuleException("x.epl", 1, "bad"), AT, GATE, SOURCE)).isInstanceOf(IllegalArgumentException.class);
    }
}
