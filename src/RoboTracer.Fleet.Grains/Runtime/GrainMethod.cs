using System.Collections.Concurrent;
using System.Reflection;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// What the runtime knows about one grain interface method: how to turn a proxy call into a message, and a
/// message into a call on the grain. Built once per method and cached.
/// </summary>
internal sealed class GrainMethod
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethod> Cache = new();

    private readonly Func<GrainReference, object?[]?, object> _proxyInvoker;

    private GrainMethod(MethodInfo method)
    {
        Method = method;
        var returnType = method.ReturnType;
        if (returnType == typeof(Task))
        {
            Kind = ReturnKind.Task;
        }
        else if (returnType == typeof(ValueTask))
        {
            Kind = ReturnKind.ValueTask;
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            Kind = ReturnKind.TaskOfT;
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            Kind = ReturnKind.ValueTaskOfT;
        }
        else
        {
            throw new InvalidOperationException($"Grain method {Describe(method)} returns {returnType.Name}; grain methods return Task, Task<T>, ValueTask or ValueTask<T>.");
        }
        IsOneWay = method.IsDefined(typeof(OneWayAttribute), inherit: false);
        if (IsOneWay && Kind is not (ReturnKind.Task or ReturnKind.ValueTask))
        {
            throw new InvalidOperationException($"Grain method {Describe(method)} is [OneWay] but returns a value; a one-way call has no result.");
        }
        AlwaysInterleave = method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: false);
        ResultType = Kind is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT ? returnType.GetGenericArguments()[0] : typeof(Unit);
        var factory = typeof(GrainMethod).GetMethod(
            Kind is ReturnKind.ValueTask or ReturnKind.ValueTaskOfT ? nameof(CreateValueTaskInvoker) : nameof(CreateTaskInvoker),
            BindingFlags.NonPublic | BindingFlags.Static)!;
        _proxyInvoker = (Func<GrainReference, object?[]?, object>)factory.MakeGenericMethod(ResultType).Invoke(null, [this])!;
    }

    private enum ReturnKind
    {
        Task,
        TaskOfT,
        ValueTask,
        ValueTaskOfT,
    }

    public MethodInfo Method { get; }

    public bool IsOneWay { get; }

    public bool AlwaysInterleave { get; }

    public Type ResultType { get; }

    private ReturnKind Kind { get; }

    public static GrainMethod For(MethodInfo method) => Cache.GetOrAdd(method, static m => new GrainMethod(m));

    /// <summary>Checks every method of a grain interface once, so a bad interface fails at registration, not at its first call.</summary>
    public static void ValidateInterface(Type grainInterface)
    {
        if (!grainInterface.IsInterface)
        {
            throw new ArgumentException($"{grainInterface.Name} is not an interface.", nameof(grainInterface));
        }
        foreach (var type in grainInterface.GetInterfaces().Append(grainInterface))
        {
            if (type.GetProperties().Length > 0 || type.GetEvents().Length > 0)
            {
                throw new ArgumentException($"Grain interface {type.Name} declares properties or events; a grain is reached only through async methods.", nameof(grainInterface));
            }
            foreach (var method in type.GetMethods())
            {
                if (method.IsGenericMethodDefinition)
                {
                    throw new ArgumentException($"Grain method {Describe(method)} is generic; grain methods are not.", nameof(grainInterface));
                }
                For(method);
            }
        }
    }

    /// <summary>What a proxy returns for a call: the Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt; the caller awaits.</summary>
    public object InvokeFromProxy(GrainReference reference, object?[]? args) => _proxyInvoker(reference, args);

    /// <summary>Calls the method on the grain (inside a turn) and adapts its result.</summary>
    public Task<T> InvokeOnGrain<T>(object grain, object?[]? args)
    {
        var result = Method.Invoke(grain, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null)
            ?? throw new InvalidOperationException($"Grain method {Describe(Method)} returned null instead of a task.");
        return Kind switch
        {
            ReturnKind.TaskOfT => (Task<T>)result,
            ReturnKind.ValueTaskOfT => ((ValueTask<T>)result).AsTask(),
            ReturnKind.Task => (Task<T>)(object)AsUnit((Task)result),
            _ => (Task<T>)(object)AsUnit(((ValueTask)result).AsTask()),
        };
    }

    public static string Describe(MethodInfo method) => $"{method.DeclaringType?.Name}.{method.Name}";

    private static async Task<Unit> AsUnit(Task task)
    {
        await task;
        return default;
    }

    private static Func<GrainReference, object?[]?, object> CreateTaskInvoker<T>(GrainMethod method) =>
        (reference, args) => reference.Runtime.Invoke<T>(reference.Id, method, args);

    private static Func<GrainReference, object?[]?, object> CreateValueTaskInvoker<T>(GrainMethod method) => method.Kind == ReturnKind.ValueTask
        ? (reference, args) => new ValueTask(reference.Runtime.Invoke<T>(reference.Id, method, args))
        : (reference, args) => new ValueTask<T>(reference.Runtime.Invoke<T>(reference.Id, method, args));
}
