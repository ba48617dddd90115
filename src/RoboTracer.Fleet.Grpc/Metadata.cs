using System.Collections;

namespace RoboTracer.Fleet.Grpc;

/// <summary>
/// Custom call metadata: request headers, response headers and trailers. Keys are lower-case ASCII; keys that end
/// in <c>-bin</c> carry binary values, base64-encoded on the wire (gRPC over HTTP/2, "Custom-Metadata").
/// </summary>
public sealed class Metadata : IEnumerable<Metadata.Entry>
{
    /// <summary>The suffix that marks a binary-valued key.</summary>
    public const string BinarySuffix = "-bin";

    private readonly List<Entry> _entries = [];

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds a text entry.</summary>
    public void Add(string key, string value)
    {
        var normalized = NormalizeKey(key);
        if (normalized.EndsWith(BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' ends in '{BinarySuffix}' and so needs a binary value.", nameof(key));
        }
        _entries.Add(new Entry(normalized, value, null));
    }

    /// <summary>Adds a binary entry; the key must end in <c>-bin</c>.</summary>
    public void Add(string key, byte[] value)
    {
        var normalized = NormalizeKey(key);
        if (!normalized.EndsWith(BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Binary metadata key '{key}' must end in '{BinarySuffix}'.", nameof(key));
        }
        _entries.Add(new Entry(normalized, null, value));
    }

    /// <summary>The first entry with <paramref name="key"/>, or null.</summary>
    public Entry? Get(string key)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }
        return null;
    }

    /// <summary>The first text value for <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <inheritdoc />
    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (var c in key)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!valid)
            {
                throw new ArgumentException($"Metadata key '{key}' has '{c}': only a-z, 0-9, '-', '_' and '.' are allowed.", nameof(key));
            }
        }
        if (key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Metadata key '{key}' is reserved: 'grpc-' headers belong to the protocol.", nameof(key));
        }
        return key.ToLowerInvariant();
    }

    /// <summary>One metadata entry: a text <see cref="Value"/> or, for <c>-bin</c> keys, <see cref="ValueBytes"/>.</summary>
    public sealed record Entry(string Key, string? Value, byte[]? ValueBytes)
    {
        /// <summary>True for a <c>-bin</c> key.</summary>
        public bool IsBinary => ValueBytes is not null;
    }
}
