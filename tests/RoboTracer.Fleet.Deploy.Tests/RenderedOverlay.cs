using System.Text;
using YamlDotNet.RepresentationModel;

namespace RoboTracer.Fleet.Deploy.Tests;

/// <summary>An overlay of deploy/kubernetes as <c>kubectl kustomize</c> renders it, with lookups over its objects.</summary>
internal sealed partial class RenderedOverlay
{
    /// <summary>The value an environment variable set from a field or resource (valueFrom) stands for in the checks.</summary>
    public const string FieldValue = "10.1.2.3";

    private RenderedOverlay(string name, IReadOnlyList<YamlMappingNode> objects) => (Name, Objects) = (name, objects);

    public string Name { get; }

    public IReadOnlyList<YamlMappingNode> Objects { get; }

    public static IReadOnlyList<string> Names { get; } = ["dev", "production"];

    public static RenderedOverlay Render(string overlay)
    {
        var (exitCode, output, error) = Tools.Run(Tools.Kubectl, "the kubectl package (Kubernetes' apt repository)", "kustomize", Tools.Deploy("kubernetes", "overlays", overlay));
        Assert.True(exitCode == 0, $"kubectl kustomize overlays/{overlay} failed ({exitCode}): {error}");
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        return new RenderedOverlay(overlay, [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)]);
    }

    public IEnumerable<YamlMappingNode> OfKind(string kind) => Objects.Where(o => Text(o, "kind") == kind);

    public YamlMappingNode Single(string kind, string name) => OfKind(kind).Single(o => Text(o, "metadata", "name") == name);

    /// <summary>Every workload's pod template spec, by workload name (a CronJob's is its job template's).</summary>
    public IEnumerable<(string Workload, YamlMappingNode Pod)> Pods() =>
        Objects.Where(o => Text(o, "kind") is "Deployment" or "StatefulSet" or "DaemonSet" or "Job" or "CronJob")
            .Select(o => (Text(o, "metadata", "name")!, (YamlMappingNode)(At(o, "spec", "template", "spec") ?? At(o, "spec", "jobTemplate", "spec", "template", "spec"))!));

    /// <summary>The pods of the long-running services (Deployments), which serve, and are probed, on their endpoints.</summary>
    public IEnumerable<(string Workload, YamlMappingNode Pod)> ServicePods() =>
        Pods().Where(p => OfKind("Deployment").Any(d => Text(d, "metadata", "name") == p.Workload));

    public YamlMappingNode Pod(string workload) => Pods().Single(p => p.Workload == workload).Pod;

    public static IEnumerable<YamlMappingNode> Containers(YamlMappingNode pod) =>
        Sequence(pod, "containers").Concat(Sequence(pod, "initContainers")).Cast<YamlMappingNode>();

    /// <summary>
    /// The environment a container gets: its ConfigMaps' and Secrets' keys (envFrom) and its own variables, in the
    /// order Kubernetes applies them (env wins over envFrom); a variable from a ConfigMap or Secret key has that key's
    /// value, one from a pod field <see cref="FieldValue"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(YamlMappingNode container)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in Sequence(container, "envFrom"))
        {
            if (Text(source, "configMapRef", "name") is { } configMap)
            {
                foreach (var (key, value) in Data(Single("ConfigMap", configMap), "data"))
                {
                    environment[key] = value;
                }
            }
            if (Text(source, "secretRef", "name") is { } secret)
            {
                foreach (var (key, value) in SecretData(secret))
                {
                    environment[key] = value;
                }
            }
        }
        foreach (var variable in Sequence(container, "env"))
        {
            environment[Text(variable, "name")!] = Text(variable, "value")
                ?? (Text(variable, "valueFrom", "configMapKeyRef", "name") is { } configMap
                    ? Data(Single("ConfigMap", configMap), "data").Single(d => d.Key == Text(variable, "valueFrom", "configMapKeyRef", "key")).Value
                    : null)
                ?? (Text(variable, "valueFrom", "secretKeyRef", "name") is { } secret
                    ? SecretData(secret).Single(d => d.Key == Text(variable, "valueFrom", "secretKeyRef", "key")).Value
                    : null)
                ?? FieldValue;
        }
        return environment;
    }

    /// <summary>
    /// A container's arguments as Kubernetes runs them: <c>$(VAR)</c> replaced by the variable of its
    /// <see cref="Environment"/> (an unknown one stays as written, as Kubernetes leaves it).
    /// </summary>
    public IReadOnlyList<string> Arguments(YamlMappingNode container)
    {
        var environment = Environment(container);
        return [.. Sequence(container, "args").Select(a => Variable().Replace(
            ((YamlScalarNode)a).Value!, m => environment.TryGetValue(m.Groups["name"].Value, out var value) ? value : m.Value))];
    }

    private IEnumerable<(string Key, string Value)> SecretData(string name)
    {
        var secret = Single("Secret", name);
        return Data(secret, "data").Select(d => (d.Key, Encoding.UTF8.GetString(Convert.FromBase64String(d.Value))))
            .Concat(Data(secret, "stringData"));
    }

    public static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }
            node = next;
        }
        return node;
    }

    public static string? Text(YamlNode node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Sequence(YamlNode node, params string[] path) =>
        At(node, path) is YamlSequenceNode sequence ? sequence.Children : [];

    private static IEnumerable<(string Key, string Value)> Data(YamlNode node, string field) =>
        At(node, field) is YamlMappingNode mapping
            ? mapping.Children.Select(c => (((YamlScalarNode)c.Key).Value!, ((YamlScalarNode)c.Value).Value ?? ""))
            : [];

    [System.Text.RegularExpressions.GeneratedRegex(@"\$\((?<name>[A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial System.Text.RegularExpressions.Regex Variable();
}
