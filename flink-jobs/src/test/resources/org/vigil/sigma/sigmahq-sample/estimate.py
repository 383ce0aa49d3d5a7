"""Stratified estimate of the share of SigmaHQ rules that convert, from the sample's convert output."""
import math
# stratum, union count N_h, sample n_h, converted, refusals {reason: count}
S = [
 ("windows process_creation", 3284, 15, 12, {"missing_attack_tags": 3}),
 ("windows security", 385, 5, 5, {}),
 ("windows system", 215, 3, 1, {"invalid_rule": 1, "missing_attack_tags": 1}),
 ("windows registry_set", 307, 4, 4, {}),
 ("windows file_event", 274, 4, 3, {"missing_attack_tags": 1}),
 ("windows image_load", 236, 3, 3, {}),
 ("windows ps_script", 321, 4, 3, {"missing_attack_tags": 1}),
 ("windows powershell classic/module", 190, 2, 1, {"unmapped_logsource": 1}),
 ("windows network_connection", 143, 2, 2, {}),
 ("windows pipe_created", 54, 1, 1, {}),
 ("linux builtin", 45, 3, 2, {"unmapped_logsource": 1}),
 ("linux other (auditd, ...)", 651, 5, 0, {"unmapped_logsource": 5}),
 ("web webserver_generic", 60, 5, 5, {}),
 ("web other (proxy, products)", 419, 4, 0, {"unmapped_logsource": 4}),
 ("network", 159, 3, 0, {"unmapped_logsource": 3}),
 ("cloud", 800, 6, 0, {"unmapped_logsource": 6}),
 ("rules-emerging-threats", 869, 7, 6, {"unmapped_logsource": 1}),
 ("rules-threat-hunting", 223, 3, 1, {"unmapped_logsource": 2}),
]
N = sum(s[1] for s in S)
n = sum(s[2] for s in S)
def est(share):
    p = sum(Nh / N * share(c, r) / nh for _, Nh, nh, c, r in S)
    var = 0.0
    for _, Nh, nh, c, r in S:
        k = share(c, r)
        ph = (k + 0.5) / (nh + 1)  # never 0 or 1, so all-or-nothing strata still count as uncertain
        var += (Nh / N) ** 2 * (1 - nh / Nh) * ph * (1 - ph) / max(nh - 1, 1)
    return p, 1.96 * math.sqrt(var)
print(f"strata {len(S)}, sample {n}, union of paths {N}")
p, h = est(lambda c, r: c)
print(f"converted: {p:.1%} +- {h:.1%}  (~{p*N:.0f} of {N})")
for reason in ["unmapped_logsource", "missing_attack_tags", "invalid_rule"]:
    p, h = est(lambda c, r, reason=reason: r.get(reason, 0))
    print(f"{reason}: {p:.1%} +- {h:.1%}")
