namespace RoboTracer.Fleet.Vision;

/// <summary>The encoded image formats a request may carry.</summary>
public enum ImageKind
{
    /// <summary>PNG (ISO/IEC 15948).</summary>
    Png,

    /// <summary>JPEG (ITU-T T.81 / JFIF).</summary>
    Jpeg,
}
