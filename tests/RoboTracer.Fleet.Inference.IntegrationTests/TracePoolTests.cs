using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Pool;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>
/// The pool client over two in-process workers: a worker stopped mid-load, a worker whose queue is full, a bad
/// request, and a deadline shorter than the queue wait.
/// </summary>
public sealed class TracePoolTests
{
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Inference:DefaultBackend"] = "simulated",
        ["Inference:Backends:simulated:FixedLatency"] = "00:00:00.002",
        ["Inference:Backends:simulated:PerItemLatency"] = "00:00:00.0005",
        ["Inference:Backends:simulated:Batching:MaxBatchSize"] = "8",
        ["Inference:Backends:simulated:Batching:MaxQueueDelay"] = "00:00:00.001",
    };

    [Fact]
    public async Task A_worker_stopped_mid_load_fails_no_call_while_the_other_is_healthy()
    {
        await using var a = await WorkerHost.StartAsync(Fast);
        await using var b = await WorkerHost.StartAsync(Fast);
        await using var pool = Pool(a, b);
        await UntilEachHasServedAsync(pool, a, b);

        var load = await RunLoadAsync(pool, kill: () => a.StopAsync());

        Assert.Empty(load.Failures);
        Assert.Contains(load.Before, r => r.WorkerId == a.WorkerId);
        Assert.All(load.After, r => Assert.Equal(b.WorkerId, r.WorkerId));
    }

    [Fact]
    public async Task A_worker_killed_without_a_drain_mid_load_fails_no_call_while_the_other_is_healthy()
    {
        await using var a = await WorkerHost.StartAsync(Fast);
        await using var b = await WorkerHost.StartAsync(Fast);
        await using var pool = Pool(a, b);
        await UntilEachHasServedAsync(pool, a, b);

        // A cancelled stop skips the drain and aborts the worker's connections with calls on them.
        var load = await RunLoadAsync(pool, kill: () => a.StopAsync(new CancellationToken(canceled: true)));

        Assert.Empty(load.Failures);
        Assert.Contains(load.Before, r => r.WorkerId == a.WorkerId);
        Assert.All(load.After, r => Assert.Equal(b.WorkerId, r.WorkerId));
    }

    [Fact]
    public async Task A_worker_that_answers_resource_exhausted_is_retried_on_the_other()
    {
        await using var full = await WorkerHost.StartAsync(new Dictionary<string, string?>(Fast)
        {
            ["Inference:Backends:simulated:FixedLatency"] = "00:00:00.2",
            ["Inference:Backends:simulated:Batching:MaxBatchSize"] = "1",
            ["Inference:Backends:simulated:Batching:QueueCapacity"] = "1",
        });
        await using var roomy = await WorkerHost.StartAsync(Fast);
        await using var pool = Pool(full, roomy);
        await UntilEachHasServedAsync(pool, full, roomy);
        var callsBefore = full.TraceCalls;

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => pool.TraceAsync(TestInputs.Request(), DateTime.UtcNow.AddSeconds(30))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(responses, r => Assert.Equal(3, r.Points2D.Count));
        // Calls that reached the full worker but were not served by it got RESOURCE_EXHAUSTED there.
        var servedByFull = responses.Count(r => r.WorkerId == full.WorkerId);
        Assert.True(full.TraceCalls - callsBefore > servedByFull, $"the full worker got {full.TraceCalls - callsBefore} calls and served {servedByFull}: none was refused");
        Assert.Equal(24, servedByFull + responses.Count(r => r.WorkerId == roomy.WorkerId));
    }

    [Fact]
    public async Task Invalid_argument_is_never_retried_on_another_worker()
    {
        await using var a = await WorkerHost.StartAsync(Fast);
        await using var b = await WorkerHost.StartAsync(Fast);
        await using var pool = Pool(a, b);
        var request = TestInputs.Request();
        request.Image.Data = ByteString.CopyFromUtf8("not an image");

        var ex = await Assert.ThrowsAsync<RpcException>(() => pool.TraceAsync(request, DateTime.UtcNow.AddSeconds(30)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("image: image bytes are neither PNG nor JPEG", ex.Status.Detail);
        Assert.Equal(1, a.TraceCalls + b.TraceCalls);
    }

    [Fact]
    public async Task A_deadline_shorter_than_the_queue_wait_is_deadline_exceeded_the_request_never_reaches_a_model_and_no_worker_is_passed_over()
    {
        await using var model = await FakeModelServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Inference:DefaultBackend"] = "robotracer-http",
            ["Inference:Backends:robotracer-http:BaseAddress"] = model.Address.ToString(),
            ["Inference:Backends:robotracer-http:Contract"] = "RoboRefer",
            ["Inference:Backends:robotracer-http:Batching:MaxBatchSize"] = "1",
            ["Inference:Backends:robotracer-http:Batching:MaxQueueDelay"] = "00:00:00",
        };
        await using var a = await WorkerHost.StartAsync(settings);
        await using var b = await WorkerHost.StartAsync(settings);
        // A refusal would pass a worker over for the rest of the test: a missed deadline must not count as one.
        await using var pool = new TracePool(new TracePoolOptions
        {
            Workers = [a.GrpcAddress.ToString(), b.GrpcAddress.ToString()],
            RefusalCooldown = TimeSpan.FromHours(1),
        });
        // Each worker's backend is busy with a call the model server holds; anything else waits in the queue.
        model.Hold = true;
        var busy = new[] { a, b }.Select(w => w.Client.TraceAsync(TestInputs.Request(instruction: "keep busy"), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(60))).ResponseAsync).ToList();
        await model.NextRequestAsync();
        await model.NextRequestAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => pool.TraceAsync(TestInputs.Request(instruction: "too late"), DateTime.UtcNow.AddMilliseconds(300)));
        // The worker's copy of the deadline (grpc-timeout) started when the request reached it, a little after the
        // client's: release the model only once the worker has given up on the call too.
        await Task.WhenAny(a.NextTraceCallDoneAsync(), b.NextTraceCallDoneAsync());
        model.Release();
        await Task.WhenAll(busy).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.DoesNotContain(model.Received, r => r.Body.GetProperty("text").GetString()!.Contains("too late", StringComparison.Ordinal));
        Assert.All(pool.Workers, worker => Assert.False(worker.Refusing, $"{worker.Address} is passed over after a missed deadline"));
    }

    [Fact]
    public async Task A_pool_without_a_reachable_worker_is_unavailable()
    {
        await using var a = await WorkerHost.StartAsync(Fast);
        var address = a.GrpcAddress.ToString();
        await a.StopAsync();
        await using var pool = new TracePool(new TracePoolOptions { Workers = [address], RetryDelay = TimeSpan.FromMilliseconds(5) });

        var ex = await Assert.ThrowsAsync<RpcException>(() => pool.TraceAsync(TestInputs.Request(), DateTime.UtcNow.AddSeconds(30)));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task Workers_found_by_service_discovery_in_configuration_share_the_calls()
    {
        await using var a = await WorkerHost.StartAsync(Fast);
        await using var b = await WorkerHost.StartAsync(Fast);
        // As the Aspire AppHost writes them: services__pool__grpc__0, services__pool__grpc__1.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:pool:grpc:0"] = a.GrpcAddress.ToString(),
            ["services:pool:grpc:1"] = b.GrpcAddress.ToString(),
        }).Build();
        await using var pool = TracePool.FromConfiguration(configuration);

        await UntilEachHasServedAsync(pool, a, b);

        Assert.Equal(
            new[] { a.GrpcAddress, b.GrpcAddress }.Select(u => $"{u.Host}:{u.Port}").Order(),
            pool.Workers.Select(w => $"{new Uri(w.Address).Host}:{new Uri(w.Address).Port}").Order());
    }

    [Fact]
    public async Task A_dns_worker_is_a_worker_at_each_address_its_name_resolves_to()
    {
        await using var a = await WorkerHost.StartAsync(Fast);
        var port = a.GrpcAddress.Port;
        await using var pool = new TracePool(new TracePoolOptions { Workers = [$"dns:///localhost:{port}"], RetryDelay = TimeSpan.FromMilliseconds(5) });

        var response = await pool.TraceAsync(TestInputs.Request(), DateTime.UtcNow.AddSeconds(30));

        // As behind a Kubernetes headless Service: the balancer holds the addresses, never the name.
        Assert.Equal(a.WorkerId, response.WorkerId);
        var resolved = await System.Net.Dns.GetHostAddressesAsync("localhost");
        Assert.Equal(
            resolved.Select(ip => $"{new UriBuilder("http", ip.ToString(), port).Uri.Host}:{port}").Order(),
            pool.Workers.Select(w => $"{new Uri(w.Address).Host}:{new Uri(w.Address).Port}").Order());
        Assert.Contains(pool.Workers, w => new Uri(w.Address).Host == a.GrpcAddress.Host);
    }

    [Fact]
    public void A_pool_with_no_worker_configured_either_way_is_refused_with_what_to_set()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pool:MaxAttempts"] = "2" }).Build();

        var error = Assert.Throws<ArgumentException>(() => TracePool.FromConfiguration(configuration));

        Assert.Contains("set Pool:Workers", error.Message, StringComparison.Ordinal);
        Assert.Contains("services__pool__grpc__0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Pool:MaxAttempts", "9", "Pool:MaxAttempts is 9")]
    [InlineData("Pool:Workers:0", "127.0.0.1:50051", "each worker must be an absolute http:// address")]
    [InlineData("Pool:Workers:0", "dns:///robotracer-worker-headless", "or dns:///NAME:PORT")]
    [InlineData("Pool:DnsRefreshInterval", "00:00:00", "Pool:DnsRefreshInterval must be positive")]
    public void A_pool_setting_out_of_range_is_refused_naming_it(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pool:Workers:0"] = "http://127.0.0.1:50051",
            [key] = value,
        }).Build();

        var error = Assert.Throws<ArgumentException>(() => TracePool.FromConfiguration(configuration));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Keeps 16 callers busy on the pool: 50 calls complete, then <paramref name="kill"/> runs, then the load goes on
    /// until 100 calls that started after the kill have completed. Failures are collected, not thrown.
    /// </summary>
    private static async Task<Load> RunLoadAsync(TracePool pool, Func<Task> kill)
    {
        var load = new Load();
        var killed = 0;
        var afterKill = 0;
        var warm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task CallerAsync()
        {
            while (!done.Task.IsCompleted)
            {
                var startedAfterKill = Volatile.Read(ref killed) == 1;
                try
                {
                    var response = await pool.TraceAsync(TestInputs.Request(), DateTime.UtcNow.AddSeconds(30));
                    (startedAfterKill ? load.After : load.Before).Add(response);
                }
                catch (RpcException ex)
                {
                    load.Failures.Add(ex.Status);
                    done.TrySetResult();
                }
                if (load.Before.Count >= 50)
                {
                    warm.TrySetResult();
                }
                if (startedAfterKill && Interlocked.Increment(ref afterKill) >= 100)
                {
                    done.TrySetResult();
                }
            }
        }

        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(CallerAsync)).ToList();
        await Task.WhenAny(warm.Task, done.Task).WaitAsync(TimeSpan.FromSeconds(60));
        await kill();
        Volatile.Write(ref killed, 1);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));
        return load;
    }

    /// <summary>
    /// Calls the pool one call at a time until every worker has answered one: the balancer picks among the workers
    /// it is connected to, and connections come up one by one.
    /// </summary>
    private static async Task UntilEachHasServedAsync(TracePool pool, params WorkerHost[] workers)
    {
        var served = new HashSet<string>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (served.Count < workers.Length)
        {
            served.Add((await pool.TraceAsync(TestInputs.Request(), DateTime.UtcNow.AddSeconds(30), patience.Token)).WorkerId);
        }
    }

    private static TracePool Pool(params WorkerHost[] workers) => new(new TracePoolOptions
    {
        Workers = [.. workers.Select(w => w.GrpcAddress.ToString())],
        RetryDelay = TimeSpan.FromMilliseconds(5),
    });

    private sealed class Load
    {
        public System.Collections.Concurrent.ConcurrentBag<TraceResponse> Before { get; } = [];

        public System.Collections.Concurrent.ConcurrentBag<TraceResponse> After { get; } = [];

        public System.Collections.Concurrent.ConcurrentBag<Status> Failures { get; } = [];
    }
}
