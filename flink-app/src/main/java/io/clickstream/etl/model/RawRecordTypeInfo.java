package io.clickstream.etl.model;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Flink's type information for {@link RawRecord}, declared on the class so that every
 * {@code TypeInformation.of(RawRecord.class)} gets {@link RawRecordSerializer}, never a POJO or
 * Kryo serializer.
 */
public final class RawRecordTypeInfo extends TypeInformation<RawRecord> {
    private static final long serialVersionUID = 1L;

    /** Named by {@code @TypeInfo} on {@link RawRecord}. */
    public static final class Factory extends TypeInfoFactory<RawRecord> {
        @Override
        public TypeInformation<RawRecord> createTypeInfo(Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new RawRecordTypeInfo();
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<RawRecord> getTypeClass() {
        return RawRecord.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<RawRecord> createSerializer(SerializerConfig config) {
        return RawRecordSerializer.INSTANCE;
    }

    @Override
    @SuppressWarnings("deprecation")
    public TypeSerializer<RawRecord> createSerializer(ExecutionConfig config) {
        return RawRecordSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "RawRecord";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof RawRecordTypeInfo;
    }

    @Override
    public int hashCode() {
        return RawRecordTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof RawRecordTypeInfo;
    }
}
