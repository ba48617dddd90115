using System.Reflection;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// The proxy behind every grain reference: it implements the grain interface and turns each call into a message
/// for the runtime. It holds only the grain's id and the runtime, never an activation or a node, so it is valid
/// across deactivations and restarts of the grain.
/// </summary>
/// <remarks>Not sealed and public-constructible because <see cref="DispatchProxy"/> derives the proxy type from it.</remarks>
internal class GrainReference : DispatchProxy
{
    public GrainRuntime Runtime { get; private set; } = null!;

    public GrainId Id { get; private set; }

    public static TGrainInterface Create<TGrainInterface>(GrainRuntime runtime, GrainId id)
    {
        var proxy = Create<TGrainInterface, GrainReference>();
        var reference = (GrainReference)(object)proxy!;
        reference.Runtime = runtime;
        reference.Id = id;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return GrainMethod.For(targetMethod).InvokeFromProxy(this, args);
    }
}
