using System.Buffers.Binary;
using RoboTracer.Fleet.Vision.Png;

namespace RoboTracer.Fleet.Vision;

/// <summary>
/// Recognises PNG and JPEG from their signatures and reads their size without decoding pixels: the PNG IHDR, or
/// the JPEG SOFn frame header (ITU-T T.81 §B.2.2). For validating requests before any heavy work.
/// </summary>
public static class ImageFormat
{
    /// <summary>The format and size of an encoded image.</summary>
    /// <exception cref="FormatException">
    /// The bytes are neither PNG nor JPEG ("image bytes are neither PNG nor JPEG"), or the header is truncated or
    /// invalid; the message says which.
    /// </exception>
    public static ImageInfo Sniff(ReadOnlySpan<byte> bytes)
    {
        if (!TrySniff(bytes, out var info, out var error))
        {
            throw new FormatException(error);
        }
        return info;
    }

    /// <summary>As <see cref="Sniff"/>, without an exception: false and the message when the bytes are not a PNG or JPEG with a readable size.</summary>
    public static bool TrySniff(ReadOnlySpan<byte> bytes, out ImageInfo info, out string? error)
    {
        info = default;
        if (bytes.StartsWith(DepthPng.Signature))
        {
            error = SniffPng(bytes, out info);
        }
        else if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            error = SniffJpeg(bytes, out info);
        }
        else
        {
            error = bytes.IsEmpty ? "image bytes are empty" : "image bytes are neither PNG nor JPEG";
        }
        return error is null;
    }

    private static string? SniffPng(ReadOnlySpan<byte> bytes, out ImageInfo info)
    {
        info = default;
        // Signature (8), then the IHDR chunk: length 13, type, width, height (PNG spec §11.2.2).
        if (bytes.Length < 8 + 8 + 8)
        {
            return "PNG is truncated before its header (IHDR)";
        }
        if (BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]) != 13 || !bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return "PNG does not start with a valid header (IHDR) chunk";
        }
        var width = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]);
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            return $"PNG size {width}x{height} is invalid";
        }
        info = new(ImageKind.Png, (int)width, (int)height);
        return null;
    }

    private static string? SniffJpeg(ReadOnlySpan<byte> bytes, out ImageInfo info)
    {
        info = default;
        var offset = 2;
        while (true)
        {
            // Markers are 0xFF then a code; any number of 0xFF fill bytes may precede the code (T.81 §B.1.1.2).
            if (offset >= bytes.Length || bytes[offset] != 0xFF)
            {
                return offset >= bytes.Length
                    ? "JPEG is truncated before its frame header (SOF)"
                    : $"JPEG is corrupt: expected a marker at byte {offset}";
            }
            while (offset < bytes.Length && bytes[offset] == 0xFF)
            {
                offset++;
            }
            if (offset >= bytes.Length)
            {
                return "JPEG is truncated before its frame header (SOF)";
            }
            var marker = bytes[offset++];
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // TEM and RSTn stand alone, without a length.
            }
            if (marker is 0xD9 or 0xDA)
            {
                return "JPEG has no frame header (SOF) before its scan data";
            }
            if (offset + 2 > bytes.Length)
            {
                return "JPEG is truncated before its frame header (SOF)";
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[offset..]);
            if (length < 2)
            {
                return $"JPEG segment at byte {offset - 2} has an invalid length {length}";
            }
            // SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 8 || offset + 7 > bytes.Length)
                {
                    return "JPEG is truncated inside its frame header (SOF)";
                }
                var height = BinaryPrimitives.ReadUInt16BigEndian(bytes[(offset + 3)..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(bytes[(offset + 5)..]);
                if (width == 0 || height == 0)
                {
                    // Height 0 defers it to a DNL marker after the first scan (T.81 §B.2.5); nobody sends that.
                    return $"JPEG frame size {width}x{height} is not supported (width and height must be given)";
                }
                info = new(ImageKind.Jpeg, width, height);
                return null;
            }
            offset += length;
        }
    }
}
