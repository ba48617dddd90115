using System.Text.RegularExpressions;

namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>Resource names end up in environment variable names (<c>services__{name}__…</c>), so they are kept plain.</summary>
internal static partial class ResourceNames
{
    public static string Validate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!ValidName().IsMatch(name))
        {
            throw new ArgumentException($"Resource name '{name}' must start with a lowercase letter and contain only lowercase letters, digits and '-'.", nameof(name));
        }
        return name;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex ValidName();
}
