using CsCheck;
using Google.Protobuf;
using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Testing.Fuzzing;

/// <summary>
/// Generated RobotLink sessions: a hello, then heartbeats, step updates, observations, pongs and acknowledgements,
/// each intact, with bytes flipped, cut short or replaced by random bytes, sent raw on <c>RobotLink/Connect</c>. The
/// rule: the orchestrator ends every such call with a status that says the robot's fault (or lets it run), never
/// INTERNAL or UNKNOWN, keeps answering, and registers no robot that has no token.
/// </summary>
public static class RobotLinkFuzz
{
    /// <summary>The robot the sessions speak for (its token is configured in <see cref="OrchestratorHost"/>).</summary>
    public const string Robot = "robot-6";

    private static readonly Method<byte[], byte[]> Connect = new(
        MethodType.DuplexStreaming, "robotracer.v1.RobotLink", "Connect",
        Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    /// <summary>Runs <paramref name="cases"/> sessions; returns how many calls ended with each status.</summary>
    public static async Task<IReadOnlyDictionary<StatusCode, int>> RunAsync(OrchestratorHost host, long cases, string? seed = null)
    {
        var endings = new Dictionary<StatusCode, int>();
        var invoker = host.Channel.CreateCallInvoker();
        await Sessions().SampleAsync(async session =>
        {
            var ending = await SendAsync(invoker, session);
            endings[ending] = endings.GetValueOrDefault(ending) + 1;
            if (ending is StatusCode.Internal or StatusCode.Unknown)
            {
                throw new FuzzFailure($"{session} ended {ending}");
            }
            using var answer = await host.Http.GetAsync("/api/robots");
            if (!answer.IsSuccessStatusCode)
            {
                throw new FuzzFailure($"{session}: the orchestrator answered GET /api/robots with {(int)answer.StatusCode} after it");
            }
            var robots = System.Text.Json.Nodes.JsonNode.Parse(await answer.Content.ReadAsStringAsync())!.AsArray().Select(r => r!["id"]!.GetValue<string>());
            if (robots.FirstOrDefault(id => !IsConfigured(id)) is { } stranger)
            {
                throw new FuzzFailure($"{session}: robot '{stranger}', which has no token, is registered");
            }
        }, seed: seed, iter: cases, threads: 1, print: s => s.ToString());
        return endings;
    }

    private static bool IsConfigured(string robot) =>
        robot.StartsWith("robot-", StringComparison.Ordinal) && int.TryParse(robot["robot-".Length..], out var n) && n is >= 1 and <= 9;

    /// <summary>Sends the session's messages, closes its side, and reads until the server ends the call (or 5 s pass).</summary>
    private static async Task<StatusCode> SendAsync(CallInvoker invoker, LinkSession session)
    {
        using var call = invoker.AsyncDuplexStreamingCall(Connect, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5)));
        try
        {
            foreach (var message in session.Messages)
            {
                await call.RequestStream.WriteAsync(message.Bytes);
            }
            await call.RequestStream.CompleteAsync();
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
        catch (InvalidOperationException)
        {
            // Writing after the server ended the call: the call's own status says how.
            return call.GetStatus().StatusCode;
        }
    }

    private static Gen<LinkSession> Sessions()
    {
        var hello = new RobotMessage
        {
            Hello = new Hello
            {
                RobotId = Robot,
                Token = OrchestratorHost.RobotToken(Robot),
                SceneId = "fuzz-table",
                Intrinsics = new CameraIntrinsics { Fx = 300, Fy = 300, Cx = 160, Cy = 120, Width = 320, Height = 240 },
                Capabilities = new RobotCapabilities
                {
                    Kind = RobotKind.Arm,
                    MaxReachM = 1.5,
                    MaxPayloadKg = 2,
                    Workspace = new Box3D { Center = new Point3D { Z = 2 }, Extent = new Point3D { X = 6, Y = 6, Z = 4 } },
                    Actions = { "pick_and_place", "push" },
                },
            },
        };
        RobotMessage[] others =
        [
            new() { Heartbeat = new Heartbeat { SentUnixMs = 1_765_000_000_000, Battery = 0.5, Pose = new Pose { Position = new Point3D { X = 0.1 }, Orientation = new Quaternion { W = 1 } } } },
            new() { StepUpdate = new StepUpdate { TaskId = "0123456789abcdef0123456789abcdef", StepId = "0", TraceId = "fedcba9876543210fedcba9876543210", State = StepState.Executing, Progress = 0.5 } },
            new() { Observation = new Observation { TakenUnixMs = 1_765_000_000_000, Intrinsics = hello.Hello.Intrinsics, Image = new Image { MediaType = "image/png", Data = ByteString.CopyFrom(new Vision.RgbImage(4, 3, new byte[36]).ToPng()) } } },
            new() { Pong = new Pong() },
            new() { CommandAck = new CommandAck { CommandId = 7 } },
        ];
        var templates = others.Select(m => m.ToByteArray()).ToArray();
        var damaged = Gen.Frequency(
            (3, Gen.Const<Func<byte[], (string, byte[])>>(bytes => ("intact", bytes))),
            (3, Gen.Select(Gen.Int[0, 500], Gen.Byte, (at, value) => (Func<byte[], (string, byte[])>)(bytes =>
                bytes.Length == 0 ? ("empty", bytes) : ($"byte {at % bytes.Length} = {value}", [.. bytes[..(at % bytes.Length)], value, .. bytes[(at % bytes.Length + 1)..]])))),
            (2, Gen.Int[0, 500].Select(cut => (Func<byte[], (string, byte[])>)(bytes => ($"cut at {cut}", bytes[..Math.Min(cut, bytes.Length)])))),
            (1, Gen.Byte.Array[0, 40].Select(random => (Func<byte[], (string, byte[])>)(_ => ($"{random.Length} random bytes", random)))));
        var first = damaged.Select(damage => Message("hello", damage(hello.ToByteArray())));
        var next = Gen.Select(Gen.Int[0, templates.Length - 1], damaged, (i, damage) => Message(others[i].BodyCase.ToString(), damage(templates[i])));
        return Gen.Select(first, next.Array[0, 4], (h, rest) => new LinkSession([h, .. rest]));
    }

    private static LinkMessage Message(string kind, (string How, byte[] Bytes) damaged) => new($"{kind} ({damaged.How})", damaged.Bytes);

    private sealed record LinkMessage(string Description, byte[] Bytes);

    private sealed record LinkSession(IReadOnlyList<LinkMessage> Messages)
    {
        public override string ToString() => string.Join(", then ", Messages.Select(m => m.Description));
    }
}
