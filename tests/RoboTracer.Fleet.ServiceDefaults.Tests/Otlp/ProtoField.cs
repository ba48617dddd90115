namespace RoboTracer.Fleet.ServiceDefaults.Tests.Otlp;

/// <summary>One field: <see cref="Value"/> for varint and fixed types, <see cref="Bytes"/> for length-delimited ones.</summary>
internal readonly record struct ProtoField(int Number, ulong Value, ReadOnlyMemory<byte> Bytes);
