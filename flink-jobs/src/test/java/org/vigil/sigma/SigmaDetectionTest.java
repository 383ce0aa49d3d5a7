package org.vigil.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.sigma.SigmaTestRules.data;
import static org.vigil.sigma.SigmaTestRules.matching;
import static org.vigil.sigma.SigmaTestRules.processCreation;
import static org.vigil.sigma.SigmaTestRules.rule;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.rules.RuleDefinition;

/** Each Sigma modifier and condition form, converted and run on events: what must match and what must not. */
class SigmaDetectionTest {

    @Test
    void plainValuesMatchWholeValuesIgnoringCase() throws Exception {
        RuleDefinition r = rule(processCreation("""
                selection: {Image: 'C:\\Windows\\System32\\whoami.exe'}
                condition: selection
                """));
        assertThat(matching(r, 1, List.of(
                data("Image", "C:\\Windows\\System32\\whoami.exe"),
                data("Image", "c:\\windows\\system32\\WHOAMI.EXE"),
                data("Image", "C:\\Windows\\System32\\whoami.exe.bak"),
                data("CommandLine", "C:\\Windows\\System32\\whoami.exe")))).containsExactly(0, 1);
    }

    @Test
    void containsStartswithEndswithAndCased() throws Exception {
        RuleDefinition r = rule(processCreation("""
                sel_contains: {CommandLine|contains: 'MiniDump'}
                sel_start: {Image|startswith: 'C:\\Temp\\'}
                sel_end: {Image|endswith: '\\rundll32.exe'}
                sel_cased: {ParentImage|cased|endswith: 'Evil.exe'}
                condition: 1 of sel_*
                """));
        assertThat(matching(r, 1, List.of(
                data("CommandLine", "rundll32 comsvcs.dll, minidump 624"),   // 0 contains, any case
                data("Image", "c:\\temp\\x.exe"),                             // 1 startswith
                data("Image", "D:\\tools\\RUNDLL32.EXE"),                     // 2 endswith
                data("ParentImage", "C:\\x\\Evil.exe"),                       // 3 cased, same case
                data("ParentImage", "C:\\x\\evil.exe"),                       // 4 cased, other case: no
                data("Image", "D:\\Temp\\x.exe"),                             // 5 no
                data("CommandLine", "mini dump")))).containsExactly(0, 1, 2, 3);  // 6 no
    }

    @Test
    void wildcardsAndTheirEscapes() throws Exception {
        RuleDefinition r = rule(processCreation("""
                sel_wild: {CommandLine: 'net* user ?dmin'}
                sel_star: {CommandLine: 'echo \\*'}
                sel_backslash_star: {Image: 'C:\\\\*\\x.exe'}
                condition: 1 of sel_*
                """));
        assertThat(matching(r, 1, List.of(
                data("CommandLine", "NET1.exe user admin"),      // 0 * and ?
                data("CommandLine", "net user xxdmin"),          // 1 ? is exactly one character
                data("CommandLine", "echo *"),                   // 2 escaped star is a literal star
                data("CommandLine", "echo hello"),               // 3 no: \\* is no wildcard
                data("Image", "C:\\any\\dir\\x.exe"),            // 4 \\\\* is a backslash then a wildcard
                data("Image", "C:x.exe")))).containsExactly(0, 2, 4);
    }

    @Test
    void allModifierAndsTheValuesOfAList() throws Exception {
        RuleDefinition r = rule(processCreation("""
                selection: {CommandLine|contains|all: ['-nop', '-enc']}
                any_of: {ParentCommandLine|contains: ['-nop', '-enc']}
                condition: selection or any_of
                """));
        assertThat(matching(r, 1, List.of(
                data("CommandLine", "powershell -NoP -Enc AAAA"),   // 0 both
                data("CommandLine", "powershell -nop x"),           // 1 only one: no
                data("ParentCommandLine", "powershell -enc"),       // 2 a list without all: either
                data("CommandLine", "cmd /c dir")))).containsExactly(0, 2);
    }

    @Test
    void conditionFormsOneOfAllOfThemNotAndParentheses() throws Exception {
        RuleDefinition r = rule(processCreation("""
                selection_img: {Image|endswith: '\\cmd.exe'}
                selection_cli: {CommandLine|contains: '/c'}
                filter_admin: {User|contains: 'ADMIN'}
                _helper: {CommandLine|contains: 'never'}
                condition: all of selection_* and not filter_admin
                """));
        assertThat(matching(r, 1, List.of(
                data("Image", "C:\\cmd.exe", "CommandLine", "cmd /c dir"),                     // 0 both, no filter
                data("Image", "C:\\cmd.exe", "CommandLine", "cmd /c dir", "User", "CORP\\admin"),   // 1 filtered
                data("Image", "C:\\cmd.exe", "CommandLine", "cmd /k dir"),                     // 2 one of two
                data("Image", "C:\\cmd.exe", "CommandLine", "cmd /c dir", "User", "CORP\\bob")))).containsExactly(0, 3);

        RuleDefinition them = rule(processCreation("""
                sel_a: {Image|endswith: '\\a.exe'}
                sel_b: {Image|endswith: '\\b.exe'}
                _excluded: {Image|endswith: '\\c.exe'}
                condition: 1 of them
                """));
        assertThat(matching(them, 1, List.of(data("Image", "x\\a.exe"), data("Image", "x\\b.exe"), data("Image", "x\\c.exe"))))
                .as("'them' leaves out identifiers starting with an underscore").containsExactly(0, 1);

        RuleDefinition precedence = rule(processCreation("""
                a: {Image: 'a'}
                b: {Image: 'b'}
                c: {CommandLine: 'c'}
                condition: a or b and c
                """));
        assertThat(matching(precedence, 1, List.of(data("Image", "a"), data("Image", "b"), data("Image", "b", "CommandLine", "c"))))
                .as("and binds tighter than or").containsExactly(0, 2);

        RuleDefinition parentheses = rule(processCreation("""
                a: {Image: 'a'}
                b: {Image: 'b'}
                c: {CommandLine: 'c'}
                condition: (a or b) and not c
                """));
        assertThat(matching(parentheses, 1, List.of(data("Image", "a"), data("Image", "b", "CommandLine", "c"), data("Image", "x"))))
                .containsExactly(0);
    }

    @Test
    void listsOfMapsAreAlternatives() throws Exception {
        RuleDefinition r = rule(processCreation("""
                selection:
                  - Image|endswith: '\\example.exe'
                  - Description|contains: 'Test executable'
                condition: selection
                """));
        assertThat(matching(r, 1, List.of(data("Image", "C:\\example.exe"), data("Description", "a test Executable"),
                data("Image", "C:\\other.exe")))).containsExactly(0, 1);
    }

    @Test
    void nullEmptyAndExists() throws Exception {
        RuleDefinition r = rule(processCreation("""
                selection: {CommandLine|contains: 'x'}
                no_parent: {ParentImage: null}
                empty_user: {User: ''}
                has_hashes: {Hashes|exists: true}
                no_company: {Company|exists: false}
                condition: selection and (no_parent or empty_user) and has_hashes and no_company
                """));
        assertThat(matching(r, 1, List.of(
                data("CommandLine", "x", "Hashes", "MD5=1"),                                 // 0 no parent
                data("CommandLine", "x", "Hashes", "MD5=1", "ParentImage", "p.exe"),          // 1 has a parent, no empty user
                data("CommandLine", "x", "Hashes", "MD5=1", "ParentImage", "p.exe", "User", ""),  // 2 empty user is absent here (blank values are dropped)
                data("CommandLine", "x"),                                                     // 3 no hashes
                data("CommandLine", "x", "Hashes", "MD5=1", "Company", "Acme")))).containsExactly(0);

        RuleDefinition notNull = rule(processCreation("""
                selection: {CommandLine|contains: 'x'}
                filter: {ParentImage: null}
                condition: selection and not filter
                """));
        assertThat(matching(notNull, 1, List.of(data("CommandLine", "x"), data("CommandLine", "x", "ParentImage", "p"))))
                .as("'not null' is the negation of a null selection").containsExactly(1);
    }

    @Test
    void regularExpressionsAreCaseSensitiveUnlessFlagged() throws Exception {
        RuleDefinition r = rule(processCreation("""
                sel_plain: {CommandLine|re: 'Invoke-[A-Z]\\w+'}
                sel_i: {ParentCommandLine|re|i: '^iex\\s'}
                sel_s: {Description|re|s: 'a.b'}
                sel_m: {Product|re|m: '^second$'}
                condition: 1 of sel_*
                """));
        assertThat(matching(r, 1, List.of(
                data("CommandLine", "x Invoke-Mimikatz y"),     // 0 unanchored find
                data("CommandLine", "x invoke-mimikatz y"),     // 1 case-sensitive by default: no
                data("ParentCommandLine", "IEX (New-Object)"),  // 2 i flag
                data("Description", "a\nb"),                    // 3 s: dot matches a line break
                data("Product", "first\nsecond"),               // 4 m: ^ and $ per line
                data("Product", "first second")))).containsExactly(0, 2, 3, 4);
    }

    @Test
    void cidrAndNumericComparisons() throws Exception {
        RuleDefinition r = rule("""
                title: net
                id: 22222222-2222-3333-4444-555555555555
                tags: [attack.command-and-control, attack.t1071]
                logsource: {product: windows, category: network_connection}
                detection:
                    internal: {DestinationIp|cidr: ['10.0.0.0/8', 'fd00::/8']}
                    high_port: {DestinationPort|gte: 49152}
                    low_port: {SourcePort|lt: 1024}
                    condition: internal and (high_port or low_port)
                """);
        assertThat(matching(r, 3, List.of(
                data("DestinationIp", "10.1.2.3", "DestinationPort", "50000"),
                data("DestinationIp", "fd12::1", "DestinationPort", "49152", "SourcePort", "2000"),
                data("DestinationIp", "10.1.2.3", "DestinationPort", "443", "SourcePort", "80"),
                data("DestinationIp", "11.1.2.3", "DestinationPort", "50000"),
                data("DestinationIp", "10.1.2.3", "DestinationPort", "49151", "SourcePort", "1024"),
                data("DestinationIp", "not-an-ip", "DestinationPort", "50000")))).containsExactly(0, 1, 2);
    }

    @Test
    void base64AndBase64OffsetAndWide() throws Exception {
        // 'http://' at each of the three offsets a base64 stream can put it.
        RuleDefinition r = rule(processCreation("""
                sel_offset: {CommandLine|base64offset|contains: 'http://'}
                sel_plain: {ParentCommandLine|base64: 'whoami'}
                sel_wide: {Description|wide|base64offset|contains: 'ping'}
                condition: 1 of sel_*
                """));
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        java.nio.charset.Charset utf16 = java.nio.charset.StandardCharsets.UTF_16LE;
        assertThat(matching(r, 1, List.of(
                data("CommandLine", "-e " + b64.encodeToString("http://x".getBytes())),
                data("CommandLine", "-e " + b64.encodeToString("ahttp://x".getBytes())),
                data("CommandLine", "-e " + b64.encodeToString("abhttp://x".getBytes())),
                data("ParentCommandLine", b64.encodeToString("whoami".getBytes())),
                data("Description", "x" + b64.encodeToString("a ping b".getBytes(utf16)) + "y"),
                data("Description", b64.encodeToString("a ping b".getBytes())),          // UTF-8, not UTF-16: no
                data("CommandLine", "-e " + b64.encodeToString("https://x".getBytes()))))).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void windashMatchesEveryDashOfASwitch() throws Exception {
        RuleDefinition r = rule(processCreation("""
                selection: {CommandLine|windash|contains: ' -exec bypass'}
                condition: selection
                """));
        assertThat(matching(r, 1, List.of(data("CommandLine", "ps -exec bypass"), data("CommandLine", "ps /exec bypass"),
                data("CommandLine", "ps \u2013exec bypass"), data("CommandLine", "ps \u2014exec bypass"),
                data("CommandLine", "ps \u2015exec bypass"), data("CommandLine", "ps +exec bypass"))))
                .containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void fieldrefComparesTwoFieldsOfTheEvent() throws Exception {
        RuleDefinition r = rule(processCreation("""
                selection: {Image|fieldref: ParentImage}
                condition: selection
                """));
        assertThat(matching(r, 1, List.of(data("Image", "C:\\a.exe", "ParentImage", "c:\\A.exe"),
                data("Image", "C:\\a.exe", "ParentImage", "C:\\b.exe"), data("Image", "C:\\a.exe")))).containsExactly(0);
    }

    @Test
    void expandUsesTheConfiguredPlaceholderValues() throws Exception {
        FieldMapping mapping = FieldMapping.parse("test-mapping", "placeholders: {Admins: ['adm-*', root]}", FieldMapping.shipped());
        RuleDefinition r = rule(processCreation("""
                selection: {User|expand: '%Admins%'}
                condition: selection
                """), mapping);
        assertThat(matching(r, 1, List.of(data("User", "ADM-tran"), data("User", "root"), data("User", "bob"))))
                .containsExactly(0, 1);
        assertThat(SigmaTestRules.refusal(processCreation("""
                selection: {User|expand: '%Admins%'}
                condition: selection
                """)).reason()).isEqualTo(SigmaRefusal.PLACEHOLDER_NOT_CONFIGURED);
    }

    @Test
    void theSecurityLogVariantOfProcessCreationReadsItsOwnFieldNames() throws Exception {
        RuleDefinition r = rule(processCreation("""
                selection: {Image|endswith: '\\whoami.exe'}
                condition: selection
                """));
        var events = List.of(
                SigmaTestRules.windows("Security", 4688, "host-0", data("NewProcessName", "C:\\Windows\\whoami.exe"), SigmaTestRules.T0),
                SigmaTestRules.windows("Security", 4689, "host-1", data("NewProcessName", "C:\\Windows\\whoami.exe"), SigmaTestRules.T0),
                SigmaTestRules.windows(SigmaTestRules.SYSMON, 1, "host-2", data("Image", "C:\\Windows\\whoami.exe"), SigmaTestRules.T0),
                SigmaTestRules.windows(SigmaTestRules.SYSMON, 11, "host-3", data("Image", "C:\\Windows\\whoami.exe"), SigmaTestRules.T0));
        assertThat(SigmaTestRules.hosts(org.vigil.rules.RuleFixtureRunner.alertsFor(r, events))).containsExactly(0, 2);
    }

    @Test
    void keywordsSearchTheMessageOfLinuxAuthLogs() throws Exception {
        RuleDefinition r = rule("""
                title: kw
                id: 33333333-2222-3333-4444-555555555555
                tags: [attack.credential-access, attack.t1110]
                logsource: {product: linux, service: auth}
                detection:
                    keywords: ['Failed password for invalid user', 'authentication failure']
                    condition: keywords
                """);
        var events = List.of(
                org.vigil.event.SecurityEvent.builder().timestamp(SigmaTestRules.T0).id("a").put("host.name", "host-0")
                        .put("event.dataset", "system.auth").put("message", "sshd[1]: FAILED password for invalid user x").build(),
                org.vigil.event.SecurityEvent.builder().timestamp(SigmaTestRules.T0).id("b").put("host.name", "host-1")
                        .put("event.dataset", "system.auth").put("message", "sshd[1]: Accepted password for y").build(),
                org.vigil.event.SecurityEvent.builder().timestamp(SigmaTestRules.T0).id("c").put("host.name", "host-2")
                        .put("event.dataset", "system.syslog").put("message", "authentication failure").build());
        assertThat(SigmaTestRules.hosts(org.vigil.rules.RuleFixtureRunner.alertsFor(r, events))).containsExactly(0);
    }

    @Test
    void aConvertedRuleCarriesTheSigmaMetadata() throws Exception {
        RuleDefinition r = rule("""
                title: Whoami run
                id: 44444444-2222-3333-4444-555555555555
                status: test
                description: Detects whoami
                references: ['https://example.org/whoami']
                author: someone
                level: critical
                tags: [attack.discovery, attack.t1033, attack.t1059.001, cve.2021-1234]
                falsepositives: [Admins, Scripts]
                logsource: {product: windows, category: process_creation}
                detection:
                    selection: {Image|endswith: '\\whoami.exe'}
                    condition: selection
                """);
        assertThat(r.id()).isEqualTo("sigma-44444444-2222-3333-4444-555555555555");
        assertThat(r.sourceFile()).isEqualTo("discovery/sigma-44444444-2222-3333-4444-555555555555.epl");
        assertThat(r.metadata().name()).isEqualTo("Whoami run");
        assertThat(r.metadata().severity().name()).isEqualToIgnoringCase("critical");
        assertThat(r.metadata().tacticIds()).containsExactly("TA0007");
        assertThat(r.metadata().techniqueIds()).containsExactly("T1033", "T1059.001");
        assertThat(r.metadata().description()).contains("Detects whoami").contains("status test");
        assertThat(r.metadata().falsePositives()).isEqualTo("Admins; Scripts");
        assertThat(r.metadata().partitionField()).isEqualTo("host.name");
        assertThat(r.metadata().verification().toString()).contains("corroboration").contains("intel");
        assertThat(r.metadata().suppression().period()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(r.epl()).contains("// Reference: https://example.org/whoami").contains("// Author: someone");
    }
}
