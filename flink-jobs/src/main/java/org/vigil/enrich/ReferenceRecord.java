package org.vigil.enrich;

import java.io.Serializable;
import java.util.Map;

/**
 * One reference-data record with a stable key, as it lives on a compacted topic: the key is the record's kind plus its
 * natural key (a later record with the same key replaces it, a tombstone removes it), the value its fields as text.
 */
public sealed interface ReferenceRecord extends Serializable
        permits Asset, BotnetEntry, BotnetListVersion, Ioc, Vulnerability {

    /** The topic key, e.g. {@code asset:10.20.0.0/16} or {@code ioc:domain:evil.example}. */
    String key();

    /** The record's fields by their file names, as text, in the documented order (absent optional fields omitted). */
    Map<String, String> fields();
}
