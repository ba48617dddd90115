namespace RoboTracer.Fleet.Testing.Otlp;

/// <summary>One field: <see cref="Value"/> for varint and fixed types, <see cref="Bytes"/> for length-delimited ones.</summary>
public readonly record struct ProtoField(int Number, ulong Value, ReadOnlyMemory<byte> Bytes);
