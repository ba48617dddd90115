using Grpc.Reflection.V1;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>Server reflection on a worker, as grpcurl uses it: the services, and the file that describes one.</summary>
public sealed class ReflectionTests : IAsyncLifetime
{
    private WorkerHost _worker = null!;

    public async Task InitializeAsync() => _worker = await WorkerHost.StartAsync(new Dictionary<string, string?>());

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Reflection_lists_the_workers_services_and_describes_SpatialTracer()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_worker.Channel);
        using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "robotracer.v1.SpatialTracer" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes))
            .ToList();
        await call.RequestStream.CompleteAsync();

        Assert.Contains("robotracer.v1.SpatialTracer", services);
        Assert.Contains("grpc.health.v1.Health", services);
        var file = Assert.Single(files, f => f.Name == "robotracer/v1/spatial_trace.proto");
        Assert.Equal(["Trace", "TraceStream"], file.Service.Single(s => s.Name == "SpatialTracer").Method.Select(m => m.Name));
    }
}
