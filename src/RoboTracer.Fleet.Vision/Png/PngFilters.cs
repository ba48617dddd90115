namespace RoboTracer.Fleet.Vision.Png;

/// <summary>
/// The five scanline filters of PNG filter method 0 (PNG spec §9.2): None, Sub, Up, Average, Paeth. Filters work
/// on bytes; <c>bpp</c> is the number of bytes per complete pixel, rounded up to 1 for bit depths below 8.
/// </summary>
internal static class PngFilters
{
    public const byte None = 0;
    public const byte Sub = 1;
    public const byte Up = 2;
    public const byte Average = 3;
    public const byte Paeth = 4;

    /// <summary>Reverses filter <paramref name="type"/>; false for a filter type outside 0–4.</summary>
    public static bool TryUnfilter(byte type, ReadOnlySpan<byte> filtered, ReadOnlySpan<byte> prior, Span<byte> output, int bpp)
    {
        var n = filtered.Length;
        switch (type)
        {
            case None:
                filtered.CopyTo(output);
                return true;
            case Sub:
                for (var i = 0; i < n; i++)
                {
                    output[i] = (byte)(filtered[i] + (i >= bpp ? output[i - bpp] : 0));
                }
                return true;
            case Up:
                for (var i = 0; i < n; i++)
                {
                    output[i] = (byte)(filtered[i] + prior[i]);
                }
                return true;
            case Average:
                for (var i = 0; i < n; i++)
                {
                    var left = i >= bpp ? output[i - bpp] : 0;
                    output[i] = (byte)(filtered[i] + ((left + prior[i]) >> 1));
                }
                return true;
            case Paeth:
                for (var i = 0; i < n; i++)
                {
                    var left = i >= bpp ? output[i - bpp] : 0;
                    var upLeft = i >= bpp ? prior[i - bpp] : 0;
                    output[i] = (byte)(filtered[i] + Predict(left, prior[i], upLeft));
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>Applies filter <paramref name="type"/> to <paramref name="row"/> and returns the sum of the outputs read as signed bytes' magnitudes.</summary>
    public static long Filter(byte type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, Span<byte> output, int bpp)
    {
        long cost = 0;
        for (var i = 0; i < row.Length; i++)
        {
            var left = i >= bpp ? row[i - bpp] : 0;
            var upLeft = i >= bpp ? prior[i - bpp] : 0;
            var predicted = type switch
            {
                None => 0,
                Sub => left,
                Up => prior[i],
                Average => (left + prior[i]) >> 1,
                _ => Predict(left, prior[i], upLeft),
            };
            var value = (byte)(row[i] - predicted);
            output[i] = value;
            // Widen first: Math.Abs of sbyte -128 overflows.
            cost += Math.Abs((int)(sbyte)value);
        }
        return cost;
    }

    /// <summary>The Paeth predictor (PNG spec §9.4): whichever of left, up, up-left is closest to left + up − up-left.</summary>
    public static int Predict(int left, int up, int upLeft)
    {
        var p = left + up - upLeft;
        var pa = Math.Abs(p - left);
        var pb = Math.Abs(p - up);
        var pc = Math.Abs(p - upLeft);
        if (pa <= pb && pa <= pc)
        {
            return left;
        }
        return pb <= pc ? up : upLeft;
    }
}
