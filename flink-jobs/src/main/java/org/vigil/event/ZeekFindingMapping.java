package org.vigil.event;

import java.util.List;

/** The ECS mapping of Zeek's notice, weird, files and x509 logs: what Zeek found rather than what it saw pass. */
final class ZeekFindingMapping {

    private ZeekFindingMapping() {}

    static void notice(ZeekFields f) {
        f.move("note", "rule.name");
        f.move("msg", "message");
        // src, dst and p name the notice's subject when it has no connection (e.g. a scan summary).
        if (f.event().get("source.ip") == null) {
            f.moveAddress("src", "source.ip");
        }
        if (f.event().get("destination.ip") == null) {
            f.moveAddress("dst", "destination.ip");
        }
        if (f.event().get("destination.port") == null && f.peek("p") != null) {
            f.movePort("p", "destination.port");
        }
        f.set("network.transport", ZeekFields.lower(f.take("proto")));
        f.move("file_mime_type", "file.mime_type");
    }

    static void weird(ZeekFields f) {
        f.move("name", "rule.name");
        f.move("peer", "observer.name");
    }

    static void files(ZeekFields f) {
        f.move("mime_type", "file.mime_type");
        f.move("filename", "file.name");
        f.move("total_bytes", "file.size");
        f.move("md5", "file.hash.md5");
        f.move("sha1", "file.hash.sha1");
        f.move("sha256", "file.hash.sha256");
        // Zeek before 5.0 lists tx_hosts and rx_hosts instead of one connection; which is source or destination
        // depends on the transfer's direction, so they stay as Zeek wrote them.
    }

    static void x509(ZeekFields f) {
        f.move("certificate.subject", "x509.subject.distinguished_name");
        f.move("certificate.issuer", "x509.issuer.distinguished_name");
        f.move("certificate.serial", "x509.serial_number");
        f.move("certificate.version", "x509.version_number");
        f.move("certificate.sig_alg", "x509.signature_algorithm");
        f.move("certificate.key_alg", "x509.public_key_algorithm");
        f.move("certificate.key_length", "x509.public_key_size");
        f.move("certificate.curve", "x509.public_key_curve");
        f.set("x509.not_before", ZeekNetworkMapping.instant(f, "certificate.not_valid_before"));
        f.set("x509.not_after", ZeekNetworkMapping.instant(f, "certificate.not_valid_after"));
        List<String> names = f.peekList("san.dns");
        names.forEach(name -> f.event().add("x509.alternative_names", name));
    }
}
