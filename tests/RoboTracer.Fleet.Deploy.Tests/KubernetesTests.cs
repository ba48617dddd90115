using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting.Kubernetes;
using RoboTracer.Fleet.Cli;
using RoboTracer.Fleet.Inference.Pool;
using RoboTracer.Fleet.Orchestrator.Hosting;
using RoboTracer.Fleet.ServiceDefaults;
using YamlDotNet.RepresentationModel;
using static RoboTracer.Fleet.Deploy.Tests.RenderedOverlay;

namespace RoboTracer.Fleet.Deploy.Tests;

/// <summary>deploy/kubernetes: every overlay renders, sets only what the services read, and runs them as they serve.</summary>
public sealed partial class KubernetesTests
{
    private const string Orchestrator = "robotracer-orchestrator";
    private const string Worker = "robotracer-worker";
    private const string Migrate = "robotracer-migrate";
    private const string Retention = "robotracer-retention";

    public static TheoryData<string> Overlays => [.. RenderedOverlay.Names];

    [Fact]
    public void Every_overlay_folder_is_checked()
    {
        var folders = Directory.GetDirectories(Tools.Deploy("kubernetes", "overlays")).Select(Path.GetFileName).Order();

        Assert.Equal(RenderedOverlay.Names.Order(), folders);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Overlay_renders_the_orchestrator_and_the_pool(string overlay)
    {
        var rendered = Render(overlay);

        Assert.Equal([Migrate, Orchestrator, Retention, Worker], rendered.Pods().Select(p => p.Workload).Order());
        Assert.Single(rendered.OfKind("Secret"));
        Assert.Equal(2, rendered.OfKind("PodDisruptionBudget").Count());
        Assert.NotEmpty(rendered.OfKind("NetworkPolicy"));
    }

    [Fact]
    public void Dev_runs_one_silo_and_production_three_with_gpu_workers_under_an_autoscaler()
    {
        var dev = Render("dev");
        var production = Render("production");

        Assert.Equal("1", Text(dev.Single("Deployment", Orchestrator), "spec", "replicas"));
        Assert.Equal("3", Text(production.Single("Deployment", Orchestrator), "spec", "replicas"));
        var worker = Containers(production.Pod(Worker)).Single();
        Assert.Equal("1", Text(worker, "resources", "limits", "nvidia.com/gpu"));
        Assert.Contains("-gpu:", Text(worker, "image"), StringComparison.Ordinal);
        var hpa = production.OfKind("HorizontalPodAutoscaler").Single();
        Assert.Equal(Worker, Text(hpa, "spec", "scaleTargetRef", "name"));
        Assert.Empty(dev.OfKind("HorizontalPodAutoscaler"));
    }

    [Fact]
    public void Production_workers_scale_on_the_queue_length_the_worker_exports_with_cpu_as_fallback()
    {
        var metrics = Sequence(Render("production").OfKind("HorizontalPodAutoscaler").Single(), "spec", "metrics").ToList();

        // The OpenTelemetry gauge fleet.inference.queue.length (InferenceMetrics) as Prometheus names it.
        var queue = Assert.Single(metrics, m => Text(m, "type") == "Pods");
        Assert.Equal("fleet.inference.queue.length".Replace('.', '_'), Text(queue, "pods", "metric", "name"));
        Assert.Equal("AverageValue", Text(queue, "pods", "target", "type"));
        var cpu = Assert.Single(metrics, m => Text(m, "type") == "Resource");
        Assert.Equal("cpu", Text(cpu, "resource", "name"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_image_has_an_explicit_tag_that_is_not_latest(string overlay)
    {
        var images = Render(overlay).Pods().SelectMany(p => Containers(p.Pod)).Select(c => Text(c, "image")!).ToList();

        Assert.NotEmpty(images);
        Assert.All(images, image => Assert.Matches(PinnedImage(), image));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_container_has_resources_and_runs_as_non_root(string overlay)
    {
        foreach (var (workload, pod) in Render(overlay).Pods())
        {
            Assert.True(Text(pod, "securityContext", "runAsNonRoot") == "true", $"{workload}: securityContext.runAsNonRoot");
            Assert.True(int.Parse(Text(pod, "securityContext", "runAsUser") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 0, $"{workload}: runAsUser must not be 0");
            foreach (var container in Containers(pod))
            {
                var name = $"{workload}/{Text(container, "name")}";
                foreach (var kind in new[] { "requests", "limits" })
                {
                    Assert.True(Text(container, "resources", kind, "cpu") is not null && Text(container, "resources", kind, "memory") is not null, $"{name}: resources.{kind} cpu and memory");
                }
                Assert.True(Text(container, "securityContext", "allowPrivilegeEscalation") == "false", $"{name}: allowPrivilegeEscalation false");
                Assert.NotEqual("0", Text(container, "securityContext", "runAsUser"));
                Assert.NotEqual("false", Text(container, "securityContext", "runAsNonRoot"));
            }
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Probes_ask_the_service_defaults_paths_on_the_http_endpoint(string overlay)
    {
        var rendered = Render(overlay);
        foreach (var (workload, pod) in rendered.ServicePods())
        {
            var container = Containers(pod).Single();
            Assert.Equal(Extensions.HealthEndpointPath, Text(container, "readinessProbe", "httpGet", "path"));
            Assert.Equal(Extensions.AlivenessEndpointPath, Text(container, "livenessProbe", "httpGet", "path"));
            Assert.Equal("http", Text(container, "readinessProbe", "httpGet", "port"));
            Assert.Equal("http", Text(container, "livenessProbe", "httpGet", "port"));
            // The named ports are where Kestrel's named endpoints listen (DESIGN.md §4: Http HTTP/1.1, Grpc HTTP/2).
            var environment = rendered.Environment(container);
            Assert.Equal(PortOf(environment, KestrelEndpointDefaults.HttpEndpoint), ContainerPort(container, "http"));
            Assert.Equal(PortOf(environment, KestrelEndpointDefaults.GrpcEndpoint), ContainerPort(container, "grpc"));
            _ = workload;
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Orleans_ports_are_the_container_ports_and_the_pod_advertises_its_ip(string overlay)
    {
        var rendered = Render(overlay);
        var container = Containers(rendered.Pod(Orchestrator)).Single();
        var environment = rendered.Environment(container);

        Assert.Equal(environment["Orleans__Endpoints__SiloPort"], ContainerPort(container, "silo"));
        Assert.Equal(environment["Orleans__Endpoints__GatewayPort"], ContainerPort(container, "gateway"));
        var advertised = Sequence(container, "env").Single(e => Text(e, "name") == "Orleans__Endpoints__AdvertisedIPAddress");
        Assert.Equal("status.podIP", Text(advertised, "valueFrom", "fieldRef", "fieldPath"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Services_send_rest_over_http1_and_robotlink_over_h2c_to_ports_the_pods_have(string overlay)
    {
        var rendered = Render(overlay);

        Assert.Equal(("http", "http"), ServicePort(rendered, "robotracer-orchestrator-http"));
        Assert.Equal(("grpc", "kubernetes.io/h2c"), ServicePort(rendered, "robotracer-orchestrator-robotlink"));
        foreach (var service in rendered.OfKind("Service"))
        {
            var selector = Text(service, "spec", "selector", "app.kubernetes.io/name")!;
            var container = Containers(rendered.Pod(selector)).Single();
            foreach (var port in Sequence(service, "spec", "ports"))
            {
                Assert.NotNull(ContainerPort(container, Text(port, "targetPort")!));
            }
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_orchestrator_reads_every_variable_the_overlay_sets(string overlay)
    {
        var rendered = Render(overlay);
        var environment = rendered.Environment(Containers(rendered.Pod(Orchestrator)).Single());

        Assert.Empty(ConfigurationReads.UnreadByOrchestrator(environment));
        Assert.Contains("FLEET_API_TOKEN", environment.Keys);
        Assert.Contains("ConnectionStrings__fleetdb", environment.Keys);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_worker_reads_every_variable_the_overlay_sets(string overlay)
    {
        var rendered = Render(overlay);
        var environment = rendered.Environment(Containers(rendered.Pod(Worker)).Single());

        Assert.Empty(ConfigurationReads.UnreadByWorker(environment));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Silos_use_orleans_kubernetes_hosting_with_their_pod_identity_and_an_account_allowed_what_it_does(string overlay)
    {
        var rendered = Render(overlay);
        var deployment = rendered.Single("Deployment", Orchestrator);
        var pod = rendered.Pod(Orchestrator);
        var container = Containers(pod).Single();

        Assert.Equal("true", rendered.Environment(container)[FleetSilo.KubernetesHostingKey.Replace(":", "__", StringComparison.Ordinal)]);
        Assert.Equal("metadata.name", FieldOf(container, KubernetesHostingOptions.PodNameEnvironmentVariable));
        Assert.Equal("metadata.namespace", FieldOf(container, KubernetesHostingOptions.PodNamespaceEnvironmentVariable));
        // The cluster is the pods' labels, which the package also selects the silos' pods by.
        foreach (var (variable, label) in new[]
        {
            (KubernetesHostingOptions.ClusterIdEnvironmentVariable, KubernetesHostingOptions.ClusterIdLabel),
            (KubernetesHostingOptions.ServiceIdEnvironmentVariable, KubernetesHostingOptions.ServiceIdLabel),
        })
        {
            Assert.Equal($"metadata.labels['{label}']", FieldOf(container, variable));
            Assert.False(string.IsNullOrEmpty(Text(deployment, "spec", "template", "metadata", "labels", label)), $"the pod template has no label {label}");
        }
        // The in-cluster client authenticates with the pod's service account token.
        var account = Text(pod, "serviceAccountName")!;
        Assert.NotEqual("false", Text(pod, "automountServiceAccountToken"));
        Assert.Single(rendered.OfKind("ServiceAccount"), a => Text(a, "metadata", "name") == account);
        var binding = Assert.Single(rendered.OfKind("RoleBinding"), b => Sequence(b, "subjects").Any(s => Text(s, "kind") == "ServiceAccount" && Text(s, "name") == account));
        Assert.Equal("Role", Text(binding, "roleRef", "kind"));
        var role = rendered.Single("Role", Text(binding, "roleRef", "name")!);
        var rule = Assert.Single(Sequence(role, "rules"), r => Sequence(r, "resources").Any(x => Text(x) == "pods"));
        Assert.Equal([""], Sequence(rule, "apiGroups").Select(x => Text(x)));
        // What KubernetesClusterAgent calls: read, list and watch pods, patch its own pod's labels; never delete.
        Assert.Equal(["get", "list", "patch", "watch"], Sequence(rule, "verbs").Select(x => Text(x)!).Order());
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_pool_client_resolves_the_headless_worker_service_to_each_worker_on_its_grpc_port(string overlay)
    {
        var rendered = Render(overlay);
        var orchestrator = rendered.Environment(Containers(rendered.Pod(Orchestrator)).Single());
        var worker = Containers(rendered.Pod(Worker)).Single();

        var workers = orchestrator.Where(e => e.Key.StartsWith("Pool__Workers__", StringComparison.Ordinal)).Select(e => e.Value).ToList();
        var (host, port) = Assert.IsType<(string, int)>(TracePoolOptions.DnsName(Assert.Single(workers)));
        var service = rendered.Single("Service", host);
        // Headless: the name resolves to the ready pods' own addresses, so the port is the pods' port.
        Assert.Equal("None", Text(service, "spec", "clusterIP"));
        Assert.Equal(Worker, Text(service, "spec", "selector", "app.kubernetes.io/name"));
        Assert.Equal(ContainerPort(worker, "grpc"), port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var servicePort = Assert.Single(Sequence(service, "spec", "ports"));
        Assert.Equal(("grpc", "kubernetes.io/h2c"), (Text(servicePort, "targetPort"), Text(servicePort, "appProtocol")));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_migration_job_runs_migrate_from_the_orchestrator_image_on_the_silos_store(string overlay)
    {
        var rendered = Render(overlay);
        var silo = Containers(rendered.Pod(Orchestrator)).Single();
        var job = Containers(rendered.Pod(Migrate)).Single();

        Assert.Equal(Text(silo, "image"), Text(job, "image"));
        Assert.Equal([MigrateCommand.Name], rendered.Arguments(job));
        Assert.Equal(StoreOf(rendered.Environment(silo)), StoreOf(rendered.Environment(job)));
        Assert.Equal("postgres", StoreOf(rendered.Environment(job)).Provider);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_retention_cronjob_runs_fleet_retention_on_the_silos_store_and_schema(string overlay)
    {
        var rendered = Render(overlay);
        var store = StoreOf(rendered.Environment(Containers(rendered.Pod(Orchestrator)).Single()));
        var container = Containers(rendered.Pod(Retention)).Single();
        var arguments = rendered.Arguments(container);

        Assert.StartsWith("robotracer/fleet-cli:", Text(container, "image"), StringComparison.Ordinal);
        Assert.Equal("retention", arguments[0]);
        Assert.Equal("postgres:" + store.Target, ValueOf(arguments, "--store"));
        Assert.Equal(store.Schema, ValueOf(arguments, "--schema"));
        var archive = ValueOf(arguments, "--archive");
        Assert.Contains(Sequence(container, "volumeMounts"), m => Text(m, "mountPath") == archive);
        // The arguments are valid for the fleet command itself.
        var parse = FleetCommand.BuildRootCommand(CliContext.ForWriters(TextWriter.Null, TextWriter.Null)).Parse([.. arguments]);
        Assert.Empty(parse.Errors);
    }

    [Fact]
    public void A_variable_no_service_reads_is_reported()
    {
        var environment = new Dictionary<string, string>
        {
            ["Fleet__TraceDeadline"] = "00:00:20",
            ["Fleet__TraceDeadlin"] = "00:00:20",
            ["Orleans__Endpoints__SiloPrt"] = "11111",
        };

        Assert.Equal(["Fleet:TraceDeadlin", "Orleans:Endpoints:SiloPrt"], ConfigurationReads.UnreadByOrchestrator(environment));
        Assert.Equal(["Inference:DefaultBackendd"], ConfigurationReads.UnreadByWorker(new Dictionary<string, string> { ["Inference__DefaultBackendd"] = "x" }));
    }

    private static StoreSelection StoreOf(IReadOnlyDictionary<string, string> environment) =>
        StoreSelection.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(ConfigurationReads.Keys(environment)).Build());

    private static string? FieldOf(YamlMappingNode container, string variable) =>
        Text(Sequence(container, "env").Single(e => Text(e, "name") == variable), "valueFrom", "fieldRef", "fieldPath");

    private static string ValueOf(IReadOnlyList<string> arguments, string option)
    {
        var at = arguments.ToList().IndexOf(option);
        Assert.True(at >= 0 && at + 1 < arguments.Count, $"no value for {option} in: {string.Join(' ', arguments)}");
        return arguments[at + 1];
    }

    private static (string? TargetPort, string? AppProtocol) ServicePort(RenderedOverlay rendered, string name)
    {
        var port = Sequence(rendered.Single("Service", name), "spec", "ports").Single();
        return (Text(port, "targetPort"), Text(port, "appProtocol"));
    }

    private static string? ContainerPort(YamlMappingNode container, string name) =>
        Sequence(container, "ports").Where(p => Text(p, "name") == name).Select(p => Text(p, "containerPort")).SingleOrDefault();

    private static string PortOf(IReadOnlyDictionary<string, string> environment, string endpoint)
    {
        var url = environment[$"Kestrel__Endpoints__{endpoint}__Url"];
        // Kestrel's wildcard hosts (* and +) are not URI hosts: the port is what follows the last colon.
        return url[(url.LastIndexOf(':') + 1)..].TrimEnd('/');
    }

    [GeneratedRegex(@"^[^@\s]+:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$|^[^@\s]+@sha256:[0-9a-f]{64}$")]
    private static partial Regex PinnedImage();
}
