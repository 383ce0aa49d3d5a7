package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventFormatTest {

    @Test
    void readsConfigNames() {
        assertThat(EventFormat.fromConfigName("ecs")).isEqualTo(EventFormat.ECS_JSON);
        assertThat(EventFormat.fromConfigName("suricata")).isEqualTo(EventFormat.SURICATA_EVE);
        assertThat(EventFormat.fromConfigName("auto")).isEqualTo(EventFormat.AUTO);
        assertThat(EventFormat.fromConfigName(" Suricata ")).isEqualTo(EventFormat.SURICATA_EVE);
        assertThat(EventFormat.fromConfigName("cef")).isEqualTo(EventFormat.CEF);
        assertThat(EventFormat.fromConfigName("WEB")).isEqualTo(EventFormat.WEB);
    }

    @Test
    void configNameRoundTrips() {
        for (EventFormat format : EventFormat.values()) {
            assertThat(EventFormat.fromConfigName(format.configName())).isEqualTo(format);
        }
    }

    @Test
    void refusesUnknownNamesListingTheValidOnes() {
        assertThatThrownBy(() -> EventFormat.fromConfigName("leef"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'leef'")
                .hasMessageContaining("ecs, suricata, auto")
                .hasMessageContaining("cef, web");
        assertThatThrownBy(() -> EventFormat.fromConfigName(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
