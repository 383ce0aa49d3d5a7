package org.vigil.event;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink type information of {@link SecurityEvent}, pointing Flink at {@link SecurityEventSerializer}. */
public final class SecurityEventTypeInfo extends TypeInformation<SecurityEvent> {
    private static final long serialVersionUID = 1L;
    public static final SecurityEventTypeInfo INSTANCE = new SecurityEventTypeInfo();

    /** Lets {@code @TypeInfo} on {@link SecurityEvent} find this type information. */
    public static final class Factory extends TypeInfoFactory<SecurityEvent> {
        @Override
        public TypeInformation<SecurityEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<SecurityEvent> getTypeClass() { return SecurityEvent.class; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<SecurityEvent> createSerializer(SerializerConfig config) {
        return SecurityEventSerializer.INSTANCE;
    }

    @Override public String toString() { return "SecurityEvent"; }
    @Override public boolean equals(Object obj) { return obj instanceof SecurityEventTypeInfo; }
    @Override public int hashCode() { return SecurityEventTypeInfo.class.hashCode(); }
    @Override public boolean canEqual(Object obj) { return obj instanceof SecurityEventTypeInfo; }
}
