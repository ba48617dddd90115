using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace RoboTracer.Fleet.Serialization;

/// <summary>
/// JSON of any fleet type, with the settings of the stored contract (<see cref="FleetJsonContext"/>: camelCase,
/// enums by name, the compact converters of ids and geometry) but resolved by reflection, for types the source
/// generator does not list: what Orleans carries between silos (grain arguments and results).
/// </summary>
public static class FleetJson
{
    /// <summary>New options; the caller may add to them before first use.</summary>
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(FleetJsonContext.Default.Options)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            // Bad input travels too: a NaN the receiving grain must refuse with a precise error cannot be lost on the way.
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        return options;
    }
}
