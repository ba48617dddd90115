using Microsoft.Extensions.Configuration;
using RoboTracer.Fleet.Simulator.Configuration;

namespace RoboTracer.Fleet.Simulator.Tests;

public sealed class SimulatorOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Reads_the_contract_keys_and_derives_each_robot()
    {
        var options = SimulatorOptions.FromConfiguration(Config(
            ("services:orchestrator:grpc:0", "http://127.0.0.1:5081"),
            ("Simulator:Robots", "3"),
            ("Simulator:Seed", "9"),
            ("Simulator:Render", "false"),
            ("Simulator:SpeedMetresPerSecond", "0.5"),
            ("Simulator:Faults:GraspFailure", "0.25"),
            ("Simulator:Faults:StallTimeoutSeconds", "1.5"),
            ("Simulator:SceneChanges:Obstacle", "1"),
            ("Fleet:RobotTokens:sim-2", "s2")));

        Assert.Equal([new Uri("http://127.0.0.1:5081")], options.Orchestrators);
        Assert.Equal(3, options.Robots);
        Assert.False(options.Render);
        Assert.Equal(0.25, options.Faults.GraspFailure);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.Faults.StallTimeout);
        Assert.Equal(1, options.SceneChanges.Obstacle);
        var second = options.ForRobot(2);
        Assert.Equal(("sim-2", "s2", "table-sim-2", 0.5), (second.RobotId, second.Token, second.SceneId, second.SpeedMetresPerSecond));
        Assert.Equal("", options.ForRobot(1).Token);
        Assert.NotEqual(options.ForRobot(1).Seed, second.Seed);
        Assert.Equal(second.Seed, SimulatorOptions.FromConfiguration(Config(("Simulator:Orchestrator", "http://h:1"), ("Simulator:Seed", "9"))).ForRobot(2).Seed);
    }

    [Fact]
    public void Simulator_Orchestrator_wins_over_the_service_reference_and_defaults_apply()
    {
        var options = SimulatorOptions.FromConfiguration(Config(("Simulator:Orchestrator", "http://a:1"), ("services:orchestrator:grpc:0", "http://b:2")));

        Assert.Equal([new Uri("http://a:1")], options.Orchestrators);
        Assert.Equal((4, true, 0.0, 0.0), (options.Robots, options.Render, options.Faults.Disconnect, options.SceneChanges.Nudge));
    }

    [Fact]
    public void Several_orchestrators_are_the_nodes_of_one_cluster_from_the_setting_or_the_service_references()
    {
        var listed = SimulatorOptions.FromConfiguration(Config(("Simulator:Orchestrator", " http://a:1 , http://b:2")));
        var referenced = SimulatorOptions.FromConfiguration(Config(("services:orchestrator:grpc:0", "http://a:1"), ("services:orchestrator:grpc:1", "http://b:2")));

        Assert.Equal([new Uri("http://a:1"), new Uri("http://b:2")], listed.Orchestrators);
        Assert.Equal(listed.Orchestrators, referenced.Orchestrators);
        var mixed = Assert.Throws<InvalidOperationException>(() => SimulatorOptions.FromConfiguration(Config(("Simulator:Orchestrator", "http://a:1,https://b:2"))));
        Assert.Contains("mixes http:// and https://", mixed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Simulator:Faults:Stall", "1.5", "Simulator:Faults:Stall")]
    [InlineData("Simulator:Robots", "many", "Simulator:Robots")]
    [InlineData("Simulator:Render", "yes", "Simulator:Render")]
    [InlineData("Simulator:Orchestrator", "ftp://x", "Simulator:Orchestrator")]
    public void A_bad_value_is_refused_naming_its_key(string key, string value, string named)
    {
        var config = key == "Simulator:Orchestrator" ? Config((key, value)) : Config(("Simulator:Orchestrator", "http://h:1"), (key, value));

        var error = Assert.Throws<InvalidOperationException>(() => SimulatorOptions.FromConfiguration(config));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_orchestrator_address_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SimulatorOptions.FromConfiguration(Config()));

        Assert.Contains("Simulator:Orchestrator", error.Message, StringComparison.Ordinal);
    }
}
