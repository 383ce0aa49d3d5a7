"""Stratified sample of SigmaHQ/sigma rule files from the stored index (find_files listings, alphabetical, 0-based).

Each stratum: union count of distinct paths over the crawled history, the positions of its visible listing
(first <=100 paths) that hold a rule file under SigmaHQ's current naming convention (eligible), and the sample size.
Positions are drawn with random.Random(8) over the eligible ones.
"""
import random
R = lambda a, b: list(range(a, b + 1))
strata = [
 ("windows/process_creation", 3284, R(54, 58) + R(65, 98), 15),
 ("windows/builtin/security", 385, R(2, 22) + [24, 26], 5),
 ("windows/builtin/system", 215, [0, 2, 3] + R(5, 13) + R(15, 87) + [89], 3),
 ("windows/registry/registry_set", 307, R(3, 99), 4),
 ("windows/file/file_event", 274, R(4, 99), 4),
 ("windows/image_load", 236, R(2, 66) + R(72, 89) + R(91, 98), 3),
 ("windows/powershell/powershell_script", 321, R(2, 99), 4),
 ("windows/powershell (classic, module)", 190, R(15, 34) + R(83, 99), 2),
 ("windows/network_connection", 143, [i for i in R(0, 99) if i not in (25, 70)], 2),
 ("windows/pipe_created", 54, R(0, 41), 1),
 ("linux/builtin", 45, R(1, 44), 3),
 ("linux (other: auditd, ...)", 651, R(3, 31) + R(33, 77) + [79, 80] + R(82, 95) + R(97, 99), 5),
 ("web/webserver_generic", 60, R(2, 59), 5),
 ("web (other: proxy, product)", 419, R(0, 11) + R(21, 81), 4),
 ("network", 159, R(0, 19) + [21, 22] + R(24, 85) + [94, 96], 3),
 ("cloud", 800, R(0, 39) + R(89, 99), 6),
 ("rules-emerging-threats", 869, [i for i in R(0, 99) if i not in (42, 73)], 7),
 ("rules-threat-hunting", 223, [i for i in R(0, 99) if i not in (3, 7, 41, 96)], 3),
]
rnd = random.Random(8)
for name, n, eligible, k in strata:
    print(f"{name}\t{n}\t{k}\t{sorted(rnd.sample(eligible, k))}")
