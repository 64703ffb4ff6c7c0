/// A protobuf field this version of the schema does not know, kept verbatim so that a round trip
/// loses nothing. Re-emitted at the end of its message (protobuf-c's behaviour).
public struct UnknownField: Hashable, Sendable {
    /// Field number.
    public var fieldNumber: UInt32
    /// Wire type (0 varint, 1 64-bit, 2 length-delimited, 5 32-bit).
    public var wireType: UInt32
    /// The payload as on the wire after the tag; for wire type 2 this includes the length prefix
    /// (protobuf-c keeps and re-emits it so), e.g. `[2, 0x68, 0x69]` for the bytes "hi".
    public var payload: [UInt8]
    public init(fieldNumber: UInt32, wireType: UInt32, payload: [UInt8]) {
        self.fieldNumber = fieldNumber; self.wireType = wireType; self.payload = payload
    }
}

/// A message kept as its serialized protobuf bytes because the IR does not interpret it
/// (`DeviceConfigurationProto`, `NodeDeviceConfigurationProto`: multi-device sharding hints).
public struct OpaqueMessage: Hashable, Sendable {
    /// The message's serialized bytes.
    public var bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
}

/// A `StringStringEntryProto`: one key/value pair of metadata or external-data information.
public struct StringStringEntry: Hashable, Sendable {
    public var key: String?
    public var value: String?
    public var unknownFields: [UnknownField] = []
    public init(key: String?, value: String?) { self.key = key; self.value = value }
}
