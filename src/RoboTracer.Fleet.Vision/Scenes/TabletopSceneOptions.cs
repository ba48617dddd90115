namespace RoboTracer.Fleet.Vision.Scenes;

/// <summary>The knobs of <see cref="TabletopScene.Generate"/>. Lengths in metres, angles in degrees.</summary>
public sealed record TabletopSceneOptions
{
    /// <summary>The defaults: a 640×480 camera, 4–8 objects, yaw on.</summary>
    public static TabletopSceneOptions Default { get; } = new();

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 640;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 480;

    /// <summary>Horizontal field of view; fy = fx (square pixels).</summary>
    public double HorizontalFieldOfView { get; init; } = 60;

    /// <summary>Fewest objects to place (fewer only when they do not fit).</summary>
    public int MinObjects { get; init; } = 4;

    /// <summary>Most objects to place.</summary>
    public int MaxObjects { get; init; } = 8;

    /// <summary>Rotate objects about the vertical by a random yaw; false keeps them axis-aligned.</summary>
    public bool AllowYaw { get; init; } = true;

    /// <summary>Table top size along world x.</summary>
    public double TableLength { get; init; } = 1.2;

    /// <summary>Table top size along world y.</summary>
    public double TableWidth { get; init; } = 0.8;

    /// <summary>Height of the table top above the floor.</summary>
    public double TableHeight { get; init; } = 0.75;

    /// <summary>Objects are placed within this length (world x) around the table centre, so the camera sees them.</summary>
    public double WorkspaceLength { get; init; } = 0.8;

    /// <summary>Objects are placed within this width (world y) around the table centre.</summary>
    public double WorkspaceWidth { get; init; } = 0.5;

    /// <summary>Smallest gap between the footprints' bounding circles.</summary>
    public double MinGap { get; init; } = 0.03;

    /// <summary>Nearest camera distance to the point it looks at.</summary>
    public double MinCameraDistance { get; init; } = 0.9;

    /// <summary>Farthest camera distance to the point it looks at.</summary>
    public double MaxCameraDistance { get; init; } = 1.2;

    /// <summary>Lowest camera elevation above the table plane.</summary>
    public double MinElevation { get; init; } = 40;

    /// <summary>Highest camera elevation above the table plane.</summary>
    public double MaxElevation { get; init; } = 65;

    /// <summary>Largest swing of the camera around the table, either way from straight in front.</summary>
    public double MaxAzimuth { get; init; } = 25;

    /// <summary>The first problem with these options, or null.</summary>
    public string? Validate()
    {
        if (Width <= 0 || Height <= 0)
        {
            return $"image size {Width}x{Height} must be positive";
        }
        if (!(HorizontalFieldOfView > 0 && HorizontalFieldOfView < 180))
        {
            return $"horizontal field of view {HorizontalFieldOfView} must be between 0 and 180 degrees";
        }
        if (MinObjects < 0 || MaxObjects < MinObjects)
        {
            return $"object count range {MinObjects}..{MaxObjects} is invalid";
        }
        if (!(TableLength > 0 && TableWidth > 0 && TableHeight > 0 && WorkspaceLength > 0 && WorkspaceWidth > 0 && MinGap >= 0))
        {
            return "table, workspace and gap sizes must be positive";
        }
        if (!(MinCameraDistance > 0 && MaxCameraDistance >= MinCameraDistance))
        {
            return $"camera distance range {MinCameraDistance}..{MaxCameraDistance} is invalid";
        }
        if (!(MinElevation > 0 && MaxElevation >= MinElevation && MaxElevation < 90 && MaxAzimuth >= 0))
        {
            return "camera angles are invalid: 0 < elevation < 90 and azimuth ≥ 0";
        }
        return null;
    }
}
