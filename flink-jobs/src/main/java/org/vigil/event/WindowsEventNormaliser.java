package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * Reads Windows event logs (Security, System, Application, Sysmon, ...) sent as Winlogbeat ECS JSON, as evtx
 * converter JSON ({@code Event.System}) or as flat NXLog JSON, keeping all event data under
 * {@code winlog.event_data.*}.
 */
public final class WindowsEventNormaliser implements Normaliser {

    private static final Normaliser ECS = new EcsJsonNormaliser();

    @Override
    public EventFormat format() {
        return EventFormat.WINDOWS;
    }

    @Override
    public void normalise(JsonNode root, SecurityEvent.Builder event) throws RejectedEventException {
        WindowsEventReader.Shape shape = WindowsEventReader.shapeOf(root);
        if (shape == null) {
            throw new RejectedEventException(DeadLetterReason.UNKNOWN_FORMAT, "record is not a Windows event: "
                    + "expected a winlog object (Winlogbeat), Event.System (evtx JSON) or EventID and Channel (NXLog)");
        }
        WindowsEvent windows;
        switch (shape) {
            case WINLOGBEAT:
                ECS.normalise(root, event);
                return;
            case EVTX:
                JsonNode evtx = WindowsEventReader.evtxEvent(root);
                event.timestampMillis(EventTime.parse(WindowsEventReader.evtxTime(evtx),
                        "Event.System.TimeCreated.SystemTime"));
                windows = WindowsEventReader.fromEvtx(evtx);
                break;
            default:
                event.timestampMillis(EventTime.parse(WindowsEventReader.nxlogTime(root), "EventTime"));
                windows = WindowsEventReader.fromNxlog(root);
        }
        if (windows.eventId() == null) {
            throw new RejectedEventException(DeadLetterReason.UNKNOWN_FORMAT, "Windows event record has no EventID");
        }
        windows.data().forEach((name, value) -> event.put(WindowsEventReader.EVENT_DATA_PREFIX + name, value));
        WindowsEventMapping.map(windows).forEach(event::put);
    }

    /**
     * Adds the Windows mapping to a Winlogbeat record already read as ECS, given its flattened {@code winlog.*}
     * fields; fields the record already has are kept, except an {@code event.action} that is only the task label
     * ("Logon") Winlogbeat copies there, which says less than the mapped action ("logon-failed").
     */
    static void completeWinlogbeat(Map<String, Object> flat, SecurityEvent.Builder event) {
        WindowsEvent windows = WindowsEventReader.fromWinlogbeat(flat);
        if (windows == null) {
            return;
        }
        Object task = event.get("winlog.task");
        WindowsEventMapping.map(windows).forEach((field, value) -> {
            Object existing = event.get(field);
            if (existing == null || ("event.action".equals(field) && Objects.equals(existing, task))) {
                event.put(field, value);
            }
        });
    }
}
