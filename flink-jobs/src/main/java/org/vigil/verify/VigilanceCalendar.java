package org.vigil.verify;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The heightened-vigilance periods (holidays): whole days in a configured time zone, either recurring every year
 * ({@code 04-30..05-01}, {@code 09-02}, {@code 12-31..01-01} across the new year) or absolute for holidays that
 * move with the lunar calendar ({@code 2027-02-05..2027-02-12} for Tết). Both ends of a range are included.
 *
 * <p>Judged by the alert's event time, never the wall clock, so a replay or backtest scores as the live run did.
 */
public final class VigilanceCalendar implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The zone of the provincial data centre; days begin and end at its midnight. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
    /** No vigilance periods. */
    public static final VigilanceCalendar NONE = new VigilanceCalendar(List.of(), DEFAULT_ZONE);

    /** One period: a recurring month-day range or an absolute date range, both ends included. */
    record Period(MonthDay fromDay, MonthDay toDay, LocalDate fromDate, LocalDate toDate) implements Serializable {
        boolean contains(LocalDate day) {
            if (fromDate != null) {
                return !day.isBefore(fromDate) && !day.isAfter(toDate);
            }
            MonthDay md = MonthDay.from(day);
            if (!fromDay.isAfter(toDay)) {
                return !md.isBefore(fromDay) && !md.isAfter(toDay);
            }
            // Wraps the new year: 12-30..01-02 holds from 30 December to 2 January.
            return !md.isBefore(fromDay) || !md.isAfter(toDay);
        }
    }

    private final List<Period> periods;
    private final ZoneId zone;

    private VigilanceCalendar(List<Period> periods, ZoneId zone) {
        this.periods = List.copyOf(periods);
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * Parses {@code vigilance.periods}: comma-separated days or ranges, each {@code MM-DD}, {@code MM-DD..MM-DD},
     * {@code YYYY-MM-DD} or {@code YYYY-MM-DD..YYYY-MM-DD}; blank means none.
     *
     * @throws IllegalArgumentException naming the entry that is wrong
     */
    public static VigilanceCalendar parse(String periods, String zone) {
        ZoneId zoneId;
        try {
            zoneId = zone == null || zone.isBlank() ? DEFAULT_ZONE : ZoneId.of(zone.strip());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("vigilance.time-zone '" + zone + "' is not a time zone id such as Asia/Ho_Chi_Minh");
        }
        List<Period> parsed = new ArrayList<>();
        if (periods != null && !periods.isBlank()) {
            for (String entry : periods.split(",", -1)) {
                parsed.add(period(entry.strip()));
            }
        }
        return new VigilanceCalendar(parsed, zoneId);
    }

    private static Period period(String entry) {
        String[] ends = entry.split("\\.\\.", -1);
        if (entry.isEmpty() || ends.length > 2) {
            throw new IllegalArgumentException(badEntry(entry));
        }
        String from = ends[0].strip();
        String to = ends.length == 2 ? ends[1].strip() : from;
        try {
            if (from.length() == 5 && to.length() == 5) {
                return new Period(MonthDay.parse("--" + from), MonthDay.parse("--" + to), null, null);
            }
            if (from.length() == 10 && to.length() == 10) {
                LocalDate a = LocalDate.parse(from);
                LocalDate b = LocalDate.parse(to);
                if (b.isBefore(a)) {
                    throw new IllegalArgumentException("vigilance period '" + entry + "' ends before it starts");
                }
                return new Period(null, null, a, b);
            }
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(badEntry(entry) + ": " + e.getMessage());
        }
        throw new IllegalArgumentException(badEntry(entry));
    }

    private static String badEntry(String entry) {
        return "vigilance period '" + entry + "' must be MM-DD, MM-DD..MM-DD (every year), YYYY-MM-DD or"
                + " YYYY-MM-DD..YYYY-MM-DD";
    }

    /** Whether a vigilance period is in force at this event time. */
    public boolean inForce(long epochMillis) {
        if (periods.isEmpty()) {
            return false;
        }
        LocalDate day = Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDate();
        for (Period p : periods) {
            if (p.contains(day)) {
                return true;
            }
        }
        return false;
    }

    public ZoneId zone() {
        return zone;
    }

    public int size() {
        return periods.size();
    }
}
