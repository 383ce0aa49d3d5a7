package org.vigil.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleRecord;

/**
 * What {@code vigil rules deploy} publishes: the rules of the directory whose text differs from the latest
 * record on the rules topic, and a tombstone for each rule on the topic that is no longer in the directory.
 * A changed rule must carry a higher {@code @version} than the published one (the job refuses it otherwise,
 * since alert ids include the version); such rules are listed as problems.
 */
public record RuleDeployPlan(List<RuleDefinition> publish, List<String> undeploy, List<String> unchanged,
                             List<String> problems) {
    public RuleDeployPlan {
        publish = List.copyOf(publish);
        undeploy = List.copyOf(undeploy);
        unchanged = List.copyOf(unchanged);
        problems = List.copyOf(problems);
    }

    /**
     * The plan for {@code local} (the directory's rules, all valid) against {@code published} (rule id to the
     * value of its latest record on the topic; ids whose latest record is a tombstone are absent).
     */
    public static RuleDeployPlan of(List<RuleDefinition> local, Map<String, String> published) {
        List<RuleDefinition> publish = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, RuleDefinition> byId = new TreeMap<>();
        local.forEach(r -> byId.put(r.id(), r));
        for (RuleDefinition rule : byId.values()) {
            String value = published.get(rule.id());
            RuleDefinition current = null;
            if (value != null) {
                try {
                    current = RuleRecord.parse(value).definition();
                } catch (RuleException e) {
                    current = null; // an unreadable record is replaced by a good one
                }
            }
            if (current != null && current.epl().equals(rule.epl())) {
                unchanged.add(rule.id());
            } else if (current != null && rule.metadata().version() <= current.metadata().version()) {
                problems.add(rule.sourceFile() + ": the text differs from the published version " + current.metadata().version()
                        + " but @version is " + rule.metadata().version() + "; raise @version above "
                        + current.metadata().version() + " (alert ids include it)");
            } else {
                publish.add(rule);
            }
        }
        Set<String> gone = new TreeSet<>(published.keySet());
        gone.removeAll(byId.keySet());
        return new RuleDeployPlan(publish, List.copyOf(gone), unchanged, problems);
    }

    /** True when nothing needs publishing. */
    public boolean isEmpty() {
        return publish.isEmpty() && undeploy.isEmpty();
    }
}
