package org.vigil.sink.stix;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** The four predefined STIX 2.1 Traffic Light Protocol (TLP 1.0) marking definitions, with their fixed ids. */
public enum TlpMarking {
    WHITE("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
    GREEN("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"),
    AMBER("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"),
    RED("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed");

    /** The {@code created} of every predefined TLP marking, as the STIX 2.1 specification fixes it. */
    public static final String CREATED = "2017-01-20T00:00:00.000Z";

    private final String id;

    TlpMarking(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** {@code TLP:AMBER} and so on. */
    public String displayName() {
        return "TLP:" + name();
    }

    /** The marking-definition object exactly as the specification defines it, so recipients recognise it by id. */
    public ObjectNode toStix() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "marking-definition");
        node.put("spec_version", "2.1");
        node.put("id", id);
        node.put("created", CREATED);
        node.put("definition_type", "tlp");
        node.put("name", displayName());
        node.putObject("definition").put("tlp", name().toLowerCase(Locale.ROOT));
        return node;
    }

    /** Parses white|green|amber|red, with or without a {@code TLP:} prefix, in any case. */
    public static TlpMarking parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        try {
            return valueOf(t.startsWith("TLP:") ? t.substring(4) : t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a TLP marking: '" + text + "' (expected white, green, amber or red)");
        }
    }
}
