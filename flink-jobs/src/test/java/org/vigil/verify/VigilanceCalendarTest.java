package org.vigil.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Vigilance periods: whole days in the configured zone, recurring or absolute, across the new year. */
class VigilanceCalendarTest {
    private static final VigilanceCalendar HOLIDAYS =
            VigilanceCalendar.parse("04-30..05-01, 09-02, 12-31..01-01, 2027-02-05..2027-02-12", null);

    private static boolean at(VigilanceCalendar c, String instant) {
        return c.inForce(Instant.parse(instant).toEpochMilli());
    }

    @Test
    void periodsBeginAndEndAtMidnightInHoChiMinhCityByDefault() {
        assertThat(HOLIDAYS.zone().getId()).isEqualTo("Asia/Ho_Chi_Minh");
        // 30 April 00:00 in UTC+7 is 29 April 17:00 UTC.
        assertThat(at(HOLIDAYS, "2026-04-29T16:59:59.999Z")).isFalse();
        assertThat(at(HOLIDAYS, "2026-04-29T17:00:00Z")).isTrue();
        // 1 May is the last day: it ends at 2 May 00:00 UTC+7, 1 May 17:00 UTC.
        assertThat(at(HOLIDAYS, "2026-05-01T16:59:59.999Z")).isTrue();
        assertThat(at(HOLIDAYS, "2026-05-01T17:00:00Z")).isFalse();
    }

    @Test
    void aSingleDayAndRecurringPeriodsHoldEveryYear() {
        assertThat(at(HOLIDAYS, "2026-09-02T03:00:00Z")).isTrue();
        assertThat(at(HOLIDAYS, "2031-09-02T03:00:00Z")).isTrue();
        assertThat(at(HOLIDAYS, "2031-09-03T03:00:00Z")).isFalse();
        assertThat(at(HOLIDAYS, "2030-05-01T03:00:00Z")).isTrue();
    }

    @Test
    void aRecurringRangeWrapsTheNewYear() {
        assertThat(at(HOLIDAYS, "2026-12-30T16:59:00Z")).as("30 Dec 23:59 local").isFalse();
        assertThat(at(HOLIDAYS, "2026-12-30T17:00:00Z")).as("31 Dec 00:00 local").isTrue();
        assertThat(at(HOLIDAYS, "2027-01-01T12:00:00Z")).isTrue();
        assertThat(at(HOLIDAYS, "2027-01-01T17:00:00Z")).as("2 Jan 00:00 local").isFalse();
        assertThat(at(HOLIDAYS, "2027-06-15T00:00:00Z")).isFalse();
    }

    @Test
    void anAbsoluteRangeHoldsInItsYearOnly() {
        assertThat(at(HOLIDAYS, "2027-02-04T16:59:59Z")).isFalse();
        assertThat(at(HOLIDAYS, "2027-02-04T17:00:00Z")).as("Tết, 5 Feb 00:00 local").isTrue();
        assertThat(at(HOLIDAYS, "2027-02-12T16:59:59Z")).isTrue();
        assertThat(at(HOLIDAYS, "2027-02-12T17:00:00Z")).isFalse();
        assertThat(at(HOLIDAYS, "2028-02-07T03:00:00Z")).as("not a recurring date").isFalse();
    }

    @Test
    void anotherZoneMovesTheBoundaries() {
        VigilanceCalendar utc = VigilanceCalendar.parse("04-30", "UTC");
        assertThat(at(utc, "2026-04-29T17:00:00Z")).isFalse();
        assertThat(at(utc, "2026-04-30T00:00:00Z")).isTrue();
        assertThat(at(utc, "2026-04-30T23:59:59Z")).isTrue();
    }

    @Test
    void blankMeansNoVigilance() {
        assertThat(VigilanceCalendar.parse("", "Asia/Ho_Chi_Minh").inForce(0)).isFalse();
        assertThat(VigilanceCalendar.parse(null, null).size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"30-04", "04-31", "2027-02-12..2027-02-05", "04-30..2027-05-01", "04-30...05-01", "holiday", "04-30,"})
    void malformedPeriodsAreRefusedNamingTheEntry(String periods) {
        assertThatThrownBy(() -> VigilanceCalendar.parse(periods, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vigilance period '");
    }

    @Test
    void anUnknownZoneIsRefused() {
        assertThatThrownBy(() -> VigilanceCalendar.parse("04-30", "Hanoi")).hasMessageContaining("vigilance.time-zone 'Hanoi'");
    }
}
