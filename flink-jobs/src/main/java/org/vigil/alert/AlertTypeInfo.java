package org.vigil.alert;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink type information of {@link Alert}, pointing Flink at {@link AlertSerializer}. */
public final class AlertTypeInfo extends TypeInformation<Alert> {
    private static final long serialVersionUID = 1L;
    public static final AlertTypeInfo INSTANCE = new AlertTypeInfo();

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<Alert> getTypeClass() { return Alert.class; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<Alert> createSerializer(SerializerConfig config) {
        return AlertSerializer.INSTANCE;
    }

    @Override public String toString() { return "Alert"; }
    @Override public boolean equals(Object obj) { return obj instanceof AlertTypeInfo; }
    @Override public int hashCode() { return AlertTypeInfo.class.hashCode(); }
    @Override public boolean canEqual(Object obj) { return obj instanceof AlertTypeInfo; }
}
